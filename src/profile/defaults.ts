import { existsSync } from "node:fs";
import { join } from "node:path";
import { findSpecFiles } from "../eval/shipped-specs.js";
import type { GradientAggregate } from "../importance/gradients.js";
import { IMPORTANCE_OPTIONS } from "../importance/options.js";
import type { Contrast } from "../masks/contrast.js";
import { DEFAULT_K, SELECTION_OPTIONS } from "../masks/options.js";
import type { AblationVariant } from "../masks/variant.js";
import { DEFAULT_GATE_MARGIN } from "../stats/competence-gate.js";
import { DEFAULT_STATISTICS_OPTIONS } from "../stats/profile-schema.js";
import { CHECKPOINT_CHOICES } from "../plan/memory-plan.js";
import {
  choiceOption,
  listOption,
  numberOption,
  optionalPositiveIntOption,
  positiveIntOption,
  type OptionSpec,
} from "../util/option-spec.js";
import { BprofError } from "../errors.js";
import { packageRoot } from "../util/package-root.js";

/**
 * What `bprof profile` does when told nothing: profile the project's own model organism on
 * the benchmarks shipped with bprof, against all ten abilities. Every default of a profile
 * lives here or on the option declaration it comes from (importance/options.ts,
 * masks/options.ts), and PROFILE_OPTIONS below is what the library, the CLI and the run key use.
 */

/** The model organism (issue 7), relative to the package root. */
export const DEFAULT_MODEL = "models/organism";

export function defaultModelPath(): string {
  return join(packageRoot(), DEFAULT_MODEL);
}

/**
 * One k by default (DEFAULT_K, masks/options.ts, says why that one): every k is a full set of
 * evaluations (abilities + controls, on every benchmark); sweep with --k.
 */
export const DEFAULT_KS: readonly number[] = [DEFAULT_K];

export const DEFAULT_VARIANTS: readonly AblationVariant[] = ["mlp"];

/**
 * Three random seeds make the null band (three evaluations per k, shared by all abilities).
 * The bottom-n control, the original paper's, costs one evaluation per ability and k, as
 * much as the profile itself; ask for it with --controls random:3,bottom.
 */
export const DEFAULT_CONTROLS = "random:3";

/** Folders under benchmarks/ whose specs are profiled by default (the samples, and the planted mixtures when present). */
export const DEFAULT_BENCHMARK_FOLDERS: readonly string[] = ["samples", "planted"];

export function defaultBenchmarkSpecs(): string[] {
  return DEFAULT_BENCHMARK_FOLDERS.map((folder) => join(packageRoot(), "benchmarks", folder))
    .filter((dir) => existsSync(dir))
    .flatMap((dir) => findSpecFiles(dir));
}

/**
 * Contrastive selection and gradient aggregation (docs/method.md, step 1 and contrast). The
 * defaults follow the options table of the model organism's card (models/organism/README.md):
 * abs-sum with the difference contrast was its best row, better than signed-sum without a
 * contrast on every figure (mean r 0.74 against 0.64, selectivity 0.259 against 0.179 at
 * k = 4e-2). A profile of a single ability has nothing to contrast with, so there the default
 * contrast is none (run-options.ts). `bprof importance` and `bprof select` keep the original
 * method's signed sum and no contrast: the defaults here are those of a whole profile.
 */
export const DEFAULT_CONTRAST: Contrast = "difference";
export const DEFAULT_AGGREGATE: GradientAggregate = "abs-sum";

/** The competence gate's margin, declared with the gate (stats/competence-gate.ts). */
export { DEFAULT_GATE_MARGIN };

/** Every importance score kept in a run's importance stages (f32 or f16) besides the top-n candidates, or none. */
export const KEEP_SCORES = ["none", "f16", "f32"] as const;
export type KeepScores = (typeof KEEP_SCORES)[number];

export const DEFAULT_IMPORTANCE_BATCH_SIZE = 8;
export const DEFAULT_EVAL_BATCH_SIZE = 16;

/**
 * The options of `profile()` and `bprof profile` that have a value to check: name, type (what
 * `parse` returns), default and help, declared once. resolveProfileOptions parses every one;
 * the CLI registers the same names and help and hands its text over unparsed.
 */
export const PROFILE_OPTIONS = {
  variants: listOption(SELECTION_OPTIONS.variant, "variants", "<list>", DEFAULT_VARIANTS, "ablation variants, comma-separated"),
  ks: listOption(SELECTION_OPTIONS.k, "k", "<fractions>", DEFAULT_KS, "ablation fractions, comma-separated"),
  method: SELECTION_OPTIONS.method,
  lossScope: IMPORTANCE_OPTIONS.lossScope,
  aggregate: { ...IMPORTANCE_OPTIONS.aggregate, default: DEFAULT_AGGREGATE },
  score: IMPORTANCE_OPTIONS.score,
  systemPrompt: IMPORTANCE_OPTIONS.systemPrompt,
  contrast: { ...SELECTION_OPTIONS.contrast, default: DEFAULT_CONTRAST },
  gateMargin: gateMarginOption(),
  templateDate: IMPORTANCE_OPTIONS.templateDate,
  // Named for what it sizes, so that it does not read as lm-eval's --batch_size (docs/profile.md).
  importanceBatchSize: { ...IMPORTANCE_OPTIONS.batchSize, name: "importance-batch-size", default: DEFAULT_IMPORTANCE_BATCH_SIZE },
  importanceBatchTokens: IMPORTANCE_OPTIONS.batchTokens,
  checkpointLayers: choiceOption(
    "checkpoint-layers",
    "<when>",
    CHECKPOINT_CHOICES,
    "auto",
    "activation checkpointing per decoder layer (auto: where the memory plan needs it)",
    "checkpoint choice",
  ),
  keepScores: choiceOption(
    "keep-scores",
    "[dtype]",
    KEEP_SCORES,
    "none",
    "keep every importance score in the run directory (f32, the dtype when none is named, or f16), not only the top-n candidates",
    "score dtype",
  ),
  evalBatchSize: positiveIntOption("eval-batch-size", "<n>", DEFAULT_EVAL_BATCH_SIZE, "requests per forward on the per-choice path"),
  limit: optionalPositiveIntOption("limit", "<n>", "at most N items of every benchmark and probe split (a quick look)"),
  bootstrapSamples: positiveIntOption("bootstrap", "<B>", DEFAULT_STATISTICS_OPTIONS.bootstrap_samples, "paired-bootstrap resamples"),
  seed: numberOption("bootstrap-seed", "<n>", DEFAULT_STATISTICS_OPTIONS.seed, "seed of the paired bootstrap"),
  confidence: numberOption("confidence", "<level>", DEFAULT_STATISTICS_OPTIONS.confidence, "two-sided interval level"),
  minMargin: numberOption(
    "min-margin",
    "<m>",
    DEFAULT_STATISTICS_OPTIONS.min_margin,
    "AIS is undefined where base score − chance is below this",
  ),
};

/** The competence gate's margin: a number in [0, 1). */
function gateMarginOption(): OptionSpec<number> {
  const name = "gate-margin";
  return {
    name,
    placeholder: "<m>",
    help: "an ability is possessed when its test accuracy's lower 95% bound exceeds chance + m",
    default: DEFAULT_GATE_MARGIN,
    parse(value) {
      const m = typeof value === "string" ? (value.trim() === "" ? NaN : Number(value)) : value;
      if (typeof m === "number" && Number.isFinite(m) && m >= 0 && m < 1) return m;
      throw new BprofError(`gate margin must be in [0, 1), got ${String(value)}`, { field: name });
    },
    format: String,
  };
}
