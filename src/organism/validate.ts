import { readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { BprofError } from "../errors.js";
import { findSpecFiles } from "../eval/shipped-specs.js";
import { loadBenchmarkSpec } from "../eval/spec.js";
import { DEFAULT_K } from "../masks/options.js";
import { profile, type ProfileRunResult } from "../profile/run-profile.js";
import type { ProfileOptions } from "../profile/run-options.js";
import { possessedAbilities } from "../stats/competence-gate.js";
import type { Preset } from "../profile/presets.js";
import type { Profile } from "../stats/profile-schema.js";
import { slicePurity } from "../stats/slices.js";
import { packageRoot } from "../util/package-root.js";

/**
 * `bprof validate`: the method checked against planted ground truth (docs/method.md,
 * validation). Each planted benchmark b is a known mixture w of abilities' test items, so if
 * ablating ability a's parameters takes a's items down to chance and leaves the others alone,
 * the expected profile is
 *
 *   E_a(b) = w_a · (acc_a − C_a) / (S_b − C_b)
 *
 * (acc_a the base model's accuracy on a's test split, S_b its score on b). The validation
 * compares the measured AIS vector with E per benchmark (Pearson r; do the top-|w| abilities
 * by AIS equal the planted ones?) and reports the self-profile selectivity index, the random
 * control's mean |AIS| at the same variant and k, and the purity of the ability slices. Only
 * abilities the model possesses (the competence gate) take part: a planted benchmark with an
 * ability the model lacks is listed but not counted, and the AIS vectors compared hold only
 * possessed abilities.
 */

/** The validation checks the method at the defaults a profile runs with. */
export const DEFAULT_VALIDATE_K = DEFAULT_K;

/**
 * Items per benchmark and probe split: every planted benchmark whole (200 items), the first
 * 200 of each ability's 500 test items for the selectivity matrix, importance from the first
 * 200 of each ability's 2000 train items. The whole splits mean 6,400 items per evaluation
 * instead of 3,400 and ten times the gradient work; `limit: null` (CLI `--limit all`).
 */
export const DEFAULT_VALIDATE_LIMIT = 200;

export interface ValidateOptions extends Pick<
  ProfileOptions,
  | "model"
  | "lossScope"
  | "aggregate"
  | "score"
  | "method"
  | "contrast"
  | "gate"
  | "quiet"
  | "force"
  | "evalBatchSize"
  | "importanceBatchSize"
> {
  /** Items per benchmark and probe split (default DEFAULT_VALIDATE_LIMIT); null for all. */
  limit?: number | null;
  /** Folder of planted specs; default benchmarks/planted. */
  plantedDir?: string;
  variant?: "mlp" | "all";
  k?: number;
  /**
   * `paper`: the original authors' method choices (presets.ts) at the validation's own k and
   * controls: one k, the random masks, no bottom control (the figures need neither the sweep
   * nor bottom-n, and each would multiply the evaluations).
   */
  preset?: Preset;
  /** Random-control seeds (the null band and the random |AIS|). */
  randomSeeds?: number;
  out?: string;
}

export interface ValidationRow {
  benchmark: string;
  mixture: Record<string, number>;
  base_score: number;
  chance: number;
  /** Counted in the figures: every planted ability is possessed. */
  counted: boolean;
  /** The planted abilities the model lacks (why a row is not counted). */
  not_possessed: string[];
  /** Ability → AIS (null where undefined), possessed abilities only. */
  ais: Record<string, number | null>;
  expected: Record<string, number>;
  pearson: number | null;
  /** The planted abilities, and the same number of top abilities by AIS. */
  planted: string[];
  top: string[];
  top_match: boolean;
  random_abs_ais: number | null;
  /** Per planted possessed ability: its slice's size and purity (share of the slice's items planted from it). */
  slices: Record<string, { items: number; purity: number | null }>;
}

export interface Validation {
  model: string;
  variant: string;
  k: number;
  options: { loss_scope: string; aggregate: string; score: string; method: string; contrast: string; preset: string | null; gate: boolean };
  /** Mean Pearson r over the counted benchmarks. */
  pearson_mean: number | null;
  /** Share of the counted benchmarks whose top abilities are the planted ones. */
  top_match_share: number | null;
  /** Self-profile selectivity index over the possessed abilities. */
  selectivity: number | null;
  /** Mean |AIS| of the random masks over the counted benchmarks. */
  random_abs_ais: number | null;
  /** Abilities that clear the competence gate (all of them with the gate off). */
  possessed: string[];
  not_possessed: { ability: string; accuracy: number; reason: string }[];
  counted_benchmarks: number;
  planted_benchmarks: number;
  /**
   * Mean purity of the slices of the possessed planted abilities on the counted benchmarks
   * that mix several abilities (on a one-ability benchmark every slice is pure by construction).
   */
  slice_purity: number | null;
  ability_accuracy: Record<string, { acc: number; chance: number }>;
  benchmarks: ValidationRow[];
  run_dir: string;
}

/** What validate checks a planted benchmark against: its mixture and each item's source ability. */
export interface PlantedTruth {
  mixture: Record<string, number>;
  /** Item id → the ability it was planted from. */
  sources: Map<string, string>;
}

export function defaultPlantedDir(): string {
  return join(packageRoot(), "benchmarks", "planted");
}

/** Every planted spec of a folder with its mixture and the source ability of each item. */
export function loadPlanted(plantedDir: string): { specs: string[]; truth: Map<string, PlantedTruth> } {
  const specs = findSpecFiles(plantedDir);
  if (specs.length === 0) throw new BprofError("no planted benchmark specs", { file: plantedDir });
  const truth = new Map<string, PlantedTruth>();
  for (const path of specs) {
    const loaded = loadBenchmarkSpec(path);
    if (!loaded.spec.mixture) throw new BprofError("a planted benchmark must say its mixture", { file: path, field: "mixture" });
    const dataFile = resolve(dirname(loaded.path), loaded.spec.data);
    const sources = new Map<string, string>();
    readFileSync(dataFile, "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (line.trim() === "") return;
        let row: { id?: unknown; ability?: unknown };
        try {
          row = JSON.parse(line) as typeof row;
        } catch (err) {
          throw new BprofError(`malformed JSON (${(err as Error).message})`, { file: dataFile, line: i + 1 });
        }
        if (typeof row.id !== "string" || typeof row.ability !== "string") {
          throw new BprofError("a planted item needs string id and ability", { file: dataFile, line: i + 1, field: "ability" });
        }
        // The generic adapter names an item by its file and line unless the spec's template gives an id: both keys work.
        sources.set(row.id, row.ability);
        sources.set(`${basename(dataFile)}:${i + 1}`, row.ability);
      });
    truth.set(loaded.spec.name, { mixture: loaded.spec.mixture, sources });
  }
  return { specs, truth };
}

