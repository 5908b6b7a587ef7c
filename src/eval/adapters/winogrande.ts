import { readRecords } from "../files/records.js";
import type { MultipleChoiceDoc } from "../items.js";
import { RowProblem } from "../bad-rows.js";
import type { BenchmarkAdapter } from "./adapter.js";
import { asObject, idField, stringField } from "./fields.js";
import { choiceLabel, readLabelsFor } from "./label-file.js";

/**
 * WinoGrande 1.1 jsonl (`qID`, `sentence` with one "_", `option1`, `option2`, `answer` "1"/"2";
 * the labels may instead sit line-aligned in `dev-labels.lst`). Scored by partial evaluation
 * as lm-eval does: each choice is the sentence up to the blank with an option filled in, and
 * only the rest of the sentence after the blank is scored as the continuation.
 */
export const winograndeAdapter: BenchmarkAdapter = {
  name: "winogrande",
  task: "multiple_choice",
  load(dataPath, { badRows, labelsPath }) {
    const rows = readRecords(dataPath, badRows);
    const labels = readLabelsFor(dataPath, labelsPath);
    const docs: MultipleChoiceDoc[] = [];
    for (const { where, ordinal, value } of rows) {
      const doc = badRows.row(where, (): MultipleChoiceDoc => {
        const row = asObject(value);
        const sentence = stringField(row, "sentence");
        const blank = sentence.indexOf("_");
        if (blank < 0) throw new RowProblem("the sentence has no blank '_'", "sentence");
        const before = sentence.slice(0, blank);
        const labelLine = labels?.lines[ordinal];
        const gold = labelLine
          ? choiceLabel(labelLine.text, ["1", "2"], "answer", `${labels!.path}:${labelLine.line}`)
          : choiceLabel(row.answer, ["1", "2"], "answer");
        return {
          task: "multiple_choice",
          id: idField(row, "qID", String(ordinal)),
          query: sentence,
          choices: [before + stringField(row, "option1"), before + stringField(row, "option2")],
          gold,
          partial: { continuation: sentence.slice(blank + 1).trim() },
          record: value,
          source: where,
        };
      });
      if (doc) docs.push(doc);
    }
    return docs;
  },
};
