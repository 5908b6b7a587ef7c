import { basename, resolve } from "node:path";
import type { Device } from "../engine/index.js";
import { BprofError } from "../errors.js";
import { AGGREGATES, SCORES, checkScoreAggregate, type Aggregate, type ScoreKind } from "../importance/gradients.js";
import { DEFAULT_SYSTEM_PROMPT, LOSS_SCOPES, type LossScope } from "../importance/render.js";
import { ABLATION_VARIANTS, type AblationVariant } from "../importance/scope.js";
import { SELECTION_METHODS, type SelectionMethod } from "../importance/selection.js";
import type { ParamDType } from "../model/llama.js";
import { defaultAbilitiesDir, defaultProbesDir } from "../probes/paths.js";
import {
  DEFAULT_CONTROLS,
  DEFAULT_EVAL_BATCH_SIZE,
  DEFAULT_IMPORTANCE_BATCH_SIZE,
  DEFAULT_KS,
  DEFAULT_VARIANTS,
  defaultBenchmarkSpecs,
  defaultModelPath,
} from "./defaults.js";
import { DEFAULT_STATISTICS_OPTIONS, StatisticsOptionsSchema, type StatisticsOptions } from "./schema.js";
import { parseShard, type Shard } from "./shards.js";

/** The controls of a run: the bottom-n mask per ability, and random masks per seed. */
export interface ControlPlan {
  bottom: boolean;
  randomSeeds: number[];
}

/** What `profile()` accepts; everything but `out` has a default (see defaults.ts). */
export { CHECKPOINT_CHOICES, type CheckpointChoice } from "../plan/memory-plan.js";
import type { CheckpointChoice } from "../plan/memory-plan.js";

export const KEEP_SCORES = ["none", "f16", "f32"] as const;
export type KeepScores = (typeof KEEP_SCORES)[number];

export interface ProfileOptions {
  /** Hugging Face model directory or llama2.c checkpoint; default the model organism. */
  model?: string;
  tokenizer?: string;
  device?: Device;
  dtype?: ParamDType;
  /** Ability ids, or "all" (default) for every ability in `abilitiesDir`. */
  abilities?: readonly string[] | "all";
  abilitiesDir?: string;
  probesDir?: string;
  /** Spec files, shipped benchmark names, or folders of specs; default the shipped samples (and planted benchmarks). */
  benchmarks?: readonly string[];
  variants?: readonly AblationVariant[];
  ks?: readonly number[];
  method?: SelectionMethod;
  /** `random:N` (N seeds 0…N−1), `bottom`, `none`, comma-separated; or the plan itself. */
  controls?: string | ControlPlan;
  /** Score every ability's own test split as a benchmark (the selectivity matrix). */
  selfProfile?: boolean;
  /** At most N items of every benchmark and every probe split. */
  limit?: number;
  lossScope?: LossScope;
  aggregate?: Aggregate;
  score?: ScoreKind;
  systemPrompt?: string;
  /** Cut probe items longer than the context instead of failing. */
  truncate?: boolean;
  importanceBatchSize?: number;
  /** At most this many token slots per importance backward (null: batch size only). */
  importanceBatchTokens?: number | null;
  /** Activation checkpointing per decoder layer: auto = where the memory plan needs it. */
  checkpointLayers?: CheckpointChoice;
  /** Device memory to plan for, in bytes (default: host RAM on cpu, 80 GB on cuda). */
  deviceMemory?: number;
  /** Keep every importance score in the run (f32 or f16), besides the top-n candidates; default none. */
  keepScores?: KeepScores;
  evalBatchSize?: number;
  sharedContext?: boolean;
  statistics?: Partial<StatisticsOptions>;
  /** Compute only this shard's share of the work ("i/n", 0-based). */
  shard?: string | Shard;
  /** Recompute every stage even when the run directory holds it. */
  force?: boolean;
  quiet?: boolean;
  /** The run directory; default runs/<model name>. */
  out?: string;
}

/** Options with every default filled in and every value checked. */
export interface ResolvedOptions {
  model: string;
  tokenizer?: string;
  device: Device;
  dtype?: ParamDType;
  abilities: readonly string[] | "all";
  abilitiesDir: string;
  probesDir: string;
  benchmarks: string[];
  variants: AblationVariant[];
  ks: number[];
  method: SelectionMethod;
  controls: ControlPlan;
  selfProfile: boolean;
  limit: number | null;
  lossScope: LossScope;
  aggregate: Aggregate;
  score: ScoreKind;
  systemPrompt: string;
  truncate: boolean;
  importanceBatchSize: number;
  importanceBatchTokens: number | null;
  checkpointLayers: CheckpointChoice;
  deviceMemory: number | null;
  keepScores: KeepScores;
  evalBatchSize: number;
  sharedContext: boolean;
  statistics: StatisticsOptions;
  shard: Shard;
  force: boolean;
  quiet: boolean;
  out: string;
}

