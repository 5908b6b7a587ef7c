import { BprofError } from "../errors.js";
import type { EvalItem } from "../eval/items.js";
import { readMask } from "../masks/mask.js";
import type { GateInput } from "../stats/competence-gate.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { type AblatedInput, type BenchmarkInput, type MaskInput, computeProfile, type ItemScores } from "../stats/compute-profile.js";
import type { RunPlan } from "./run-plan.js";
import { planRef, type RunStore } from "./run-store.js";
import { ProfileSchema, type Profile } from "../stats/profile-schema.js";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * profile.json from a run directory: the plan says which stages make the profile, the store
 * holds them; this reads their masks and per-item logs and hands them to the pure
 * computeProfile (src/stats). Nothing here needs the model, so `bprof merge` builds the profile of a sharded
 * run the same way an unsharded run does, from the same files: the same bytes.
 */
export function profileFromRun(plan: RunPlan, store: RunStore): Profile {
  const missing = [
    ...plan.masks.filter((m) => !store.has(planRef("mask", m))).map((m) => m.dir),
    ...plan.evaluations.filter((e) => !store.has(planRef("evaluation", e))).map((e) => e.dir),
  ];
  if (missing.length > 0) {
    throw new BprofError(
      `the run is missing ${missing.length} stages (${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ", …" : ""}); ` +
        "finish the run (re-run the same command), or merge every shard",
      { file: store.root },
    );
  }
  const evaluationDir = (benchmark: string, maskKey: string | null): string =>
    store.path(
      planRef(
        "evaluation",
        plan.evaluations.find((e) => e.benchmark === benchmark && e.mask === maskKey)!,
      ),
    );

  const benchmarks: BenchmarkInput[] = plan.benchmarks
    .filter((b) => !b.gate_only)
    .map((b) => ({
      name: b.name,
      metric: b.metric,
      chance: b.chance,
      selfAbility: b.self_ability,
      planted: b.planted,
      base: readItemScores(evaluationDir(b.name, null), b.metric),
      items: b.self_ability === null ? readItemTexts(evaluationDir(b.name, null)) : undefined,
    }));
  // The competence gate reads the base row of every ability's test split (self-profile or gate-only).
  const gate: GateInput[] = plan.benchmarks
    .filter((b) => b.self_ability !== null)
    .map((b) => ({
      ability: b.self_ability!,
      benchmark: b.name,
      chance: b.chance,
      scores: readItemScores(evaluationDir(b.name, null), b.metric),
    }));
  const masks: MaskInput[] = [];
  const ablated: AblatedInput[] = [];
  const ablatedBenchmarks = plan.benchmarks.filter((b) => !b.gate_only);
  for (const m of plan.masks) {
    const mask = readMask(store.path(planRef("mask", m)));
    masks.push({
      ability: m.ability,
      variant: m.variant,
      k: m.k,
      control: m.control,
      seed: m.seed,
      tensors: new Map(mask.tensors.map((t) => [t.name, t.indices])),
    });
    for (const b of ablatedBenchmarks) {
      ablated.push({
        benchmark: b.name,
        ability: m.ability,
        variant: m.variant,
        k: m.k,
        control: m.control,
        seed: m.seed,
        nAblated: mask.recipe.count,
        scores: readItemScores(evaluationDir(b.name, m.key), b.metric),
      });
    }
  }
  return ProfileSchema.parse(computeProfile({ run: plan.run, abilities: plan.abilities, benchmarks, ablated, masks, gate }));
}

/** profile.json's text: two-space JSON and a final newline, the same bytes for the same profile. */
export function profileJson(profile: Profile): string {
  return JSON.stringify(profile, null, 2) + "\n";
}

/**
 * The per-item scores of one stored evaluation, read back from its samples.jsonl (the log
 * `bprof eval` writes too): every AIS of a profile is computed from these files, so anyone can
 * recompute it from the run directory.
 */
export function readItemScores(evaluationDir: string, metric: string): ItemScores {
  const file = join(evaluationDir, "samples.jsonl");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new BprofError(`cannot read the per-item log (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { file });
  }
  const ids: string[] = [];
  const values: number[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let sample: { id?: unknown; scores?: Record<string, unknown> };
    try {
      sample = JSON.parse(line) as typeof sample;
    } catch (err) {
      throw new BprofError(`malformed JSON (${(err as Error).message})`, { file, line: i + 1 });
    }
    const value = sample.scores?.[metric];
    if (typeof sample.id !== "string" || typeof value !== "number") {
      throw new BprofError(`a sample needs a string id and a numeric scores.${metric}`, { file, line: i + 1, field: `scores.${metric}` });
    }
    ids.push(sample.id);
    values.push(value);
  });
  return { ids, values };
}

/**
 * `items.jsonl` of a base evaluation: per item the prompt the model saw and the gold answer's
 * text, for the ability slices. Written with the base evaluation (stages.ts);
 * undefined for a stage written before it existed (the slices then carry ids only).
 */
export const ITEM_TEXTS = "items.jsonl";

export function readItemTexts(evaluationDir: string): Map<string, { prompt: string; answer: string }> | undefined {
  const file = join(evaluationDir, ITEM_TEXTS);
  if (!existsSync(file)) return undefined;
  const texts = new Map<string, { prompt: string; answer: string }>();
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((line, i) => {
      if (line.trim() === "") return;
      let row: { id?: unknown; prompt?: unknown; answer?: unknown };
      try {
        row = JSON.parse(line) as typeof row;
      } catch (err) {
        throw new BprofError(`malformed JSON (${(err as Error).message})`, { file, line: i + 1 });
      }
      if (typeof row.id !== "string" || typeof row.prompt !== "string" || typeof row.answer !== "string") {
        throw new BprofError("an item needs string id, prompt and answer", { file, line: i + 1 });
      }
      texts.set(row.id, { prompt: row.prompt, answer: row.answer });
    });
  return texts;
}

/** The items.jsonl text of rendered benchmark items. */
export function itemTextsJsonl(items: readonly EvalItem[]): string {
  return items
    .map((item) => {
      const prompt = item.task === "multiple_choice" ? item.context : item.prompt;
      const answer = item.task === "multiple_choice" ? (item.choices[item.gold] ?? "") : item.target;
      return JSON.stringify({ id: item.id, prompt, answer }) + "\n";
    })
    .join("");
}

export function writeItemTexts(evaluationDir: string, items: readonly EvalItem[]): void {
  writeFileAtomic(join(evaluationDir, ITEM_TEXTS), itemTextsJsonl(items));
}
