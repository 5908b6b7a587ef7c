import { extname } from "node:path";
import { BprofError } from "../../errors.js";
import type { BadRows } from "../bad-rows.js";
import type { DocSource } from "../items.js";
import { readArrowRows } from "./arrow.js";
import { readJson } from "./json.js";
import { readJsonl } from "./jsonl.js";
import { readParquetRows } from "./parquet.js";

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
 * The rows of a JSONL file (file:line per row), a JSON list (its index as the field),
 * or a Parquet / Arrow file as the Hub and the `datasets` cache store them (`row N`).
 */
export function readRecords(path: string, badRows: BadRows): DataRecord[] {
  const ext = extname(path).toLowerCase();
  if (ext === ".jsonl") return readJsonl(path, badRows).map(({ line, ordinal, value }) => ({ where: { file: path, line }, ordinal, value }));
  if (ext === ".parquet" || ext === ".arrow") {
    const rows = ext === ".parquet" ? readParquetRows(path) : readArrowRows(path);
    return rows.map((value, ordinal) => ({ where: { file: path, field: `row ${ordinal}` }, ordinal, value }));
  }
  if (ext === ".json") {
    const data = readJson(path);
    if (!Array.isArray(data)) throw new BprofError("expected a JSON list of rows", { file: path });
    return data.map((value, ordinal) => ({ where: { file: path, field: String(ordinal) }, ordinal, value }));
  }
  throw new BprofError(`cannot read rows from a '${ext}' file (known: ${RECORD_EXTENSIONS.join(", ")})`, { file: path });
}
