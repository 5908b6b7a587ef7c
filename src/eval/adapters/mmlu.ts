import { readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { BprofError } from "../../errors.js";
import { RowProblem } from "../bad-rows.js";
import { readCsv } from "../files/csv.js";
import type { MultipleChoiceDoc } from "../items.js";
import type { BenchmarkAdapter } from "./adapter.js";
import { labelIndex } from "./fields.js";

const LETTERS = ["A", "B", "C", "D"];

/**
 * MMLU as hendrycks/test distributes it: one header-less CSV per subject
 * (question, A, B, C, D, answer letter), in `test/`, `dev/` and `val/` folders. The data
 * path is one such CSV or a folder of them. The prompt is lm-eval's: a subject line, the
 * question with lettered options, "Answer:", and the letters themselves as the choices.
 * Few-shot examples come from the same subject (give `fewshot.source` the dev folder).
 */
export const mmluAdapter: BenchmarkAdapter = {
  name: "mmlu",
  task: "multiple_choice",
  load(dataPath, { badRows }) {
    const docs: MultipleChoiceDoc[] = [];
    for (const file of subjectFiles(dataPath)) {
      const subject = subjectOf(file);
      const description = `The following are multiple choice questions (with answers) about ${subject.replaceAll("_", " ")}.\n\n`;
      readCsv(file).forEach(({ line, fields }, index) => {
        const doc = badRows.row({ file, line }, (): MultipleChoiceDoc => {
          if (fields.length !== 6) throw new RowProblem(`expected 6 columns (question, A, B, C, D, answer), found ${fields.length}`);
          const [question, a, b, c, d, answer] = fields as [string, string, string, string, string, string];
          return {
            task: "multiple_choice",
            id: `${subject}/${index}`,
            query: `${question.trim()}\nA. ${a}\nB. ${b}\nC. ${c}\nD. ${d}\nAnswer:`,
            choices: LETTERS,
            gold: labelIndex(LETTERS, answer.trim(), "answer"),
            description,
            group: subject,
            source: { file, line },
          };
        });
        if (doc) docs.push(doc);
      });
    }
    return docs;
  },
};

function subjectFiles(dataPath: string): string[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dataPath).isDirectory();
  } catch {
    throw new BprofError("data file or folder not found", { file: dataPath });
  }
  if (!isDirectory) return [dataPath];
  const files = readdirSync(dataPath)
    .filter((name) => name.endsWith(".csv"))
    .sort()
    .map((name) => join(dataPath, name));
  if (files.length === 0) throw new BprofError("no subject CSV files in this folder", { file: dataPath });
  return files;
}

/** "high_school_world_history_test.csv" → "high_school_world_history". */
function subjectOf(file: string): string {
  return basename(file, ".csv").replace(/_(test|dev|val)$/, "");
}
