import { extname } from "node:path";
import type { BadRows } from "../bad-rows.js";
import type { DocSource } from "../items.js";
import { readArrowRows } from "./arrow.js";
import { readJson } from "./json.js";
import { readJsonl } from "./jsonl.js";
import { readParquetRows } from "./parquet.js";
import { readDataText } from "./text.js";

/** One row of a data file, wherever it came from, and where to point a complaint about it. */
export interface DataRecord {
  where: DocSource;
  /** 0-based position among the file's rows (line-aligned label files count the same way). */
  ordinal: number;
  value: unknown;
}

export const RECORD_EXTENSIONS = [".jsonl", ".json", ".parquet", ".arrow"];

/** True for a file that holds one record per row: JSON lines, a JSON list, Parquet, Arrow. */
export function isRecordFile(path: string): boolean {
  return RECORD_EXTENSIONS.includes(extname(path).toLowerCase());
}

/**
 * The rows of a JSONL file (file:line per row; any extension but the ones below), a JSON list
 * (`.json` starting with "[", its index as the field; other `.json` files are JSON lines, as
 * `datasets`' to_json writes them), or a Parquet / Arrow file as the Hub and the `datasets`
 * cache store them (`row N`).
 */
export function readRecords(path: string, badRows: BadRows): DataRecord[] {
  const ext = extname(path).toLowerCase();
  if (ext === ".parquet" || ext === ".arrow") {
    const rows = ext === ".parquet" ? readParquetRows(path) : readArrowRows(path);
    return rows.map((value, ordinal) => ({ where: { file: path, field: `row ${ordinal}` }, ordinal, value }));
  }
  if (ext === ".json" && readDataText(path).trimStart().startsWith("[")) {
    const data = readJson(path) as unknown[];
    return data.map((value, ordinal) => ({ where: { file: path, field: String(ordinal) }, ordinal, value }));
  }
  return readJsonl(path, badRows).map(({ line, ordinal, value }) => ({ where: { file: path, line }, ordinal, value }));
}
