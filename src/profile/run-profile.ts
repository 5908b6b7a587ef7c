import { existsSync, statSync } from "node:fs";
import { totalmem } from "node:os";
import { engineInfo } from "../engine/index.js";
import { BprofError } from "../errors.js";
import { findBenchmarkSpec } from "../eval/find-spec.js";
import { ModelScoringLM } from "../eval/model-lm.js";
import { prepareBenchmark, type PreparedBenchmark } from "../eval/prepare.js";
import { primaryMetricKey, type LoadedSpec } from "../eval/spec.js";
import { findSpecFiles } from "../eval/shipped-specs.js";
import { tokenizeBenchmark, type TokenizedBenchmark } from "../eval/tokenize.js";
import { ablationCount } from "../masks/ablation-count.js";
import { hashCheckpoint, hashTokenizer } from "../model/fingerprint.js";
import { tokenizeProbes } from "../importance/probe-tokens.js";
import { inVariant } from "../masks/variant.js";
import { loadModel, type LoadedModel } from "../model/load.js";
import { describePlan, optionsThatFit, planMemory, profilePlanOptions } from "../plan/memory-plan.js";
import { planConfig } from "../plan/plan-config.js";
import { loadAbilities } from "../probes/abilities.js";
import { loadProbeSplit, probeSplitPath } from "../probes/load.js";
import type { Ability, ProbeItem } from "../probes/schema.js";
import { writeProfileReports } from "../report/write-reports.js";
import { VERSION } from "../version.js";
import { profileFromRun, profileJson } from "./profile-from-run.js";
import { hashOf } from "../util/hash.js";
import { createLog } from "../util/progress.js";
import { evaluateUnderMask, type ReadyBenchmark, ensureImportance, ensureAbilityMasks, ensureRandomMask, RunContext } from "./stages.js";
import { profileJsonSchemaText, PROFILE_SCHEMA_FILE } from "../stats/profile-json-schema.js";
import { buildManifest, planJson, previousInvocations, PROFILE_FILE, RUN_MANIFEST, RUN_PLAN, type RunManifest } from "./run-manifest.js";
import { resolveProfileOptions, modelName, type ProfileOptions, type ResolvedOptions } from "./run-options.js";
import { buildRunPlan, type PlannedBenchmark, type RunPlan } from "./run-plan.js";
import { RunStore, writeError } from "./run-store.js";
import type { Profile } from "../stats/profile-schema.js";
import { selfProfileBenchmark } from "./self-profile.js";
import { assignShards, unitStages, workUnits, type WorkUnit } from "./shards.js";

export interface ProfileRunResult {
  dir: string;
  /** null for one shard of a larger run: `bprof merge` makes the profile from all shards. */
  profile: Profile | null;
  manifest: RunManifest;
  /** Stages computed by this call, and stages found finished in the run directory. */
  computed: number;
  reused: number;
  /** profile.json and the reports (empty for a shard). */
  files: string[];
}

/**
 * `bprof profile`: importance per ability → masks → base and ablated evaluation of every
 * benchmark → statistics → profile.json and the reports, in a run directory that keeps every
 * finished stage (run-store.ts): a re-run reuses them, an interrupted run resumes, and a
 * shard computes only its share (shards.ts). Every input is checked, and the model is checked
 * against every benchmark, before the run directory is touched.
 */
