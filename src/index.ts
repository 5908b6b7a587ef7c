// The importable library: everything the CLI does is reachable from here.
export { BprofError } from "./errors.js";
export { VERSION } from "./version.js";
export * from "./engine/index.js";
export { inspectModel, loadModel, loadWeights, type LoadedModel, type ModelInfo } from "./model/load.js";
export { LlamaModel } from "./model/llama.js";
export { KVCache } from "./model/kv-cache.js";
export { readModelConfig, resolveModelConfig, type ModelConfig } from "./model/config.js";
export type { Tokenizer, ChatMessage } from "./model/tokenizer/tokenizer.js";
export { convertLlama2cToHf } from "./model/convert.js";
export {
  evaluateBenchmark,
  summariseScores,
  writeEvaluation,
  type Evaluation,
  type EvalResults,
  type EvalSample,
} from "./eval/evaluate.js";
export { prepareBenchmark, type PreparedBenchmark } from "./eval/prepare.js";
export { tokenizeBenchmark, type TokenizedBenchmark } from "./eval/tokenize.js";
export { scoreBenchmark, type ItemScore } from "./eval/score.js";
export { loadBenchmarkSpec, type BenchmarkSpec, type LoadedSpec } from "./eval/spec.js";
export { ModelScoringLM } from "./eval/model-lm.js";
export type { ScoringLM } from "./eval/lm.js";
export {
  computeProfile,
  type ProfileInput,
  type ItemScores,
  type BenchmarkInput,
  type AblatedInput,
  type MaskInput,
} from "./stats/compute-profile.js";
export {
  ProfileSchema,
  DEFAULT_STATISTICS_OPTIONS,
  cellKey,
  type Profile,
  type Cell,
  type StatisticsOptions,
} from "./stats/profile-schema.js";
export { abilityImpactScore } from "./stats/ais.js";
export { writeProfileReports } from "./report/write-reports.js";
export { loadProfile } from "./report/load-profile.js";
export { compareProfiles } from "./report/compare.js";
export * from "./probes/index.js";
export { selectElements, parseControl, SELECTION_METHODS, type Selection, type SelectionMethod, type Control } from "./masks/selection.js";
export { scoresFromArray, scoresFromFile, type ScoreSource } from "./importance/score-source.js";
export { ABLATION_VARIANTS, inVariant, variantNamesInLayerOrder, type AblationVariant } from "./masks/variant.js";
export { ablationCount } from "./masks/ablation-count.js";
export { readMask, writeMask, type Mask, type MaskRecipe } from "./masks/mask.js";
export { maskFromSelection, maskDirName } from "./masks/mask.js";
export { computeImportanceScores } from "./importance/gradients.js";
export { accumulateGradients, AGGREGATES, SCORES, type GradientAggregate, type ScoreKind } from "./importance/gradients.js";
export { renderProbe, DEFAULT_SYSTEM_PROMPT, LOSS_SCOPES, type LossScope, type RenderedProbe } from "./importance/render.js";
export { runImportance, type ImportanceRunOptions } from "./importance/run-importance.js";
export { runSelect, type SelectRunOptions } from "./masks/run-select.js";
export {
  readImportanceManifest,
  importanceScoreSources,
  candidateScoreSources,
  type ImportanceManifest,
} from "./importance/importance-store.js";
export { deviceExtremes, type DeviceScores, type Extremes } from "./importance/device-extremes.js";
export { planMemory, describePlan, optionsThatFit, type MemoryPlan, type PlanOptions } from "./plan/memory-plan.js";
export { applyMask, withAblation, type AppliedAblation } from "./masks/apply-mask.js";
export { createProgress, type Progress, type ProgressOptions } from "./util/progress.js";
export { profile, type ProfileRunResult } from "./profile/run-profile.js";
export { mergeRuns, type MergeResult } from "./profile/merge-runs.js";
export { type ProfileOptions, type ControlPlan } from "./profile/run-options.js";
export { PROFILE_OPTIONS } from "./profile/defaults.js";
export { IMPORTANCE_OPTIONS } from "./importance/options.js";
export { SELECTION_OPTIONS } from "./masks/options.js";
export type { OptionSpec } from "./util/option-spec.js";
export { validate, validationOf, formatValidation, type Validation, type ValidationRow } from "./organism/validate.js";
export { PLANTED_BENCHMARKS, plantedRows, mixtureCounts, type PlantedDefinition } from "./organism/planted.js";
