import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { BprofError } from "../../errors.js";
import { cleanHellaswagText, pythonCapitalize } from "../adapters/hellaswag.js";
import { RowProblem } from "../bad-rows.js";
import type { FunctionRef } from "./config.js";

/**
 * Built-in equivalents of the Python functions that lm-eval's common task files name with
 * `!function` (bprof runs no Python). Each is lm-eval's own definition, written again, and is
 * found by the task it belongs to: the task's name or the folder of its file (lm_eval/tasks/
 * <folder>/) must be the built-in's family, and the function must be defined in the module
 * file next to the task, when that file is there. Any other reference is refused.
 */
type Doc = Record<string, unknown>;

export type BuiltinFunction =
  | { kind: "process_docs"; apply: (doc: Doc) => Doc }
  | { kind: "doc_to_text" | "doc_to_target" | "doc_to_choice"; apply: (doc: Doc) => unknown }
  /** process_results: a metric bprof computes itself (TruthfulQA MC2). */
  | { kind: "process_results"; metric: "mc2" };

interface BuiltinEntry {
  families: string[];
  ref: string;
  fn: BuiltinFunction;
}

function text(doc: Doc, field: string): string {
  const value = doc[field];
  if (typeof value !== "string")
    throw new RowProblem(value === undefined ? `missing field '${field}'` : `expected a string, found ${JSON.stringify(value)}`, field);
  return value;
}

function blank(doc: Doc): { sentence: string; at: number } {
  const sentence = text(doc, "sentence");
  const at = sentence.indexOf("_");
  if (at < 0) throw new RowProblem("the sentence has no blank '_'", "sentence");
  return { sentence, at };
}

const BUILTINS: BuiltinEntry[] = [
  {
    // lm_eval/tasks/hellaswag/utils.py process_docs
    families: ["hellaswag"],
    ref: "utils.process_docs",
    fn: {
      kind: "process_docs",
      apply: (doc) => {
        const ctx = `${text(doc, "ctx_a")} ${pythonCapitalize(text(doc, "ctx_b"))}`;
        const endings = doc.endings;
        if (!Array.isArray(endings) || !endings.every((e) => typeof e === "string"))
          throw new RowProblem("expected a list of strings", "endings");
        const label = /^\s*\d+\s*$/.test(String(doc.label)) ? Number(doc.label) : NaN;
        if (!Number.isInteger(label)) throw new RowProblem(`label ${JSON.stringify(doc.label)} is not an integer`, "label");
        return {
          ...doc,
          query: cleanHellaswagText(`${text(doc, "activity_label")}: ${ctx}`),
          choices: endings.map(cleanHellaswagText),
          gold: label,
        };
      },
    },
  },
  {
    // lm_eval/tasks/winogrande/preprocess_winogrande.py: the option filling the blank is the
    // context (partial evaluation), so doc_to_text returns the gold index.
    families: ["winogrande"],
    ref: "preprocess_winogrande.doc_to_text",
    fn: {
      kind: "doc_to_text",
      apply: (doc) => {
        const answer = String(doc.answer);
        if (answer !== "1" && answer !== "2") throw new RowProblem(`answer ${JSON.stringify(doc.answer)} is not "1" or "2"`, "answer");
        return answer === "1" ? 0 : 1;
      },
    },
  },
  {
    families: ["winogrande"],
    ref: "preprocess_winogrande.doc_to_target",
    fn: {
      kind: "doc_to_target",
      apply: (doc) => {
        const { sentence, at } = blank(doc);
        return sentence.slice(at + 1).trim();
      },
    },
  },
  {
    families: ["winogrande"],
    ref: "preprocess_winogrande.doc_to_choice",
    fn: {
      kind: "doc_to_choice",
      apply: (doc) => {
        const { sentence, at } = blank(doc);
        return [sentence.slice(0, at) + text(doc, "option1"), sentence.slice(0, at) + text(doc, "option2")];
      },
    },
  },
  {
    // lm_eval/tasks/truthfulqa/utils.py process_results_mc2: probability mass on the true answers.
    families: ["truthfulqa", "truthfulqa_mc2"],
    ref: "utils.process_results_mc2",
    fn: { kind: "process_results", metric: "mc2" },
  },
];

export const BUILTIN_NAMES = BUILTINS.map((b) => `${b.families[0]}: ${b.ref}`);

/** The built-in for a `!function` reference in a task's config key, or a BprofError naming file, line and function. */
export function builtinFunction(ref: FunctionRef, key: string, taskName: string): BuiltinFunction {
  const folder = basename(dirname(ref.file));
  const entry = BUILTINS.find((b) => b.ref === ref.function && (b.families.includes(taskName) || b.families.includes(folder)));
  const where = { file: ref.file, line: ref.line, field: key };
  if (!entry) {
    throw new BprofError(
      `!function ${ref.function} is Python code, which bprof does not run; built-in equivalents exist for ${BUILTIN_NAMES.join(", ")}`,
      where,
    );
  }
  if (entry.fn.kind !== key) throw new BprofError(`!function ${ref.function} is a ${entry.fn.kind} function, not ${key}`, where);
  const dot = ref.function.lastIndexOf(".");
  const module = join(dirname(ref.file), `${ref.function.slice(0, dot)}.py`);
  const name = ref.function.slice(dot + 1);
  if (existsSync(module) && !new RegExp(`^def ${name}\\(`, "m").test(readFileSync(module, "utf8"))) {
    throw new BprofError(`!function ${ref.function}: ${module} defines no function '${name}'`, where);
  }
  return entry.fn;
}
