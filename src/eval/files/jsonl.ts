import { BprofError } from "../../errors.js";
import type { BadRows } from "../bad-rows.js";
import { readDataText } from "./text.js";

export interface JsonlRow {
  /** 1-based line number in the file, for error messages. */
  line: number;
  /** 0-based position among the file's non-blank lines: how line-aligned label files count. */
  ordinal: number;
  value: unknown;
}

/** Non-blank lines of a JSON-lines file, parsed; a line that is not JSON goes to badRows as file:line. */
export function readJsonl(path: string, badRows: BadRows): JsonlRow[] {
  const rows: JsonlRow[] = [];
  const lines = readDataText(path).split("\n");
  let ordinal = 0;
  lines.forEach((raw, index) => {
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (text.trim() === "") return;
    ordinal++;
    try {
      rows.push({ line: index + 1, ordinal: ordinal - 1, value: JSON.parse(text) });
    } catch (err) {
      badRows.report(new BprofError(`malformed JSON (${(err as Error).message})`, { file: path, line: index + 1 }));
    }
  });
  return rows;
}

/** How many rows a JSON-lines file has, malformed ones included: what line-aligned labels count. */
export function countJsonlLines(path: string): number {
  return readDataText(path)
    .split("\n")
    .filter((line) => line.trim() !== "").length;
}
