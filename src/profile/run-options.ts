import type { LoadedSpec } from "../eval/spec.js";
import { basename, resolve } from "node:path";
import type { Device } from "../engine/index.js";
import { BprofError } from "../errors.js";
import { parseWithSchema } from "../util/schema.js";
import { checkScoreAggregate, type GradientAggregate, type ScoreKind } from "../importance/gradients.js";
import type { LossScope } from "../importance/render.js";
import type { Contrast } from "../masks/contrast.js";
import type { AblationVariant } from "../masks/variant.js";
import type { SelectionMethod } from "../masks/selection.js";
import type { ParamDType } from "../model/llama.js";
import { defaultAbilitiesDir, defaultProbesDir } from "../probes/paths.js";
import { checkOutputPath } from "../util/output-path.js";
import { packageRoot } from "../util/package-root.js";
import type { OptionSpec } from "../util/option-spec.js";
import { DEFAULT_CONTROLS, PROFILE_OPTIONS, defaultBenchmarkSpecs, defaultModelPath } from "./defaults.js";
import { PRESET_OPTIONS, PRESETS, type Preset } from "./presets.js";
import { DEFAULT_STATISTICS_OPTIONS, StatisticsOptionsSchema, type StatisticsOptions } from "../stats/profile-schema.js";

/** Which share of a run's work this process computes (`--shard i/n`). */
export interface Shard {
  /** 0-based */
  index: number;
  count: number;
}

/** "i/n" with 0 ≤ i < n. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new BprofError(`shard must be i/n (e.g. 0/3), got '${text}'`, { field: "shard" });
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new BprofError(`shard ${text}: need 0 ≤ i < n`, { field: "shard" });
  return { index, count };
}

/** The controls of a run: the bottom-n mask per ability, and random masks per seed. */
export interface ControlPlan {
  bottom: boolean;
  randomSeeds: number[];
}

/** What `profile()` accepts; everything but `out` has a default (see defaults.ts). */
export { CHECKPOINT_CHOICES, type CheckpointChoice } from "../plan/memory-plan.js";
import type { CheckpointChoice } from "../plan/memory-plan.js";

export type { KeepScores } from "./defaults.js";
import type { KeepScores } from "./defaults.js";