export async function profile(options: ProfileOptions = {}): Promise<ProfileRunResult> {
  const started = performance.now();
  const resolved = resolveProfileOptions(options);
  const log = createLog({ quiet: resolved.quiet });

  const abilities = pickAbilities(resolved);
  const trainProbes = new Map(abilities.map((a) => [a.id, limited(loadProbeSplit(resolved.probesDir, a.id, "train"), resolved.limit)]));
  const prepared: SelectedBenchmark[] = loadBenchmarks(resolved).map((spec) => ({
    prepared: prepareBenchmark(spec, { limit: resolved.limit ?? undefined }),
    selfAbility: null,
    gateOnly: false,
  }));
  // Each ability's test split: the self-profile's benchmarks, or, for the competence gate alone, scored on the base model only.
  if (resolved.selfProfile || resolved.gate) {
    for (const a of abilities) {
      const test = loadProbeSplit(resolved.probesDir, a.id, "test");
      prepared.push({
        prepared: selfProfileBenchmark(resolved.probesDir, a.id, limited(test, resolved.limit), test.length),
        selfAbility: a.id,
        gateOnly: !resolved.selfProfile,
      });
    }
  }
  rejectDuplicateNames(prepared.map((b) => b.prepared));

  // Every input checked; before the weights are read, the memory plan (refusing a run that would not fit).
  const { options: o, planLines } = planRun(resolved, abilities.length);

  const loaded = await loadModel(o.model, {
    tokenizer: o.tokenizer,
    device: o.device,
    dtype: o.dtype,
    allowUnusedTensors: o.allowUnusedTensors,
  });
  let store: RunStore | undefined;
  try {
    const lm = new ModelScoringLM(loaded.model, loaded.tokenizer, { stopIds: loaded.info.stopIds });
    const ready = readyBenchmarks(prepared, lm, loaded, o);
    checkProbesFit(loaded, trainProbes, o);
    checkAblationCounts(loaded, o);
    // Printed once every input has passed its checks (an error stays the first line on stderr).
    for (const line of planLines) log(`plan: ${line}`);

    log(`hashing ${loaded.info.path}`);
    const modelHash = hashCheckpoint(loaded.info.path);
    const { plan, inputs } = buildRunPlan(
      {
        name: modelName(loaded.info.path),
        path: loaded.info.path,
        hash: modelHash,
        tokenizerHash: hashTokenizer(loaded.info.tokenizer.path),
        nParams: loaded.info.numParameters,
        architecture: loaded.info.architecture,
        dtype: loaded.info.dtype,
        device: loaded.info.device,
      },
      abilities.map((a) => ({
        id: a.id,
        name: a.name,
        trainHash: hashOf(trainProbes.get(a.id)),
        trainItems: trainProbes.get(a.id)!.length,
      })),
      ready.map((b) => b.planned),
      o,
      { bprof: VERSION, node: process.version, libtorch: engineInfo.libtorchVersion },
    );

    store = RunStore.open(o.out);
    const opened = store;
    store.writeFile(RUN_PLAN, planJson(plan));
    const units = assignShards(workUnits(plan), o.shard.count)[o.shard.index]!;
    const invocations = previousInvocations(o.out) + 1;
    const writeManifest = (status: RunManifest["status"], extraTimings: Record<string, number>): RunManifest => {
      const manifest = buildManifest(opened, {
        plan,
        status,
        shard: o.shard,
        units: units.map((u) => u.id),
        mergedFrom: [],
        stages: unitStages(units),
        extraTimings,
        invocations,
      });
      opened.writeFile(RUN_MANIFEST, JSON.stringify(manifest, null, 2) + "\n");
      return manifest;
    };
    writeManifest("running", {});

    const ctx = new RunContext(store, o, inputs, loaded, lm, modelHash, log);
    const benchmarks = new Map(ready.map((b) => [b.name, b.run]));
    for (const [i, unit] of units.entries()) {
      log(`unit ${i + 1}/${units.length}${o.shard.count > 1 ? ` of shard ${o.shard.index}/${o.shard.count}` : ""}: ${unit.id}`);
      await runUnit(ctx, plan, unit, trainProbes, benchmarks);
    }

    let result: Profile | null = null;
    const files: string[] = [];
    const extraTimings: Record<string, number> = {};
    if (o.shard.count === 1) {
      const assembling = performance.now();
      log(`statistics (${o.statistics.bootstrap_samples} bootstrap resamples) and reports`);
      result = profileFromRun(plan, store);
      files.push(store.writeFile(PROFILE_FILE, profileJson(result)), store.writeFile(PROFILE_SCHEMA_FILE, profileJsonSchemaText()));
      try {
        files.push(...writeProfileReports(result, o.out));
      } catch (err) {
        throw writeError(err, o.out);
      }
      extraTimings.profile = (performance.now() - assembling) / 1000;
    }
    extraTimings.wall_last_invocation = (performance.now() - started) / 1000;
    const manifest = writeManifest("complete", extraTimings);
    return { dir: o.out, profile: result, manifest, computed: ctx.computedCount, reused: ctx.reusedCount, files };
  } finally {
    store?.close();
    loaded.dispose();
  }
}

