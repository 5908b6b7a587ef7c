import { BprofError } from "../errors.js";
import { DEFAULT_TEMPLATE_DATE, parseTemplateDate } from "../model/tokenizer/template-date.js";
import { PROBE_SPLITS } from "../probes/schema.js";
import { choiceOption, optionalPositiveIntOption, positiveIntOption, textOption, type OptionSpec } from "../util/option-spec.js";
import { AGGREGATES, SCORES } from "./gradients.js";
import { DEFAULT_LOSS_SCOPE, DEFAULT_SYSTEM_PROMPT, LOSS_SCOPES } from "./render.js";

/** The options of step 1 (METHOD.md), declared once for `bprof importance`, `bprof profile` and the library. */
export const IMPORTANCE_OPTIONS = {
  lossScope: choiceOption(
    "loss-scope",
    "<scope>",
    LOSS_SCOPES,
    DEFAULT_LOSS_SCOPE,
    "tokens the per-item loss averages over (docs/method.md, step 1)",
    "loss scope",
  ),
  aggregate: choiceOption("aggregate", "<how>", AGGREGATES, "signed-sum", "how per-item gradients accumulate", "aggregate"),
  score: choiceOption("score", "<kind>", SCORES, "taylor", "per-weight score", "score"),
  batchSize: positiveIntOption("batch-size", "<n>", 8, "probe items per backward pass (does not change the result)"),
  batchTokens: optionalPositiveIntOption("batch-tokens", "<n>", "also at most N token slots (rows × longest row) per backward pass"),
  split: choiceOption("split", "<split>", PROBE_SPLITS, "train", "probe split", "probe split"),
  limit: optionalPositiveIntOption("limit", "<n>", "use only the first N items of the split"),
  systemPrompt: textOption("system-prompt", "<text>", DEFAULT_SYSTEM_PROMPT, "system turn of the rendered probes"),
  templateDate: templateDateOption(),
};

/** The date a chat template that reads the current date is shown (template-date.ts): a calendar day. */
function templateDateOption(): OptionSpec<string> {
  const name = "template-date";
  return {
    name,
    placeholder: "<YYYY-MM-DD>",
    help: "the date a chat template that reads the current date is shown",
    default: DEFAULT_TEMPLATE_DATE,
    parse(value) {
      if (typeof value !== "string")
        throw new BprofError(`a template date must be text (YYYY-MM-DD), got ${JSON.stringify(value)}`, { field: name });
      return parseTemplateDate(value, name);
    },
    format: (v) => v,
  };
}
