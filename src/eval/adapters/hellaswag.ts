import { readRecords } from "../files/records.js";
import type { MultipleChoiceDoc } from "../items.js";
import { RowProblem } from "../bad-rows.js";
import type { BenchmarkAdapter } from "./adapter.js";
import { asObject, idField, stringField, stringListField } from "./fields.js";

/**
 * HellaSwag's own jsonl (`ind`, `activity_label`, `ctx_a`, `ctx_b`, `endings`, `label`).
 * The query is "{activity_label}: {ctx_a} {Ctx_b}" and every string goes through the
 * WikiHow clean-up lm-eval applies, so prompts match its numbers.
 */
export const hellaswagAdapter: BenchmarkAdapter = {
  name: "hellaswag",
  task: "multiple_choice",
  load(dataPath, { badRows }) {
    const docs: MultipleChoiceDoc[] = [];
    for (const { where, ordinal, value } of readRecords(dataPath, badRows)) {
      const doc = badRows.row(where, (): MultipleChoiceDoc => {
        const row = asObject(value);
        const context = `${stringField(row, "ctx_a")} ${pythonCapitalize(stringField(row, "ctx_b"))}`;
        const endings = stringListField(row, "endings");
        return {
          task: "multiple_choice",
          id: idField(row, "ind", where.line !== undefined ? `line ${where.line}` : String(ordinal)),
          query: cleanHellaswagText(`${stringField(row, "activity_label")}: ${context}`),
          choices: endings.map(cleanHellaswagText),
          gold: goldIndex(row.label, endings.length),
          record: value,
          source: where,
        };
      });
      if (doc) docs.push(doc);
    }
    return docs;
  },
};

/**
 * WikiHow rows carry markup: " [title]" ends a title (becomes ". "), other "[header]"-style
 * tags are dropped, and the double spaces this leaves are collapsed once.
 */
export function cleanHellaswagText(text: string): string {
  return text
    .trim()
    .replaceAll(" [title]", ". ")
    .replace(/\[.*?\]/g, "")
    .replaceAll("  ", " ");
}

/** Python's str.capitalize: first character upper case, the rest lower case. */
export function pythonCapitalize(text: string): string {
  return text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1).toLowerCase();
}

function goldIndex(label: unknown, count: number): number {
  const index = typeof label === "number" ? label : typeof label === "string" && /^\d+$/.test(label.trim()) ? Number(label) : NaN;
  if (label === undefined || label === null || label === "") throw new RowProblem("missing field 'label'", "label");
  if (!Number.isInteger(index) || index < 0 || index >= count)
    throw new RowProblem(`gold ${JSON.stringify(label)} is not among the ${count} endings`, "label");
  return index;
}