async function runUnit(
  ctx: RunContext,
  plan: RunPlan,
  unit: WorkUnit,
  trainProbes: Map<string, ProbeItem[]>,
  benchmarks: Map<string, ReadyBenchmark>,
): Promise<void> {
  const { importance } = unit;
  if (importance) {
    const importanceOf = (key: string) => {
      const entry = plan.importance.find((i) => i.key === key)!;
      return ensureImportance(ctx, entry, trainProbes.get(entry.ability)!);
    };
    // Contrastive masks need the other abilities' importance too: in a sharded run a shard computes those it lacks.
    const others = async () => {
      const dirs: string[] = [];
      for (const key of unit.masks[0]?.contrast_with ?? []) dirs.push(await importanceOf(key));
      return dirs;
    };
    await ensureAbilityMasks(ctx, () => importanceOf(importance.key), others, unit.masks);
  }
  for (const mask of unit.masks.filter((m) => m.control === "random")) await ensureRandomMask(ctx, mask);
  if (unit.id === "base") await evaluateUnderMask(ctx, null, unit.evaluations, benchmarks);
  for (const mask of unit.masks) {
    await evaluateUnderMask(
      ctx,
      mask,
      unit.evaluations.filter((e) => e.mask === mask.key),
      benchmarks,
    );
  }
}

function pickAbilities(o: ResolvedOptions): Ability[] {
  const all = loadAbilities(o.abilitiesDir);
  if (o.abilities === "all") return all;
  if (o.abilities.length === 0) throw new BprofError("no ability given", { field: "abilities" });
  return o.abilities.map((id) => {
    const found = all.find((a) => a.id === id);
    if (!found)
      throw new BprofError(`unknown ability '${id}' (known: ${all.map((a) => a.id).join(", ")})`, {
        file: o.abilitiesDir,
        field: "abilities",
      });
    return found;
  });
}

/** Spec files, shipped benchmark names, and folders of specs, in the order given. */
function loadBenchmarks(o: ResolvedOptions): LoadedSpec[] {
  if (o.benchmarks.length === 0) throw new BprofError("no benchmark to profile", { field: "benchmarks" });
  return o.benchmarks.flatMap((arg) => {
    if (typeof arg !== "string") return [arg];
    if (existsSync(arg) && statSync(arg).isDirectory()) {
      const files = findSpecFiles(arg);
      if (files.length === 0) throw new BprofError("no benchmark spec (*.yaml) in this folder", { file: arg, field: "benchmarks" });
      return files.map((file) => findBenchmarkSpec(file));
    }
    return [findBenchmarkSpec(arg)];
  });
}

function rejectDuplicateNames(prepared: PreparedBenchmark[]): void {
  const seen = new Map<string, string>();
  for (const p of prepared) {
    const other = seen.get(p.loaded.spec.name);
    if (other !== undefined) {
      throw new BprofError(`benchmark name '${p.loaded.spec.name}' is also the name of ${other}`, { file: p.loaded.path, field: "name" });
    }
    seen.set(p.loaded.spec.name, p.loaded.path);
  }
}

/** A benchmark of the run; `selfAbility` is set for an ability's own test split (the self-profile, or the gate alone when `gateOnly`). */
interface SelectedBenchmark {
  prepared: PreparedBenchmark;
  selfAbility: string | null;
  gateOnly: boolean;
}

function readyBenchmarks(
  selected: SelectedBenchmark[],
  lm: ModelScoringLM,
  loaded: LoadedModel,
  o: ResolvedOptions,
): { name: string; run: ReadyBenchmark; planned: PlannedBenchmark }[] {
  return selected.map(({ prepared: p, selfAbility, gateOnly }) => {
    const tokenized = tokenizeBenchmark(lm, p);
    const overlong = checkBenchmarkFits(tokenized, loaded.info.config.maxPositionEmbeddings);
    if (overlong > 0) warnOverlong(overlong, p.items.length, p.loaded.spec.name);
    const { spec } = p.loaded;
    const limit = o.limit ?? spec.limit ?? null;
    return {
      name: spec.name,
      run: { name: spec.name, prepared: p, tokenized, limit },
      planned: {
        name: spec.name,
        metric: primaryMetricKey(spec),
        chance: p.chance,
        selfAbility,
        gateOnly,
        planted: spec.mixture ?? null,
        nItems: p.items.length,
        // The rendered items are what the model is asked; their file locations are not part of it.
        hash: hashOf({ spec: p.loaded.hash, chance: p.chance, items: p.items.map(({ source: _source, ...item }) => item) }),
      },
    };
  });
}

