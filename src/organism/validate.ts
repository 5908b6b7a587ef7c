import { join } from "node:path";
import { BprofError } from "../errors.js";
import { findSpecFiles } from "../eval/shipped-specs.js";
import { loadBenchmarkSpec } from "../eval/spec.js";
import { profile, type ProfileRunResult } from "../profile/run-profile.js";
import type { ProfileOptions } from "../profile/run-options.js";
import type { Profile } from "../stats/profile-schema.js";
import { packageRoot } from "../util/package-root.js";

/**
 * `bprof validate`: the method checked against planted ground truth. Each planted benchmark
 * b is a known mixture w of abilities' test items, so if ablating ability a's parameters
 * takes a's items down to chance and leaves the others alone, the expected profile is
 *
 *   E_a(b) = w_a · (acc_a − C_a) / (S_b − C_b)
 *
 * (acc_a the base model's accuracy on a's test split, S_b its score on b). The validation
 * compares the measured AIS vector with E per benchmark (Pearson r; do the top-|w| abilities
 * by AIS equal the planted ones?) and reports the self-profile selectivity index and the
 * random control's mean |AIS| at the same variant and k.
 */

export const DEFAULT_VALIDATE_K = 1e-2;

/**
 * Items per benchmark and probe split: every planted benchmark whole (200 items), the first
 * 200 of each ability's 500 test items for the selectivity matrix, importance from the first
 * 200 of each ability's 2000 train items. The whole splits mean 6,400 items per evaluation
 * instead of 3,400 and ten times the gradient work; `limit: null` (CLI `--limit all`).
 */
export const DEFAULT_VALIDATE_LIMIT = 200;

export interface ValidateOptions extends Pick<ProfileOptions, "model" | "lossScope" | "aggregate" | "score" | "method" | "quiet" | "force" | "evalBatchSize" | "importanceBatchSize"> {
  /** Items per benchmark and probe split (default DEFAULT_VALIDATE_LIMIT); null for all. */
  limit?: number | null;
  /** Folder of planted specs; default benchmarks/planted. */
  plantedDir?: string;
  variant?: "mlp" | "all";
  k?: number;
  /** Random-control seeds (the null band and the random |AIS|). */
  randomSeeds?: number;
  out?: string;
}

export interface ValidationRow {
  benchmark: string;
  mixture: Record<string, number>;
  base_score: number;
  chance: number;
  /** Ability → AIS (null where undefined). */
  ais: Record<string, number | null>;
  expected: Record<string, number>;
  pearson: number | null;
  /** The planted abilities, and the same number of top abilities by AIS. */
  planted: string[];
  top: string[];
  top_match: boolean;
  random_abs_ais: number | null;
}

export interface Validation {
  model: string;
  variant: string;
  k: number;
  options: { loss_scope: string; aggregate: string; score: string; method: string };
  pearson_mean: number | null;
  top_match_share: number;
  selectivity: number | null;
  random_abs_ais: number | null;
  ability_accuracy: Record<string, { acc: number; chance: number }>;
  benchmarks: ValidationRow[];
  run_dir: string;
}

export function defaultPlantedDir(): string {
  return join(packageRoot(), "benchmarks", "planted");
}

export async function validate(options: ValidateOptions = {}): Promise<Validation> {
  const plantedDir = options.plantedDir ?? defaultPlantedDir();
  const specs = findSpecFiles(plantedDir);
  if (specs.length === 0) throw new BprofError("no planted benchmark specs", { file: plantedDir });
  const mixtures = new Map<string, Record<string, number>>();
  for (const path of specs) {
    const loaded = loadBenchmarkSpec(path);
    if (!loaded.spec.mixture) throw new BprofError("a planted benchmark must say its mixture", { file: path, field: "mixture" });
    mixtures.set(loaded.spec.name, loaded.spec.mixture);
  }
  const variant = options.variant ?? "mlp";
  const k = options.k ?? DEFAULT_VALIDATE_K;
  const result: ProfileRunResult = await profile({
    model: options.model,
    benchmarks: specs,
    selfProfile: true,
    variants: [variant],
    ks: [k],
    controls: `random:${options.randomSeeds ?? 3}`,
    lossScope: options.lossScope,
    aggregate: options.aggregate,
    score: options.score,
    method: options.method,
    limit: options.limit === null ? undefined : (options.limit ?? DEFAULT_VALIDATE_LIMIT),
    quiet: options.quiet,
    force: options.force,
    evalBatchSize: options.evalBatchSize,
    importanceBatchSize: options.importanceBatchSize,
    out: options.out,
  });
  if (result.profile === null) throw new BprofError("the profile run gave no profile (a shard?)", { file: result.dir });
  return validationOf(result.profile, mixtures, variant, k, result.dir);
}

