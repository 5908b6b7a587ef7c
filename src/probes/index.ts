// The probes module's public face, re-exported from src/index.ts.
export { AbilitySchema, ProbeItemSchema, PROBE_SPLITS, probeContentKey, type Ability, type ProbeItem, type ProbeSplit } from "./schema.js";
export { loadAbilities, loadAbilityFile } from "./abilities.js";
export { loadProbeFile, loadProbeSet, loadProbeSplit, parseProbeJsonl, probeSplitPath } from "./load.js";
export { validateProbeDir, formatProbeSummary, goldPositionShares, type ProbeValidation, type AbilityProbeSummary } from "./validate.js";
export {
  DEFAULT_PROBE_SEED,
  SPLIT_SIZES,
  HELD_OUT_TEST_SHARE,
  generateAbilitySplits,
  generateProbeFiles,
  writeProbeFiles,
  formatProbeJsonl,
  type ProbeSplits,
} from "./generate.js";
export { ProbeManifestSchema, type ProbeManifest } from "./schema.js";
export { GENERATORS, generatorFor } from "./generators/index.js";
export type { ProbeGenerator, ProbeTemplate, ProbeDraft, EntityFamily } from "./generators/types.js";
export { Rng } from "../util/prng.js";
export { defaultAbilitiesDir, defaultProbesDir } from "./paths.js";
