import { PROBE_SPLITS } from "../probes/schema.js";
import { choiceOption, optionalPositiveIntOption, positiveIntOption, textOption } from "../util/option-spec.js";
import { AGGREGATES, SCORES } from "./gradients.js";
import { DEFAULT_SYSTEM_PROMPT, LOSS_SCOPES } from "./render.js";

/** The options of step 1 (METHOD.md), declared once for `bprof importance`, `bprof profile` and the library. */
export const IMPORTANCE_OPTIONS = {
  lossScope: choiceOption("loss-scope", "<scope>", LOSS_SCOPES, "full", "tokens the per-item loss averages over", "loss scope"),
  aggregate: choiceOption("aggregate", "<how>", AGGREGATES, "signed-sum", "how per-item gradients accumulate", "aggregate"),
  score: choiceOption("score", "<kind>", SCORES, "taylor", "per-weight score", "score"),
  batchSize: positiveIntOption("batch-size", "<n>", 8, "probe items per backward pass (does not change the result)"),
  split: choiceOption("split", "<split>", PROBE_SPLITS, "train", "probe split", "probe split"),
  limit: optionalPositiveIntOption("limit", "<n>", "use only the first N items of the split"),
  systemPrompt: textOption("system-prompt", "<text>", DEFAULT_SYSTEM_PROMPT, "system turn of the rendered probes"),
};