export async function validate(options: ValidateOptions = {}): Promise<Validation> {
  const { specs, truth } = loadPlanted(options.plantedDir ?? defaultPlantedDir());
  const variant = options.variant ?? "mlp";
  const k = options.k ?? DEFAULT_VALIDATE_K;
  const result: ProfileRunResult = await profile({
    model: options.model,
    benchmarks: specs,
    selfProfile: true,
    variants: [variant],
    ks: [k],
    controls: `random:${options.randomSeeds ?? 3}`,
    preset: options.preset,
    lossScope: options.lossScope,
    aggregate: options.aggregate,
    score: options.score,
    method: options.method,
    contrast: options.contrast,
    gate: options.gate,
    limit: options.limit === null ? undefined : (options.limit ?? DEFAULT_VALIDATE_LIMIT),
    quiet: options.quiet,
    force: options.force,
    evalBatchSize: options.evalBatchSize,
    importanceBatchSize: options.importanceBatchSize,
    out: options.out,
  });
  if (result.profile === null) throw new BprofError("the profile run gave no profile (a shard?)", { file: result.dir });
  return validationOf(result.profile, truth, variant, k, result.dir);
}

/** The validation figures of a finished profile (planted benchmarks + self-profile). */
export function validationOf(p: Profile, planted: Map<string, PlantedTruth>, variant: string, k: number, runDir: string): Validation {
  const abilities = p.abilities.map((a) => a.id);
  const possessed = possessedAbilities(p.competence, abilities);
  const kept = abilities.filter((a) => possessed.has(a));
  const accuracy: Validation["ability_accuracy"] = {};
  for (const b of p.benchmarks) if (b.self_ability !== null) accuracy[b.self_ability] = { acc: b.base_score, chance: b.chance };
  for (const c of p.competence?.abilities ?? []) accuracy[c.ability] ??= { acc: c.accuracy, chance: c.chance };
  const at = (c: { variant: string; k: number }) => c.variant === variant && Math.abs(c.k - k) <= 1e-12 * Math.max(1, k);

  const rows: ValidationRow[] = [];
  for (const b of p.benchmarks) {
    const truth = planted.get(b.name);
    if (truth === undefined) continue;
    const { mixture } = truth;
    const ais: Record<string, number | null> = {};
    for (const a of kept) {
      const cell = p.cells.find((c) => c.benchmark === b.name && c.ability === a && c.control === "none" && at(c));
      ais[a] = cell?.ais ?? null;
    }
    const expected: Record<string, number> = {};
    for (const a of kept) {
      const acc = accuracy[a];
      const w = mixture[a] ?? 0;
      expected[a] = w === 0 || acc === undefined ? 0 : (w * (acc.acc - acc.chance)) / (b.base_score - b.chance);
    }
    const plantedAbilities = Object.keys(mixture).sort();
    const notPossessed = plantedAbilities.filter((a) => !possessed.has(a));
    const defined = kept.filter((a) => ais[a] !== null);
    const top = [...defined].sort((x, y) => ais[y]! - ais[x]! || (x < y ? -1 : 1)).slice(0, plantedAbilities.length);
    const randoms = p.cells
      .filter((c) => c.benchmark === b.name && c.control === "random" && at(c) && c.ais !== null)
      .map((c) => Math.abs(c.ais!));
    const slices: ValidationRow["slices"] = {};
    for (const a of plantedAbilities.filter((x) => possessed.has(x))) {
      const slice = p.slices.slices.find((s) => s.benchmark === b.name && s.ability === a && at(s));
      if (slice) slices[a] = { items: slice.lost.length, purity: slicePurity(slice.lost, a, truth.sources) };
    }
    rows.push({
      benchmark: b.name,
      mixture,
      base_score: b.base_score,
      chance: b.chance,
      counted: notPossessed.length === 0,
      not_possessed: notPossessed,
      ais,
      expected,
      pearson: pearson(
        defined.map((a) => ais[a]!),
        defined.map((a) => expected[a]!),
      ),
      planted: plantedAbilities,
      top: [...top].sort(),
      top_match: top.length === plantedAbilities.length && [...top].sort().join() === plantedAbilities.join(),
      random_abs_ais: randoms.length > 0 ? mean(randoms) : null,
      slices,
    });
  }
  if (rows.length === 0) throw new BprofError("the profile holds none of the planted benchmarks", { file: runDir });
  const counted = rows.filter((r) => r.counted);
  const pearsons = counted.map((r) => r.pearson).filter((r): r is number => r !== null);
  const randoms = counted.map((r) => r.random_abs_ais).filter((r): r is number => r !== null);
  const purities = counted
    .filter((r) => Object.keys(r.mixture).length > 1)
    .flatMap((r) => Object.values(r.slices).map((s) => s.purity))
    .filter((x): x is number => x !== null);
  const selectivity = p.selectivity?.find((s) => at(s))?.index ?? null;
  const opts = p.run.options as Record<string, unknown>;
  return {
    model: p.run.model.name,
    variant,
    k,
    options: {
      loss_scope: String(opts.loss_scope ?? "full"),
      aggregate: String(opts.aggregate ?? "signed-sum"),
      score: String(opts.score ?? "taylor"),
      method: String(opts.method ?? "top"),
      contrast: String(opts.contrast ?? "none"),
      preset: typeof opts.preset === "string" ? opts.preset : null,
      gate: opts.gate !== false,
    },
    pearson_mean: pearsons.length > 0 ? mean(pearsons) : null,
    top_match_share: counted.length > 0 ? counted.filter((r) => r.top_match).length / counted.length : null,
    selectivity,
    random_abs_ais: randoms.length > 0 ? mean(randoms) : null,
    possessed: kept,
    not_possessed: (p.competence?.abilities ?? [])
      .filter((c) => !c.possessed)
      .map((c) => ({ ability: c.ability, accuracy: c.accuracy, reason: c.reason ?? "" })),
    counted_benchmarks: counted.length,
    planted_benchmarks: rows.length,
    slice_purity: purities.length > 0 ? mean(purities) : null,
    ability_accuracy: accuracy,
    benchmarks: rows,
    run_dir: runDir,
  };
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Pearson correlation; null with fewer than 3 pairs or a constant side. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length !== ys.length || xs.length < 3) return null;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

