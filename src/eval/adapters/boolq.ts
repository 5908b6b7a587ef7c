import { readRecords } from "../files/records.js";
import type { MultipleChoiceDoc } from "../items.js";
import { RowProblem } from "../bad-rows.js";
import type { BenchmarkAdapter } from "./adapter.js";
import { asObject, idField, stringField } from "./fields.js";

/**
 * BoolQ jsonl: the original release (`question`, `passage`, `answer` true/false) or the
 * SuperGLUE copy (`label` true/false, 0/1, or the strings "true"/"false"). Prompt and
 * choices as lm-eval's boolq: "{passage}\nQuestion: {question}?\nAnswer:", no / yes.
 */
export const boolqAdapter: BenchmarkAdapter = {
  name: "boolq",
  task: "multiple_choice",
  load(dataPath, { badRows }) {
    const docs: MultipleChoiceDoc[] = [];
    for (const { where, ordinal, value } of readRecords(dataPath, badRows)) {
      const doc = badRows.row(where, (): MultipleChoiceDoc => {
        const row = asObject(value);
        return {
          task: "multiple_choice",
          id: idField(row, "idx", String(ordinal)),
          query: `${stringField(row, "passage")}\nQuestion: ${stringField(row, "question")}?\nAnswer:`,
          choices: ["no", "yes"],
          gold: truthIndex(row),
          record: value,
          source: where,
        };
      });
      if (doc) docs.push(doc);
    }
    return docs;
  },
};

function truthIndex(row: Record<string, unknown>): number {
  const field = "label" in row ? "label" : "answer";
  const value = row[field];
  if (value === undefined || value === null) throw new RowProblem("missing field 'label' (or 'answer')", field);
  const text = String(value).trim().toLowerCase();
  if (text === "true" || text === "1") return 1;
  if (text === "false" || text === "0") return 0;
  throw new RowProblem(`gold ${JSON.stringify(value)} is not among the choices true, false`, field);
}
