import { BprofError } from "../../errors.js";
import type { BenchmarkAdapter } from "../adapters/adapter.js";
import { RowProblem } from "../bad-rows.js";
import { readRecords } from "../files/records.js";
import type { BenchmarkDoc } from "../items.js";
import type { LmEvalTaskSource } from "./load-task.js";
import { isLmEvalSpec, LM_EVAL_ADAPTER } from "./load-task.js";

type Doc = Record<string, unknown>;

/**
 * The rows of an lm-eval task's split mapped to docs by the task's own doc_to_text /
 * doc_to_choice / doc_to_target, the way ConfigurableTask.construct_requests builds its
 * requests; from there the shipped specs' path renders, scores and logs them. A
 * loglikelihood task's doc is a one-choice item (its target), scored by acc and perplexity.
 * doc ids are positions in the split, as lm-eval's doc_id.
 */
export const lmEvalAdapter: BenchmarkAdapter = {
  name: LM_EVAL_ADAPTER,
  task: null,
  load(dataPath, { loaded, badRows }) {
    if (!isLmEvalSpec(loaded))
      throw new BprofError(`the '${LM_EVAL_ADAPTER}' adapter reads lm-eval task files only`, { file: loaded.path, field: "adapter" });
    const source = loaded.lmEval;
    const records = (source.shards.get(dataPath) ?? [dataPath]).flatMap((file) => readRecords(file, badRows));
    const docs: BenchmarkDoc[] = [];
    records.forEach((record, index) => {
      const doc = badRows.row(record.where, () => {
        if (record.value === null || typeof record.value !== "object" || Array.isArray(record.value))
          throw new RowProblem("row is not an object");
        const row = source.fields.processDocs ? source.fields.processDocs(record.value as Doc) : (record.value as Doc);
        return toDoc(source, loaded.spec.task, row, String(index), record.where);
      });
      if (doc) docs.push(doc);
    });
    return docs;
  },
};

function toDoc(
  source: LmEvalTaskSource,
  task: "multiple_choice" | "generate_until" | "loglikelihood",
  row: Doc,
  id: string,
  where: BenchmarkDoc["source"],
): BenchmarkDoc {
  const { fields } = source;
  const text = fields.text(row);
  const target = fields.target(row);
  const description = fields.description(row);
  const choices = fields.choices(row);
  const common = { id, description, record: row, loggedTarget: target, source: where };
  if (task === "generate_until") {
    const answer = typeof target === "number" && choices ? choices[target] : target;
    if (typeof answer !== "string" && typeof answer !== "number")
      throw new RowProblem(`doc_to_target gave ${JSON.stringify(target)}, not an answer text`, "doc_to_target");
    if (typeof text !== "string") throw new RowProblem("doc_to_text gave an index, but the task generates", "doc_to_text");
    return { task, query: text, target: String(answer), ...common };
  }
  if (task === "loglikelihood") {
    // One request: the context and the target after the target delimiter, as a one-choice item.
    const answer = typeof target === "number" && choices ? choices[target] : target;
    if (typeof answer !== "string" && typeof answer !== "number")
      throw new RowProblem(`doc_to_target gave ${JSON.stringify(target)}, not a continuation`, "doc_to_target");
    if (typeof text !== "string") throw new RowProblem("doc_to_text gave an index, but the task scores one continuation", "doc_to_text");
    return { task: "multiple_choice", query: text, choices: [String(answer)], gold: 0, ...common };
  }
  if (!choices) throw new RowProblem("a multiple_choice task needs doc_to_choice", "doc_to_choice");
  // multiple_input (WinoGrande): doc_to_text is the gold index, the choices are contexts and
  // the target is the continuation they share.
  if (typeof text === "number") {
    if (typeof target !== "string")
      throw new RowProblem(
        `doc_to_target gave ${JSON.stringify(target)}; with an index from doc_to_text it must be the shared continuation`,
        "doc_to_target",
      );
    return {
      task,
      query: choices[0]!,
      choices,
      gold: checkIndex(text, choices, "doc_to_text"),
      partial: { continuation: target },
      ...common,
    };
  }
  const trueChoices = source.config.process_results ? mc2Labels(row, choices.length) : undefined;
  return { task, query: text, choices, gold: goldIndex(target, choices), ...(trueChoices ? { trueChoices } : {}), ...common };
}

/** lm-eval's gold: an index into the choices, or the text of one of them. */
function goldIndex(target: unknown, choices: string[]): number {
  if (typeof target === "number") return checkIndex(target, choices, "doc_to_target");
  if (typeof target === "string") {
    const index = choices.indexOf(target);
    if (index < 0)
      throw new RowProblem(
        `target ${JSON.stringify(target)} is not among the choices ${JSON.stringify(choices).slice(0, 120)}`,
        "doc_to_target",
      );
    return index;
  }
  throw new RowProblem(`doc_to_target gave ${JSON.stringify(target)}; several gold answers are not supported`, "doc_to_target");
}

function checkIndex(index: number, choices: string[], field: string): number {
  if (!Number.isInteger(index) || index < 0 || index >= choices.length)
    throw new RowProblem(`gold index ${index} is not among the ${choices.length} choices`, field);
  return index;
}

/** TruthfulQA MC2's true answers: mc2_targets.labels, 1 for true. */
function mc2Labels(row: Doc, count: number): boolean[] {
  const targets = row.mc2_targets as { labels?: unknown } | undefined;
  const labels = targets?.labels;
  if (!Array.isArray(labels) || labels.length !== count)
    throw new RowProblem("expected mc2_targets.labels, one per choice", "mc2_targets.labels");
  return labels.map((label) => Number(label) === 1);
}
