import { readRecords } from "../files/records.js";
import type { MultipleChoiceDoc } from "../items.js";
import type { BenchmarkAdapter } from "./adapter.js";
import { asObject, stringField } from "./fields.js";
import { choiceLabel, readLabelsFor } from "./label-file.js";

/**
 * PIQA as ybisk distributes it: `valid.jsonl` (`goal`, `sol1`, `sol2`) with the labels
 * (0 or 1) line by line in the sibling `valid-labels.lst` (or a `label` field per row).
 * Prompt as lm-eval's piqa: "Question: {goal}\nAnswer:", choices sol1 / sol2.
 */
export const piqaAdapter: BenchmarkAdapter = {
  name: "piqa",
  task: "multiple_choice",
  load(dataPath, { badRows, labelsPath }) {
    const rows = readRecords(dataPath, badRows);
    const labels = readLabelsFor(dataPath, labelsPath);
    const docs: MultipleChoiceDoc[] = [];
    for (const { where, ordinal, value } of rows) {
      const doc = badRows.row(where, (): MultipleChoiceDoc => {
        const row = asObject(value);
        const labelLine = labels?.lines[ordinal];
        const gold = labelLine
          ? choiceLabel(labelLine.text, ["0", "1"], "label", `${labels!.path}:${labelLine.line}`)
          : choiceLabel(row.label, ["0", "1"], "label");
        return {
          task: "multiple_choice",
          id: String(ordinal),
          query: `Question: ${stringField(row, "goal")}\nAnswer:`,
          choices: [stringField(row, "sol1"), stringField(row, "sol2")],
          gold,
          record: value,
          source: where,
        };
      });
      if (doc) docs.push(doc);
    }
    return docs;
  },
};