export function resolveProfileOptions(options: ProfileOptions): ResolvedOptions {
  const model = resolve(options.model ?? defaultModelPath());
  const ks = [...(options.ks ?? DEFAULT_KS)];
  for (const k of ks) {
    if (!Number.isFinite(k) || k <= 0 || k >= 1) throw new BprofError(`ablation fraction k must be a number in (0, 1), got ${k}`, { field: "k" });
  }
  const variants = [...(options.variants ?? DEFAULT_VARIANTS)];
  for (const v of variants) {
    if (!(ABLATION_VARIANTS as readonly string[]).includes(v)) {
      throw new BprofError(`unknown ablation variant '${v}' (expected one of: ${ABLATION_VARIANTS.join(", ")})`, { field: "variants" });
    }
  }
  rejectRepeats(ks.map(String), "k");
  rejectRepeats(variants, "variants");
  if (ks.length === 0) throw new BprofError("no ablation fraction k given", { field: "k" });
  if (variants.length === 0) throw new BprofError("no ablation variant given", { field: "variants" });
  const method = options.method ?? "top";
  if (!(SELECTION_METHODS as readonly string[]).includes(method)) throw new BprofError(`unknown selection method '${method}'`, { field: "method" });
  const lossScope = options.lossScope ?? "full";
  const aggregate = options.aggregate ?? "signed-sum";
  const score = options.score ?? "taylor";
  if (!(LOSS_SCOPES as readonly string[]).includes(lossScope)) throw new BprofError(`unknown loss scope '${lossScope}'`, { field: "loss-scope" });
  if (!(AGGREGATES as readonly string[]).includes(aggregate)) throw new BprofError(`unknown aggregate '${aggregate}'`, { field: "aggregate" });
  if (!(SCORES as readonly string[]).includes(score)) throw new BprofError(`unknown score '${score}'`, { field: "score" });
  checkScoreAggregate(score, aggregate);

  const statistics = StatisticsOptionsSchema.safeParse({ ...DEFAULT_STATISTICS_OPTIONS, ...options.statistics });
  if (!statistics.success) {
    const issue = statistics.error.issues[0]!;
    throw new BprofError(issue.message, { field: `statistics.${issue.path.map(String).join(".")}` });
  }
  const limit = options.limit ?? null;
  if (limit !== null) positiveInteger(limit, "limit");
  const importanceBatchSize = positiveInteger(options.importanceBatchSize ?? DEFAULT_IMPORTANCE_BATCH_SIZE, "batch-size");
  const evalBatchSize = positiveInteger(options.evalBatchSize ?? DEFAULT_EVAL_BATCH_SIZE, "eval-batch-size");
  const controls = typeof options.controls === "object" ? options.controls : parseControls(options.controls ?? DEFAULT_CONTROLS);
  const shard = typeof options.shard === "object" ? options.shard : parseShard(options.shard ?? "0/1");

  return {
    model,
    tokenizer: options.tokenizer === undefined ? undefined : resolve(options.tokenizer),
    device: options.device ?? "cpu",
    dtype: options.dtype,
    abilities: options.abilities ?? "all",
    abilitiesDir: resolve(options.abilitiesDir ?? defaultAbilitiesDir()),
    probesDir: resolve(options.probesDir ?? defaultProbesDir()),
    benchmarks: [...(options.benchmarks ?? defaultBenchmarkSpecs())],
    variants,
    ks,
    method,
    controls,
    selfProfile: options.selfProfile ?? false,
    limit,
    lossScope,
    aggregate,
    score,
    systemPrompt: options.systemPrompt ?? DEFAULT_SYSTEM_PROMPT,
    truncate: options.truncate ?? false,
    importanceBatchSize,
    importanceBatchTokens: options.importanceBatchTokens == null ? null : positiveInteger(options.importanceBatchTokens, "batch-tokens"),
    checkpointLayers: options.checkpointLayers ?? "auto",
    deviceMemory: options.deviceMemory === undefined ? null : positiveBytes(options.deviceMemory),
    keepScores: options.keepScores ?? "none",
    evalBatchSize,
    sharedContext: options.sharedContext ?? true,
    statistics: statistics.data,
    shard,
    force: options.force ?? false,
    quiet: options.quiet ?? false,
    out: resolve(options.out ?? resolve("runs", modelName(model))),
  };
}

/** `random:3,bottom` → bottom-n control and random seeds 0, 1, 2; `none` → no controls. */
export function parseControls(text: string): ControlPlan {
  const plan: ControlPlan = { bottom: false, randomSeeds: [] };
  for (const part of text.split(",").map((p) => p.trim())) {
    if (part === "none" || part === "") continue;
    if (part === "bottom") {
      plan.bottom = true;
      continue;
    }
    const random = /^random:(\d+)$/.exec(part);
    if (random) {
      const count = Number(random[1]);
      if (plan.randomSeeds.length > 0) throw new BprofError("give random:N once", { field: "controls" });
      plan.randomSeeds = Array.from({ length: count }, (_, seed) => seed);
      continue;
    }
    throw new BprofError(`unknown control '${part}' (expected random:N for N random seeds, bottom, or none)`, { field: "controls" });
  }
  return plan;
}

/** A model's display name: its directory or checkpoint file name. */
export function modelName(modelPath: string): string {
  return basename(modelPath).replace(/\.bin$/, "");
}

function positiveInteger(n: number, field: string): number {
  if (!Number.isInteger(n) || n < 1) throw new BprofError(`must be a positive integer, got ${n}`, { field });
  return n;
}

function rejectRepeats(values: readonly string[], field: string): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw new BprofError(`'${v}' is given twice`, { field });
    seen.add(v);
  }
}

function positiveBytes(value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new BprofError(`device memory must be a positive number of GB, got ${value / 1e9}`, { field: "device-memory" });
  return value;
}
