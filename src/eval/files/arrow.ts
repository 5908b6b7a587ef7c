import { readFileSync } from "node:fs";
import { tableFromIPC, Vector, type Table } from "apache-arrow";
import { BprofError } from "../../errors.js";
import { plainValue } from "./plain-value.js";

/**
 * Arrow IPC files as the `datasets` library caches a split (`<builder>-<split>.arrow`, the
 * IPC *stream* format) or as `pyarrow.ipc.new_file` writes them (the file format), read into
 * one plain object per row like readParquetRows.
 *
 * A stream cut short is still a valid prefix to an Arrow reader, which would quietly return
 * fewer rows; the writers always end with a marker (stream: 0xFFFFFFFF then a zero length;
 * file: "ARROW1"), so a file without it is refused as truncated.
 */
export function readArrowRows(path: string): Record<string, unknown>[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new BprofError(`cannot read data file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { file: path });
  }
  if (!endsComplete(bytes)) throw new BprofError("the Arrow file is cut short (no end-of-stream marker)", { file: path });
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (err) {
    throw new BprofError(`not a readable Arrow IPC file (${(err as Error).message})`, { file: path });
  }
  const names = table.schema.fields.map((field) => field.name);
  const columns = names.map((name) => table.getChild(name)!);
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const row: Record<string, unknown> = {};
    names.forEach((name, c) => (row[name] = arrowValue(columns[c]!.get(i))));
    rows.push(row);
  }
  return rows;
}

function endsComplete(bytes: Buffer): boolean {
  if (bytes.length >= 12 && bytes.subarray(0, 6).toString("latin1") === "ARROW1") {
    return bytes.subarray(bytes.length - 6).toString("latin1") === "ARROW1";
  }
  if (bytes.length < 8) return false;
  const tail = bytes.subarray(bytes.length - 8);
  // Current streams end with continuation 0xFFFFFFFF + length 0; pre-0.15 streams with length 0 alone.
  return tail.readUInt32LE(4) === 0 && (tail.readUInt32LE(0) === 0xffffffff || tail.readUInt32LE(0) === 0);
}

/** Arrow's row values (Vector for lists, StructRow proxies for structs) as plain values. */
function arrowValue(value: unknown): unknown {
  if (value instanceof Vector) return Array.from(value as Vector, arrowValue);
  if (
    value !== null &&
    typeof value === "object" &&
    !ArrayBuffer.isView(value) &&
    typeof (value as { toJSON?: unknown }).toJSON === "function"
  ) {
    const object = (value as { toJSON(): Record<string, unknown> }).toJSON();
    return Object.fromEntries(Object.entries(object).map(([key, v]) => [key, arrowValue(v)]));
  }
  return plainValue(value);
}
