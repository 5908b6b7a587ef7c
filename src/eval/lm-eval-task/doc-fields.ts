import { BprofError } from "../../errors.js";
import { RowProblem } from "../bad-rows.js";
import { builtinFunction, type BuiltinFunction } from "./builtin-functions.js";
import type { FunctionRef, LmEvalTaskConfig } from "./config.js";
import { compileJinja, evaluateJinja, JinjaError, renderJinja } from "./jinja.js";
import type { KeyLocation } from "./task-file.js";

type Doc = Record<string, unknown>;

/**
 * A task's doc_to_text / doc_to_target / doc_to_choice / description / process_docs as
 * functions of a doc, with lm-eval's rules (lm_eval/api/task.py ConfigurableTask):
 * - a string naming a field of the doc is that field; any other string is a Jinja template;
 * - doc_to_text and doc_to_target: a rendered template of digits becomes an integer when the
 *   task has choices (an index), a rendered "[…]" target a list; an integer is a literal;
 * - doc_to_choice: a field, a template whose value is a list, a literal list, or a dict's values;
 * - `!function` references: the built-ins of builtin-functions.ts.
 */
export interface DocFields {
  processDocs?: (doc: Doc) => Doc;
  text(doc: Doc): string | number;
  target(doc: Doc): unknown;
  /** null for tasks without choices (generation). */
  choices(doc: Doc): string[] | null;
  description(doc: Doc): string;
}

export function docFields(config: LmEvalTaskConfig, locations: Record<string, KeyLocation>): DocFields {
  const where = (key: string) => ({ file: locations[key]?.file, line: locations[key]?.line, field: key });
  const builtin = (ref: FunctionRef, key: string): BuiltinFunction => builtinFunction(ref, key, config.task);
  const hasChoices = config.doc_to_choice !== undefined && config.doc_to_choice !== null;
  const template = (key: string, source: string) => {
    try {
      compileJinja(source);
    } catch (err) {
      throw new BprofError((err as Error).message, where(key));
    }
  };
  // Render with the task file's key named, so a failing row says which template failed.
  const render = (key: string, source: string, doc: Doc): string => {
    try {
      return renderJinja(source, doc);
    } catch (err) {
      if (err instanceof JinjaError) throw new RowProblem(`${err.message} (${describe(where(key))})`, key);
      throw err;
    }
  };

  const field = (key: "doc_to_text" | "doc_to_target", value: LmEvalTaskConfig["doc_to_text"]): ((doc: Doc) => unknown) => {
    if (value === undefined)
      return () => {
        throw new RowProblem(`the task has no ${key}`, key);
      };
    if (typeof value === "number") return () => value;
    if (typeof value === "object") {
      const fn = builtin(value, key);
      return (doc) => (fn as { apply: (doc: Doc) => unknown }).apply(doc);
    }
    template(key, value);
    return (doc) => {
      if (value in doc) return doc[value];
      const text = render(key, value, doc);
      if (hasChoices && /^\d+$/.test(text)) return Number(text);
      if (key === "doc_to_target" && text.length >= 2 && text.startsWith("[") && text.endsWith("]")) {
        try {
          return JSON.parse(text);
        } catch {
          return text;
        }
      }
      return text;
    };
  };

  const text = field("doc_to_text", config.doc_to_text);
  const target = field("doc_to_target", config.doc_to_target);
  const choices = choiceField(config, where, builtin, template, render);
  const description = config.description;
  if (description.includes("{")) template("description", description);
  const processDocs = config.process_docs ? builtin(config.process_docs, "process_docs") : undefined;

  return {
    ...(processDocs ? { processDocs: (processDocs as { apply: (doc: Doc) => Doc }).apply } : {}),
    text(doc) {
      const value = text(doc);
      if (typeof value === "number" || typeof value === "string") return value;
      throw new RowProblem(`doc_to_text gave ${JSON.stringify(value)}, neither text nor an index`, "doc_to_text");
    },
    target,
    choices,
    description: (doc) => (description.includes("{") ? render("description", description, doc) : description),
  };
}

function choiceField(
  config: LmEvalTaskConfig,
  where: (key: string) => { file?: string; line?: number; field: string },
  builtin: (ref: FunctionRef, key: string) => BuiltinFunction,
  template: (key: string, source: string) => void,
  render: (key: string, source: string, doc: Doc) => string,
): (doc: Doc) => string[] | null {
  const value = config.doc_to_choice;
  if (value === undefined || value === null) return () => null;
  const asList = (list: unknown): string[] => {
    if (!Array.isArray(list) || list.length < 1)
      throw new RowProblem(`doc_to_choice gave ${JSON.stringify(list)?.slice(0, 80)}, not a list of choices`, "doc_to_choice");
    return list.map((choice) => (typeof choice === "string" ? choice : String(choice)));
  };
  if (Array.isArray(value)) {
    value.forEach((choice) => typeof choice === "string" && template("doc_to_choice", choice));
    return (doc) => value.map((choice) => (typeof choice === "string" ? render("doc_to_choice", choice, doc) : String(choice)));
  }
  if (typeof value === "object" && "function" in value) {
    const fn = builtin(value as FunctionRef, "doc_to_choice") as { apply: (doc: Doc) => unknown };
    return (doc) => asList(fn.apply(doc));
  }
  if (typeof value === "object") return () => Object.values(value as Record<string, string>);
  template("doc_to_choice", value);
  return (doc) => {
    if (value in doc) return asList(doc[value]);
    try {
      return asList(evaluateJinja(value, doc));
    } catch (err) {
      if (err instanceof JinjaError) throw new RowProblem(`${err.message} (${describe(where("doc_to_choice"))})`, "doc_to_choice");
      throw err;
    }
  };
}

function describe(where: { file?: string; line?: number; field: string }): string {
  return `${where.field} in ${where.file ?? "?"}${where.line !== undefined ? `:${where.line}` : ""}`;
}