/** Probe items must fit the context (or --truncate): checked now, not after hours of other abilities. */
function checkProbesFit(loaded: LoadedModel, trainProbes: Map<string, ProbeItem[]>, o: ResolvedOptions): void {
  for (const [ability, probes] of trainProbes) {
    tokenizeProbes(probes, loaded.tokenizer, {
      systemPrompt: o.systemPrompt,
      lossScope: o.lossScope,
      templateDate: o.templateDate,
      contextLength: loaded.info.config.maxPositionEmbeddings,
      truncate: o.truncate,
      file: probeSplitPath(o.probesDir, ability, "train"),
    });
  }
}

/** Every k must select at least one weight and no more than the scope holds. */
function checkAblationCounts(loaded: LoadedModel, o: ResolvedOptions): void {
  for (const variant of o.variants) {
    let nScope = 0;
    for (const [name, t] of loaded.model.params) if (inVariant(name, variant)) nScope += t.numel;
    for (const k of o.ks) ablationCount(k, loaded.info.numParameters, nScope);
  }
}

function limited<T>(items: T[], limit: number | null): T[] {
  return limit === null ? items : items.slice(0, limit);
}

/**
 * The memory plan of the run (memory-plan.ts), made before any weight is read; a run that
 * would not fit is refused with the options that would. Resolves `--checkpoint-layers auto`;
 * the plan's lines are printed once every input has passed its checks.
 */
function planRun(o: ResolvedOptions, abilities: number): { options: ResolvedOptions; planLines: string[] } {
  const config = planConfig(o.model);
  if (config === null) return { options: { ...o, checkpointLayers: o.checkpointLayers === "on" ? "on" : "off" }, planLines: [] };
  const planOptions = profilePlanOptions(config, { ...o, abilities }, totalmem());
  const plan = planMemory(config, planOptions);
  if (!plan.fits) {
    const fit = optionsThatFit(config, planOptions);
    throw new BprofError(
      `the run would not fit: ${plan.problems.join("; ")}` +
        (fit.length ? `; it would with ${fit.join(" or ")}` : "; no option tried fits: shard the run across machines (docs/scale.md)") +
        " (bprof plan prints the whole prediction; --device-memory sets what is available)",
      { field: "device" },
    );
  }
  return {
    options: { ...o, checkpointLayers: plan.checkpointLayers ? "on" : "off" },
    planLines: describePlan(plan, planOptions).trimEnd().split("\n"),
  };
}

/**
 * Whether a model can run a benchmark at all, checked after tokenizing and before any heavy
 * work. An item longer than the model's context is scored as lm-evaluation-harness does
 * (the context loses its oldest tokens), which is fine for a few items; a benchmark whose
 * every item is cut, or with an answer that cannot fit even alone, cannot be profiled.
 * Returns how many items will be truncated.
 */
export function checkBenchmarkFits(tokenized: TokenizedBenchmark, maxLength: number): number {
  const { loaded } = tokenized.prepared;
  const where = { file: loaded.path, field: "data" };
  let overlong = 0;
  let shortest = Infinity;
  for (const entry of tokenized.items) {
    let needed: number;
    if ("pairs" in entry) {
      needed = Math.max(...entry.pairs.map((p) => p.context.length + p.continuation.length - 1));
      const choice = entry.pairs.findIndex((p) => p.continuation.length > maxLength);
      if (choice >= 0) {
        throw new BprofError(
          `item ${entry.item.id}: choice ${choice} is ${entry.pairs[choice]!.continuation.length} tokens, longer than the model's whole context of ${maxLength} (spec ${loaded.path})`,
          { ...entry.item.source, field: entry.item.source.field ?? "choices" },
        );
      }
    } else {
      needed = entry.prompt.length + loaded.spec.generation.max_gen_toks;
    }
    shortest = Math.min(shortest, needed);
    if (needed > maxLength) overlong++;
  }
  if (overlong === tokenized.items.length) {
    throw new BprofError(
      `every one of the ${overlong} items of '${loaded.spec.name}' is longer than the model's context of ${maxLength} tokens ` +
        `(the shortest needs ${shortest}): this model cannot run this benchmark`,
      where,
    );
  }
  return overlong;
}

/** The warning for items that are cut to the context (lm-eval's left truncation), as eval and profile print it. */
export function warnOverlong(overlong: number, total: number, benchmark: string): void {
  process.stderr.write(
    `bprof: warning: ${overlong} of ${total} items of ${benchmark} are longer than the context and are cut as lm-eval cuts them\n`,
  );
}
