import { basename, extname } from "node:path";
import { BprofError } from "../../errors.js";
import { RowProblem, type BadRows } from "../bad-rows.js";
import { readCsv } from "../files/csv.js";
import { readJson } from "../files/json.js";
import { readJsonl } from "../files/jsonl.js";
import type { BenchmarkDoc, DocSource } from "../items.js";
import type { BenchmarkSpec, GenericTemplate } from "../spec.js";
import { lookupField, MissingFieldError, renderTemplate } from "../template.js";
import type { BenchmarkAdapter } from "./adapter.js";

interface SourcedRow {
  where: DocSource;
  index: number;
  value: unknown;
}

/**
 * Any JSONL, CSV or JSON file whose rows the spec's `template` maps to a doc: `query` (the
 * prompt), `choices` (a field holding a list, or one template per choice) and `gold`, or
 * `target` for generation. See template.ts for the `{{field}}` syntax.
 */
export const genericAdapter: BenchmarkAdapter = {
  name: "generic",
  task: null,
  load(dataPath, { loaded, badRows }) {
    const { spec } = loaded;
    const template = spec.template!;
    const docs: BenchmarkDoc[] = [];
    for (const { where, index, value } of readRows(dataPath, spec, badRows)) {
      const doc = badRows.row(where, (): BenchmarkDoc => {
        const id = template.id ? renderTemplate(template.id, value) : `${basename(dataPath)}:${where.line ?? index}`;
        const query = renderTemplate(template.query, value);
        const group = template.group ? renderTemplate(template.group, value) : undefined;
        if (spec.task === "generate_until") {
          if (!template.target) throw new RowProblem("generation needs template.target");
          return { task: "generate_until", id, query, target: renderTemplate(template.target, value), group, source: where };
        }
        const choices = renderChoices(template, value);
        return { task: "multiple_choice", id, query, choices, gold: resolveGold(template, value, choices), group, source: where };
      });
      if (doc) docs.push(doc);
    }
    return docs;
  },
};

function readRows(dataPath: string, spec: BenchmarkSpec, badRows: BadRows): SourcedRow[] {
  const format = spec.format ?? formatOf(dataPath);
  if (format === "jsonl") {
    return readJsonl(dataPath, badRows).map(({ line, ordinal, value }) => ({ where: { file: dataPath, line }, index: ordinal, value }));
  }
  if (format === "json") {
    const data = readJson(dataPath);
    const list = Array.isArray(data) ? data : (data as { examples?: unknown } | null)?.examples;
    if (!Array.isArray(list)) throw new BprofError('expected a JSON list of rows (or {"examples": [...]})', { file: dataPath });
    return list.map((value, index) => ({ where: { file: dataPath, field: String(index) }, index, value }));
  }
  const records = readCsv(dataPath);
  const header = spec.csv_columns ?? records.shift()?.fields.map((name) => name.trim());
  if (!header) return [];
  const rows: SourcedRow[] = [];
  records.forEach(({ line, fields }, index) => {
    const row = badRows.row({ file: dataPath, line }, () => {
      if (fields.length !== header.length)
        throw new RowProblem(`expected ${header.length} columns (${header.join(", ")}), found ${fields.length}`);
      return Object.fromEntries(header.map((name, i) => [name, fields[i]]));
    });
    if (row) rows.push({ where: { file: dataPath, line }, index, value: row });
  });
  return rows;
}

function formatOf(path: string): "jsonl" | "csv" | "json" {
  const ext = extname(path).toLowerCase();
  if (ext === ".jsonl") return "jsonl";
  if (ext === ".csv") return "csv";
  if (ext === ".json") return "json";
  throw new BprofError(`cannot tell the format from the extension '${ext}'; set 'format' in the spec`, { file: path });
}

function renderChoices(template: GenericTemplate, row: unknown): string[] {
  if (template.choices === undefined) throw new RowProblem("multiple choice needs template.choices");
  if (Array.isArray(template.choices)) return template.choices.map((choice) => renderTemplate(choice, row));
  const value = lookupField(row, template.choices);
  if (value === undefined || value === null) throw new MissingFieldError(template.choices);
  if (!Array.isArray(value) || value.length < 2 || !value.every((v) => typeof v === "string" || typeof v === "number")) {
    throw new RowProblem("expected a list of at least 2 choices", template.choices);
  }
  return value.map(String);
}

/**
 * The gold answer as an index: through gold_labels when the spec gives them ("A".."D"),
 * else an integer index in range, else the text of one of the choices.
 */
function resolveGold(template: GenericTemplate, row: unknown, choices: string[]): number {
  if (!template.gold) throw new RowProblem("multiple choice needs template.gold");
  const gold = renderTemplate(template.gold, row).trim();
  if (gold === "") throw new RowProblem("the gold answer is empty", "gold");
  if (template.gold_labels) {
    const index = template.gold_labels.indexOf(gold);
    if (index < 0 || index >= choices.length)
      throw new RowProblem(`gold '${gold}' is not among the labels ${template.gold_labels.slice(0, choices.length).join(", ")}`, "gold");
    return index;
  }
  if (/^\d+$/.test(gold) && Number(gold) < choices.length) return Number(gold);
  const index = choices.indexOf(gold);
  if (index < 0)
    throw new RowProblem(`gold '${gold}' is not among the choices (neither an index below ${choices.length} nor a choice's text)`, "gold");
  return index;
}
