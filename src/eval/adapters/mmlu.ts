import { readdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { BprofError } from "../../errors.js";
import { RowProblem, type BadRows } from "../bad-rows.js";
import { readCsv } from "../files/csv.js";
import { isRecordFile, readRecords } from "../files/records.js";
import type { DocSource, MultipleChoiceDoc } from "../items.js";
import type { BenchmarkAdapter } from "./adapter.js";
import { asObject, labelIndex, stringField } from "./fields.js";

const LETTERS = ["A", "B", "C", "D"];

/**
 * MMLU as hendrycks/test distributes it: one header-less CSV per subject
 * (question, A, B, C, D, answer letter), in `test/`, `dev/` and `val/` folders; or as the
 * Hub's cais/mmlu stores it (Parquet, Arrow, or a JSONL / CSV export with a header row:
 * question, subject, choices [4], answer as an index). The data path is one such file or a
 * folder of them. The prompt is lm-eval's: a subject line, the question with lettered
 * options, "Answer:", and the letters themselves as the choices. Few-shot examples come from
 * the same subject (give `fewshot.source` the dev folder).
 */
export const mmluAdapter: BenchmarkAdapter = {
  name: "mmlu",
  task: "multiple_choice",
  load(dataPath, { badRows }) {
    const docs: MultipleChoiceDoc[] = [];
    for (const file of subjectFiles(dataPath)) {
      const counts = new Map<string, number>();
      for (const { where, parse } of mmluRows(file, badRows)) {
        const doc = badRows.row(where, (): MultipleChoiceDoc => {
          const row = parse();
          const subject = row.subject;
          const index = counts.get(subject) ?? 0;
          counts.set(subject, index + 1);
          const [a, b, c, d] = row.choices as [string, string, string, string];
          return {
            task: "multiple_choice",
            id: `${subject}/${index}`,
            query: `${row.question.trim()}\nA. ${a}\nB. ${b}\nC. ${c}\nD. ${d}\nAnswer:`,
            choices: LETTERS,
            gold: row.gold,
            description: `The following are multiple choice questions (with answers) about ${subject.replaceAll("_", " ")}.\n\n`,
            group: subject,
            ...(row.record ? { record: row.record } : {}),
            source: where,
          };
        });
        if (doc) docs.push(doc);
      }
    }
    return docs;
  },
};

interface MmluRow {
  question: string;
  subject: string;
  choices: string[];
  gold: number;
  record?: unknown;
}

/** A file's rows, each parsed when badRows asks for it (so a bad row reports file:line). */
function mmluRows(file: string, badRows: BadRows): { where: DocSource; parse: () => MmluRow }[] {
  if (isRecordFile(file)) {
    // The Hub's rows carry their subject; a split file of the Hub layout sits in a folder named after it.
    const folder = basename(dirname(file));
    return readRecords(file, badRows).map(({ where, value }) => ({ where, parse: () => hubRow(value, folder) }));
  }
  const records = readCsv(file);
  const header = records[0]?.fields.map((f) => f.trim());
  if (header?.includes("question") && header.includes("answer")) {
    return records.slice(1).map(({ line, fields }) => ({
      where: { file, line },
      parse: () => {
        if (fields.length !== header.length)
          throw new RowProblem(`expected ${header.length} columns (${header.join(", ")}), found ${fields.length}`);
        const row = Object.fromEntries(header.map((name, i) => [name, fields[i]]));
        const choices = "choices" in row ? parseListLiteral(row.choices!) : ["A", "B", "C", "D"].map((letter) => row[letter]);
        return hubRow({ ...row, choices }, subjectOf(file));
      },
    }));
  }
  const subject = subjectOf(file);
  return records.map(({ line, fields }) => ({
    where: { file, line },
    parse: () => {
      if (fields.length !== 6) throw new RowProblem(`expected 6 columns (question, A, B, C, D, answer), found ${fields.length}`);
      const [question, a, b, c, d, answer] = fields as [string, string, string, string, string, string];
      return { question, subject, choices: [a, b, c, d], gold: labelIndex(LETTERS, answer.trim(), "answer") };
    },
  }));
}

/** cais/mmlu's row: question, subject, choices (4), answer (0-3, or a letter in some exports). */
function hubRow(value: unknown, fallbackSubject: string): MmluRow {
  const row = asObject(value);
  const choices = row.choices;
  if (!Array.isArray(choices) || choices.length !== 4) throw new RowProblem("expected a list of 4 choices", "choices");
  const answer = row.answer;
  const gold = typeof answer === "number" || /^\d$/.test(String(answer).trim()) ? Number(answer) : LETTERS.indexOf(String(answer).trim());
  if (!(gold >= 0 && gold < 4)) throw new RowProblem(`answer ${JSON.stringify(answer)} is neither 0-3 nor A-D`, "answer");
  const subject = typeof row.subject === "string" && row.subject !== "" ? row.subject : fallbackSubject;
  return { question: stringField(row, "question"), subject, choices: choices.map(String), gold, record: value };
}

/** A list written as JSON (`["a", "b"]`) or as Python / numpy print it (`['a' 'b']`, `['a', "b's"]`). */
function parseListLiteral(text: string): string[] {
  const trimmed = text.trim();
  if (!trimmed.startsWith("[") || !trimmed.endsWith("]"))
    throw new RowProblem(`expected a list of choices, found ${JSON.stringify(text.slice(0, 60))}`, "choices");
  const items: string[] = [];
  const body = trimmed.slice(1, -1);
  const quoted = /\s*,?\s*(['"])((?:\\.|(?!\1)[^\\])*)\1/gy;
  let match: RegExpExecArray | null;
  let end = 0;
  while ((match = quoted.exec(body))) {
    items.push(match[2]!.replace(/\\(.)/g, (_, ch: string) => ({ n: "\n", t: "\t" })[ch] ?? ch));
    end = quoted.lastIndex;
  }
  if (body.slice(end).replace(/[\s,]/g, "") !== "")
    throw new RowProblem(`cannot read the list of choices ${JSON.stringify(text.slice(0, 60))}`, "choices");
  return items;
}

function subjectFiles(dataPath: string): string[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dataPath).isDirectory();
  } catch {
    throw new BprofError("data file or folder not found", { file: dataPath });
  }
  if (!isDirectory) return [dataPath];
  const files = readdirSync(dataPath)
    .filter((name) => name.endsWith(".csv") || isRecordFile(name))
    .sort()
    .map((name) => join(dataPath, name));
  if (files.length === 0) throw new BprofError("no subject files (CSV, Parquet, Arrow, JSONL) in this folder", { file: dataPath });
  return files;
}

/** "high_school_world_history_test.csv" → "high_school_world_history". */
function subjectOf(file: string): string {
  return basename(file)
    .replace(/\.[^.]+$/, "")
    .replace(/_(test|dev|val)$/, "");
}
