import { BprofError } from "../errors.js";
import { solvedExample } from "./fewshot.js";
import type { BenchmarkDoc, EvalItem } from "./items.js";
import type { BenchmarkSpec } from "./spec.js";

/**
 * Render a doc into the strings the model sees, the way lm-eval builds a context:
 * description, then each solved example followed by the few-shot delimiter, then the query.
 * Multiple choice scores `target_delimiter + choice` after that context (lm-eval's
 * `" " + choice`); partial scoring swaps the roles (the choice ends the context and the
 * shared rest of the sentence is the continuation).
 */
export function renderItem(doc: BenchmarkDoc, examples: BenchmarkDoc[], spec: BenchmarkSpec): EvalItem {
  const description = doc.description ?? spec.description;
  const shots = examples.map((example) => solvedExample(example, spec.target_delimiter) + spec.fewshot_delimiter).join("");
  // lm-eval's system prompt: the instruction, then the description after a few-shot delimiter;
  // the chat template's system turn, or else the start of the text.
  const instruction = spec.system_instruction;
  const systemPrompt =
    instruction === undefined ? description : description ? instruction + spec.fewshot_delimiter + description : instruction;
  const system = spec.apply_chat_template && systemPrompt ? { system: systemPrompt } : {};
  const prefix = (spec.apply_chat_template ? "" : systemPrompt) + shots;
  if (doc.task === "generate_until") {
    return {
      task: "generate_until",
      id: doc.id,
      prompt: prefix + doc.query,
      target: doc.target,
      ...system,
      ...logged(doc),
      source: doc.source,
    };
  }
  const empty = doc.choices.findIndex((choice) => choice.length === 0);
  if (empty >= 0) throw new BprofError(`choice ${empty} is empty (acc_norm divides by its length)`, { ...doc.source, field: "choices" });
  const context = prefix + doc.query;
  const partial = doc.partial;
  const requests = partial
    ? doc.choices.map((choice) => ({ context: prefix + choice, continuation: spec.target_delimiter + partial.continuation }))
    : doc.choices.map((choice) => ({ context, continuation: spec.target_delimiter + choice }));
  return {
    task: "multiple_choice",
    id: doc.id,
    context,
    choices: doc.choices,
    gold: doc.gold,
    ...(doc.trueChoices ? { trueChoices: doc.trueChoices } : {}),
    requests,
    sharedContext: !partial,
    ...system,
    ...logged(doc),
    source: doc.source,
  };
}

/** What the lm-eval-shaped samples log about the doc, when its reader kept it. */
function logged(doc: BenchmarkDoc): Pick<EvalItem, "record" | "loggedTarget"> {
  return {
    ...(doc.record !== undefined ? { record: doc.record } : {}),
    ...(doc.loggedTarget !== undefined ? { loggedTarget: doc.loggedTarget } : {}),
  };
}
