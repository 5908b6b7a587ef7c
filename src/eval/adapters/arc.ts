import { readRecords } from "../files/records.js";
import type { MultipleChoiceDoc } from "../items.js";
import { RowProblem } from "../bad-rows.js";
import type { BenchmarkAdapter } from "./adapter.js";
import { asObject, idField, labelIndex, stringField } from "./fields.js";

/**
 * AI2 ARC jsonl (`{"id", "question": {"stem", "choices": [{"text", "label"}]}, "answerKey"}`),
 * also the flattened Hugging Face layout (`question` a string, `choices: {text: [], label: []}`).
 * Labels are letters on most items, "1".."4" on some, with 3 to 5 choices: the gold is
 * whatever position answerKey has among the item's own labels, as lm-eval does.
 * Prompt as lm-eval's arc_easy / arc_challenge: "Question: {stem}\nAnswer:".
 */
export const arcAdapter: BenchmarkAdapter = {
  name: "arc",
  task: "multiple_choice",
  load(dataPath, { badRows }) {
    const docs: MultipleChoiceDoc[] = [];
    for (const { where, ordinal, value } of readRecords(dataPath, badRows)) {
      const doc = badRows.row(where, (): MultipleChoiceDoc => {
        const row = asObject(value);
        const { stem, texts, labels } = readQuestion(row);
        const answerKey = stringField(row, "answerKey").trim();
        return {
          task: "multiple_choice",
          id: idField(row, "id", where.line !== undefined ? `line ${where.line}` : String(ordinal)),
          query: `Question: ${stem}\nAnswer:`,
          choices: texts,
          gold: labelIndex(labels, answerKey, "answerKey"),
          record: value,
          source: where,
        };
      });
      if (doc) docs.push(doc);
    }
    return docs;
  },
};

function readQuestion(row: Record<string, unknown>): { stem: string; texts: string[]; labels: string[] } {
  const question = row.question;
  if (typeof question === "string") {
    const choices = asObject(row.choices, "field 'choices'");
    const texts = choices.text;
    const labels = choices.label;
    if (!isStringList(texts) || !isStringList(labels) || texts.length !== labels.length) {
      throw new RowProblem("expected {text: [...], label: [...]} of equal length", "choices");
    }
    return { stem: question, texts, labels: labels.map((l) => l.trim()) };
  }
  const q = asObject(question, "field 'question'");
  const stem = stringField(q, "stem");
  const choices = q.choices;
  if (!Array.isArray(choices) || choices.length < 2) throw new RowProblem("expected a list of at least 2 choices", "question.choices");
  const texts: string[] = [];
  const labels: string[] = [];
  choices.forEach((choice, i) => {
    const c = asObject(choice, `choice ${i}`);
    const text = c.text;
    const label = c.label;
    if (typeof text !== "string" || typeof label !== "string")
      throw new RowProblem("expected {text, label} strings", `question.choices.${i}`);
    texts.push(text);
    labels.push(label.trim());
  });
  return { stem, texts, labels };
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}
