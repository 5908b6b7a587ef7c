import { existsSync, statSync } from "node:fs";
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
import { loadAbilities } from "../probes/abilities.js";
import { loadProbeSplit, probeSplitPath } from "../probes/load.js";
import type { Ability, ProbeItem } from "../probes/schema.js";
import { writeProfileReports } from "../report/write-reports.js";
import { VERSION } from "../version.js";
import { profileFromRun, profileJson } from "./profile-from-run.js";
import { hashOf } from "../util/hash.js";
import { createLog } from "../util/progress.js";
import { evaluateUnderMask, type ReadyBenchmark, ensureImportance, ensureAbilityMasks, ensureRandomMask, RunContext } from "./stages.js";
import { buildManifest, planJson, previousInvocations, PROFILE_FILE, RUN_MANIFEST, RUN_PLAN, type RunManifest } from "./run-manifest.js";
import { resolveProfileOptions, modelName, type ProfileOptions, type ResolvedOptions } from "./run-options.js";
import { buildRunPlan, type PlannedBenchmark } from "./run-plan.js";
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
  const o = resolveProfileOptions(options);
  const log = createLog({ quiet: o.quiet });

  const abilities = pickAbilities(o);
  const trainProbes = new Map(abilities.map((a) => [a.id, limited(loadProbeSplit(o.probesDir, a.id, "train"), o.limit)]));
  const prepared: SelectedBenchmark[] = loadBenchmarks(o).map((spec) => ({
    prepared: prepareBenchmark(spec, { limit: o.limit ?? undefined }),
    selfAbility: null,
  }));
  if (o.selfProfile) {
    for (const a of abilities) {
      const test = loadProbeSplit(o.probesDir, a.id, "test");
      prepared.push({ prepared: selfProfileBenchmark(o.probesDir, a.id, limited(test, o.limit), test.length), selfAbility: a.id });
    }
  }
  rejectDuplicateNames(prepared.map((b) => b.prepared));

  const loaded = await loadModel(o.model, { tokenizer: o.tokenizer, device: o.device, dtype: o.dtype });
  try {
    const lm = new ModelScoringLM(loaded.model, loaded.tokenizer);
    const ready = readyBenchmarks(prepared, lm, loaded, o);
    checkProbesFit(loaded, trainProbes, o);
    checkAblationCounts(loaded, o);

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
      abilities.map((a) => ({ id: a.id, name: a.name, trainHash: hashOf(trainProbes.get(a.id)), trainItems: trainProbes.get(a.id)!.length })),
      ready.map((b) => b.planned),
      o,
      { bprof: VERSION, node: process.version, libtorch: engineInfo.libtorchVersion },
    );

    const store = RunStore.open(o.out);
    store.writeFile(RUN_PLAN, planJson(plan));
    const units = assignShards(workUnits(plan), o.shard.count)[o.shard.index]!;
    const invocations = previousInvocations(o.out) + 1;
    const writeManifest = (status: RunManifest["status"], extraTimings: Record<string, number>): RunManifest => {
      const manifest = buildManifest(store, {
        plan,
        status,
        shard: o.shard,
        units: units.map((u) => u.id),
        mergedFrom: [],
        stages: unitStages(units),
        extraTimings,
        invocations,
      });
      store.writeFile(RUN_MANIFEST, JSON.stringify(manifest, null, 2) + "\n");
      return manifest;
    };
    writeManifest("running", {});

    const ctx = new RunContext(store, o, inputs, loaded, lm, modelHash, log);
    const benchmarks = new Map(ready.map((b) => [b.name, b.run]));
    for (const [i, unit] of units.entries()) {
      log(`unit ${i + 1}/${units.length}${o.shard.count > 1 ? ` of shard ${o.shard.index}/${o.shard.count}` : ""}: ${unit.id}`);
      await runUnit(ctx, unit, trainProbes, benchmarks);
    }

    let result: Profile | null = null;
    const files: string[] = [];
    const extraTimings: Record<string, number> = {};
    if (o.shard.count === 1) {
      const assembling = performance.now();
      log(`statistics (${o.statistics.bootstrap_samples} bootstrap resamples) and reports`);
      result = profileFromRun(plan, store);
      files.push(store.writeFile(PROFILE_FILE, profileJson(result)));
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
    loaded.dispose();
  }
}

async function runUnit(
  ctx: RunContext,
  unit: WorkUnit,
  trainProbes: Map<string, ProbeItem[]>,
  benchmarks: Map<string, ReadyBenchmark>,
): Promise<void> {
  const { importance } = unit;
  if (importance) {
    await ensureAbilityMasks(ctx, () => ensureImportance(ctx, importance, trainProbes.get(importance.ability)!), unit.masks);
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
    if (!found) throw new BprofError(`unknown ability '${id}' (known: ${all.map((a) => a.id).join(", ")})`, { file: o.abilitiesDir, field: "abilities" });
    return found;
  });
}

/** Spec files, shipped benchmark names, and folders of specs, in the order given. */
function loadBenchmarks(o: ResolvedOptions): LoadedSpec[] {
  if (o.benchmarks.length === 0) throw new BprofError("no benchmark to profile", { field: "benchmarks" });
  return o.benchmarks.flatMap((arg) => {
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

/** A benchmark of the run; `selfAbility` is set for an ability's own test split (the self-profile). */
interface SelectedBenchmark {
  prepared: PreparedBenchmark;
  selfAbility: string | null;
}

function readyBenchmarks(
  selected: SelectedBenchmark[],
  lm: ModelScoringLM,
  loaded: LoadedModel,
  o: ResolvedOptions,
): { name: string; run: ReadyBenchmark; planned: PlannedBenchmark }[] {
  return selected.map(({ prepared: p, selfAbility }) => {
    const tokenized = tokenizeBenchmark(lm, p);
    const overlong = checkBenchmarkFits(tokenized, loaded.info.config.maxPositionEmbeddings);
    if (overlong > 0) {
      process.stderr.write(`bprof: warning: ${overlong} of ${p.items.length} items of ${p.loaded.spec.name} are longer than the context and are cut as lm-eval cuts them\n`);
    }
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
      const answer = entry.pairs.find((p) => p.continuation.length > maxLength);
      if (answer) {
        throw new BprofError(
          `item ${entry.item.id} has a choice of ${answer.continuation.length} tokens, longer than the model's whole context of ${maxLength}`,
          where,
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
