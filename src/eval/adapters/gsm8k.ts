import { readRecords } from "../files/records.js";
import type { GenerationDoc } from "../items.js";
import type { BenchmarkAdapter } from "./adapter.js";
import { asObject, stringField } from "./fields.js";

/**
 * openai/grade-school-math jsonl (`question`, `answer` with the worked solution ending in
 * "#### N"). The target is the whole answer, as in lm-eval: few-shot examples show the
 * worked solution, and the spec's exact_match regexes cut the reference down to N.
 */
export const gsm8kAdapter: BenchmarkAdapter = {
  name: "gsm8k",
  task: "generate_until",
  load(dataPath, { badRows }) {
    const docs: GenerationDoc[] = [];
    for (const { where, ordinal, value } of readRecords(dataPath, badRows)) {
      const doc = badRows.row(where, (): GenerationDoc => {
        const row = asObject(value);
        return {
          task: "generate_until",
          id: String(ordinal),
          query: `Question: ${stringField(row, "question")}\nAnswer:`,
          target: stringField(row, "answer"),
          record: value,
          source: where,
        };
      });
      if (doc) docs.push(doc);
    }
    return docs;
  },
};