/** The validation figures of a finished profile (planted benchmarks + self-profile). */
export function validationOf(p: Profile, mixtures: Map<string, Record<string, number>>, variant: string, k: number, runDir: string): Validation {
  const abilities = p.abilities.map((a) => a.id);
  const accuracy: Validation["ability_accuracy"] = {};
  for (const b of p.benchmarks) if (b.self_ability !== null) accuracy[b.self_ability] = { acc: b.base_score, chance: b.chance };
  const at = (c: { variant: string; k: number }) => c.variant === variant && Math.abs(c.k - k) <= 1e-12 * Math.max(1, k);

  const rows: ValidationRow[] = [];
  for (const b of p.benchmarks) {
    const mixture = mixtures.get(b.name);
    if (mixture === undefined) continue;
    const ais: Record<string, number | null> = {};
    for (const a of abilities) {
      const cell = p.cells.find((c) => c.benchmark === b.name && c.ability === a && c.control === "none" && at(c));
      ais[a] = cell?.ais ?? null;
    }
    const expected: Record<string, number> = {};
    for (const a of abilities) {
      const acc = accuracy[a];
      const w = mixture[a] ?? 0;
      expected[a] = w === 0 || acc === undefined ? 0 : (w * (acc.acc - acc.chance)) / (b.base_score - b.chance);
    }
    const defined = abilities.filter((a) => ais[a] !== null);
    const planted = Object.keys(mixture).sort();
    const top = [...defined].sort((x, y) => ais[y]! - ais[x]! || (x < y ? -1 : 1)).slice(0, planted.length);
    const randoms = p.cells.filter((c) => c.benchmark === b.name && c.control === "random" && at(c) && c.ais !== null).map((c) => Math.abs(c.ais!));
    rows.push({
      benchmark: b.name,
      mixture,
      base_score: b.base_score,
      chance: b.chance,
      ais,
      expected,
      pearson: pearson(defined.map((a) => ais[a]!), defined.map((a) => expected[a]!)),
      planted,
      top: [...top].sort(),
      top_match: top.length === planted.length && [...top].sort().join() === planted.join(),
      random_abs_ais: randoms.length > 0 ? mean(randoms) : null,
    });
  }
  if (rows.length === 0) throw new BprofError("the profile holds none of the planted benchmarks", { file: runDir });
  const pearsons = rows.map((r) => r.pearson).filter((r): r is number => r !== null);
  const randoms = rows.map((r) => r.random_abs_ais).filter((r): r is number => r !== null);
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
    },
    pearson_mean: pearsons.length > 0 ? mean(pearsons) : null,
    top_match_share: rows.filter((r) => r.top_match).length / rows.length,
    selectivity,
    random_abs_ais: randoms.length > 0 ? mean(randoms) : null,
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

/** The human-readable table: per benchmark the mixture beside the AIS profile, then the summary against the targets. */
export function formatValidation(v: Validation): string {
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  const num = (x: number | null, d = 2) => (x === null ? "n/a" : x.toFixed(d));
  const lines: string[] = [];
  lines.push(`bprof validate: ${v.model}, variant ${v.variant}, k ${v.k}, loss ${v.options.loss_scope}, ${v.options.aggregate}, score ${v.options.score}, ${v.options.method}`);
  lines.push("");
  for (const r of v.benchmarks) {
    const mixture = Object.entries(r.mixture).map(([a, w]) => `${a} ${pct(w)}`).join(", ");
    lines.push(`${r.benchmark}  (base ${r.base_score.toFixed(3)}, chance ${r.chance.toFixed(2)})`);
    lines.push(`  planted: ${mixture}`);
    const profileText = Object.entries(r.ais)
      .sort(([, x], [, y]) => (y ?? -Infinity) - (x ?? -Infinity))
      .map(([a, x]) => `${a} ${num(x)}${r.expected[a]! > 0 ? ` (exp ${r.expected[a]!.toFixed(2)})` : ""}`)
      .join(", ");
    lines.push(`  AIS:     ${profileText}`);
    lines.push(`  pearson r ${num(r.pearson)}; top ${r.top.join(", ")} ${r.top_match ? "= planted" : "≠ planted"}; random |AIS| ${num(r.random_abs_ais, 3)}`);
  }
  lines.push("");
  const check = (ok: boolean) => (ok ? "ok" : "MISSED");
  lines.push(`mean pearson r      ${num(v.pearson_mean)}   (target ≥ 0.8: ${check((v.pearson_mean ?? -1) >= 0.8)})`);
  lines.push(`top match share     ${pct(v.top_match_share)}   (target ≥ 80%: ${check(v.top_match_share >= 0.8)})`);
  lines.push(`selectivity index   ${num(v.selectivity)}   (target ≥ 0.3: ${check((v.selectivity ?? -1) >= 0.3)})`);
  lines.push(`random-control |AIS| ${num(v.random_abs_ais, 3)}  (target ≤ 0.05: ${check(v.random_abs_ais !== null && v.random_abs_ais <= 0.05)})`);
  lines.push(`run directory: ${v.run_dir}`);
  return lines.join("\n") + "\n";
}