/** The targets the validation is held to (the issue that set them: selectivity ≥ 0.3, r ≥ 0.8, top ≥ 80 %, random |AIS| ≤ 0.05). */
export const TARGETS = { pearson: 0.8, topMatch: 0.8, selectivity: 0.3, randomAbsAis: 0.05 } as const;

/** Which of the four figures meet their target. */
export function targetsMet(v: Validation): {
  pearson: boolean;
  topMatch: boolean;
  selectivity: boolean;
  randomAbsAis: boolean;
  all: boolean;
} {
  const pearsonOk = (v.pearson_mean ?? -Infinity) >= TARGETS.pearson;
  const topOk = (v.top_match_share ?? -Infinity) >= TARGETS.topMatch;
  const selectivityOk = (v.selectivity ?? -Infinity) >= TARGETS.selectivity;
  const randomOk = v.random_abs_ais !== null && v.random_abs_ais <= TARGETS.randomAbsAis;
  return {
    pearson: pearsonOk,
    topMatch: topOk,
    selectivity: selectivityOk,
    randomAbsAis: randomOk,
    all: pearsonOk && topOk && selectivityOk && randomOk,
  };
}

/** The human-readable table: per benchmark the mixture beside the AIS profile, then the summary against the targets. */
export function formatValidation(v: Validation): string {
  const pct = (x: number | null) => (x === null ? "n/a" : `${(x * 100).toFixed(0)}%`);
  const num = (x: number | null, d = 2) => (x === null ? "n/a" : x.toFixed(d));
  const lines: string[] = [];
  const o = v.options;
  lines.push(
    `bprof validate: ${v.model}, variant ${v.variant}, k ${v.k}, loss ${o.loss_scope}, ${o.aggregate}, score ${o.score}, ${o.method}, contrast ${o.contrast}` +
      `${o.preset ? `, preset ${o.preset}` : ""}${o.gate ? "" : ", gate off"}`,
  );
  lines.push(
    `possessed abilities (competence gate): ${v.possessed.length} of ${v.possessed.length + v.not_possessed.length}: ${v.possessed.join(", ") || "none"}`,
  );
  for (const n of v.not_possessed) lines.push(`  not possessed: ${n.ability}: ${n.reason}`);
  lines.push("");
  for (const r of v.benchmarks) {
    const mixture = Object.entries(r.mixture)
      .map(([a, w]) => `${a} ${pct(w)}`)
      .join(", ");
    lines.push(
      `${r.benchmark}  (base ${r.base_score.toFixed(3)}, chance ${r.chance.toFixed(2)})${r.counted ? "" : `  NOT COUNTED: the model lacks ${r.not_possessed.join(", ")}`}`,
    );
    lines.push(`  planted: ${mixture}`);
    const profileText = Object.entries(r.ais)
      .sort(([, x], [, y]) => (y ?? -Infinity) - (x ?? -Infinity))
      .map(([a, x]) => `${a} ${num(x)}${r.expected[a]! > 0 ? ` (exp ${r.expected[a]!.toFixed(2)})` : ""}`)
      .join(", ");
    lines.push(`  AIS:     ${profileText}`);
    const slices = Object.entries(r.slices)
      .map(([a, s]) => `${a} ${s.items} items, purity ${num(s.purity)}`)
      .join("; ");
    lines.push(
      `  pearson r ${num(r.pearson)}; top ${r.top.join(", ")} ${r.top_match ? "= planted" : "≠ planted"}; random |AIS| ${num(r.random_abs_ais, 3)}${slices ? `; slices: ${slices}` : ""}`,
    );
  }
  lines.push("");
  const met = targetsMet(v);
  const check = (ok: boolean) => (ok ? "ok" : "MISSED");
  lines.push(`counted planted benchmarks ${v.counted_benchmarks} of ${v.planted_benchmarks}; possessed abilities ${v.possessed.length}`);
  lines.push(`mean pearson r       ${num(v.pearson_mean)}   (target ≥ ${TARGETS.pearson}: ${check(met.pearson)})`);
  lines.push(`top match share      ${pct(v.top_match_share)}   (target ≥ ${TARGETS.topMatch * 100}%: ${check(met.topMatch)})`);
  lines.push(`selectivity index    ${num(v.selectivity)}   (target ≥ ${TARGETS.selectivity}: ${check(met.selectivity)})`);
  lines.push(`random-control |AIS| ${num(v.random_abs_ais, 3)}  (target ≤ ${TARGETS.randomAbsAis}: ${check(met.randomAbsAis)})`);
  lines.push(`slice purity         ${num(v.slice_purity)}   (mean over the possessed planted abilities of the counted mixed benchmarks)`);
  lines.push(`run directory: ${v.run_dir}`);
  return lines.join("\n") + "\n";
}