export interface ProfileOptions {
  /** Hugging Face model directory or llama2.c checkpoint; default the model organism. */
  model?: string;
  tokenizer?: string;
  device?: Device;
  dtype?: ParamDType;
  /** Load a checkpoint that holds tensors the architecture does not use (model/checkpoint-coverage.ts). */
  allowUnusedTensors?: boolean;
  /** Ability ids, or "all" (default) for every ability in `abilitiesDir`. */
  abilities?: readonly string[] | "all";
  abilitiesDir?: string;
  probesDir?: string;
  /**
   * Spec files, shipped benchmark names, or folders of specs, or benchmarks already loaded
   * (lm-eval tasks from `--tasks`); default the shipped samples (and planted benchmarks).
   */
  benchmarks?: readonly (string | LoadedSpec)[];
  /** Also as text, e.g. "mlp,all" (what the CLI hands over). */
  variants?: readonly AblationVariant[] | string;
  /** Also as text, e.g. "1e-4,1e-3". */
  ks?: readonly number[] | string;
  method?: SelectionMethod;
  /** `random:N` (N seeds 0…N−1), `bottom`, `none`, comma-separated; or the plan itself. */
  controls?: string | ControlPlan;
  /** Score every ability's own test split as a benchmark (the selectivity matrix). */
  selfProfile?: boolean;
  /** At most N items of every benchmark and every probe split. */
  limit?: number | string | null;
  lossScope?: LossScope;
  aggregate?: GradientAggregate;
  score?: ScoreKind;
  /** Selection by the ability's own scores or by their ratio to the other abilities' (contrast.ts). */
  contrast?: Contrast;
  /** The competence gate (competence-gate.ts); false treats every ability as possessed. */
  gate?: boolean;
  /** How far above chance the lower end of an ability's interval must be to count as possessed. */
  gateMargin?: number;
  /** The date chat templates that read the current date see (YYYY-MM-DD). */
  templateDate?: string;
  /** A named set of method choices (presets.ts); options given beside it override it. */
  preset?: Preset;
  systemPrompt?: string;
  /** Cut probe items longer than the context instead of failing. */
  truncate?: boolean;
  importanceBatchSize?: number | string;
  /** At most this many token slots per importance backward (null: batch size only). */
  importanceBatchTokens?: number | string | null;
  /** Activation checkpointing per decoder layer: auto = where the memory plan needs it. */
  checkpointLayers?: CheckpointChoice;
  /** Device memory to plan for, in bytes (default: host RAM on cpu, 80 GB on cuda). */
  deviceMemory?: number;
  /** Keep every importance score in the run (f32 or f16), besides the top-n candidates; default none. */
  keepScores?: KeepScores;
  evalBatchSize?: number | string;
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
  allowUnusedTensors: boolean;
  abilities: readonly string[] | "all";
  abilitiesDir: string;
  probesDir: string;
  benchmarks: (string | LoadedSpec)[];
  variants: AblationVariant[];
  ks: number[];
  method: SelectionMethod;
  controls: ControlPlan;
  selfProfile: boolean;
  limit: number | null;
  lossScope: LossScope;
  aggregate: GradientAggregate;
  score: ScoreKind;
  contrast: Contrast;
  gate: boolean;
  gateMargin: number;
  templateDate: string;
  preset: Preset | null;
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

export function resolveProfileOptions(given: ProfileOptions): ResolvedOptions {
  if (given.preset !== undefined && !(PRESETS as readonly string[]).includes(given.preset)) {
    throw new BprofError(`unknown preset '${given.preset}' (expected one of: ${PRESETS.join(", ")})`, { field: "preset" });
  }
  // A preset fills in what the caller left unset; what the caller set wins.
  const options: ProfileOptions = { ...(given.preset ? PRESET_OPTIONS[given.preset] : {}), ...definedOnly(given) };
  const model = resolve(options.model ?? defaultModelPath());
  // Every checked option is parsed by its one declaration (defaults.ts): one error path, one wording.
  const parsed = <T>(spec: OptionSpec<T>, value: unknown): T => spec.parse(value ?? spec.default);
  const ks = parsed(PROFILE_OPTIONS.ks, options.ks);
  const variants = parsed(PROFILE_OPTIONS.variants, options.variants);
  const abilities = options.abilities ?? "all";
  if (abilities !== "all") rejectRepeats(abilities, "abilities");
  const method = parsed(PROFILE_OPTIONS.method, options.method);
  const lossScope = parsed(PROFILE_OPTIONS.lossScope, options.lossScope);
  // A contrast needs the other abilities' scores: one ability alone is profiled without one
  // by default, and refused up front when a contrast is asked for.
  const single = abilities !== "all" && abilities.length === 1;
  if (single && options.contrast !== undefined && options.contrast !== "none")
    throw new BprofError(`--contrast ${options.contrast} needs at least two abilities (the others' scores); got only ${abilities[0]}`, {
      field: "contrast",
    });
  const contrast = single ? "none" : parsed(PROFILE_OPTIONS.contrast, options.contrast);
  const gateMargin = parsed(PROFILE_OPTIONS.gateMargin, options.gateMargin);
  const aggregate = parsed(PROFILE_OPTIONS.aggregate, options.aggregate);
  const score = parsed(PROFILE_OPTIONS.score, options.score);
  checkScoreAggregate(score, aggregate);

  const givenStatistics = Object.fromEntries(Object.entries(options.statistics ?? {}).filter(([, v]) => v !== undefined));
  const statistics = parseWithSchema(
    StatisticsOptionsSchema,
    { ...DEFAULT_STATISTICS_OPTIONS, ...givenStatistics },
    { field: "statistics" },
  );
  const limit = PROFILE_OPTIONS.limit.parse(options.limit);
  const importanceBatchSize = parsed(PROFILE_OPTIONS.importanceBatchSize, options.importanceBatchSize);
  const evalBatchSize = parsed(PROFILE_OPTIONS.evalBatchSize, options.evalBatchSize);
  const controls = typeof options.controls === "object" ? options.controls : parseControls(options.controls ?? DEFAULT_CONTROLS);
  const shard = typeof options.shard === "object" ? options.shard : parseShard(options.shard ?? "0/1");

  return {
    model,
    tokenizer: options.tokenizer === undefined ? undefined : resolve(options.tokenizer),
    device: options.device ?? "cpu",
    dtype: options.dtype,
    allowUnusedTensors: options.allowUnusedTensors ?? false,
    abilities,
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
    contrast,
    gate: options.gate ?? true,
    gateMargin,
    templateDate: parsed(PROFILE_OPTIONS.templateDate, options.templateDate),
    preset: given.preset ?? null,
    systemPrompt: parsed(PROFILE_OPTIONS.systemPrompt, options.systemPrompt),
    truncate: options.truncate ?? false,
    importanceBatchSize,
    importanceBatchTokens: PROFILE_OPTIONS.importanceBatchTokens.parse(options.importanceBatchTokens),
    checkpointLayers: parsed(PROFILE_OPTIONS.checkpointLayers, options.checkpointLayers),
    deviceMemory: options.deviceMemory === undefined ? null : positiveBytes(options.deviceMemory),
    keepScores: parsed(PROFILE_OPTIONS.keepScores, options.keepScores),
    evalBatchSize,
    sharedContext: options.sharedContext ?? true,
    statistics,
    shard,
    force: options.force ?? false,
    quiet: options.quiet ?? false,
    out: checkOutputPath(options.out ?? resolve("runs", modelName(model)), { option: "out", modelPath: model, packageRoot: packageRoot() }),
  };
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
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

function rejectRepeats(values: readonly string[], field: string): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw new BprofError(`'${v}' is given twice`, { field });
    seen.add(v);
  }
}

function positiveBytes(value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new BprofError(`device memory must be a positive number of GB, got ${value / 1e9}`, { field: "device-memory" });
  return value;
}
