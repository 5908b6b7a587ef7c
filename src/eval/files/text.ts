import { readFileSync, statSync } from "node:fs";
import { BprofError } from "../../errors.js";

/**
 * Read a data file as text. Authors' files come with a UTF-8 byte-order mark (TruthfulQA's
 * CSV) or without a final newline (BBH, many MMLU CSVs); the BOM is dropped here so that no
 * reader sees it as part of the first field.
 */
export function readDataText(path: string): string {
  let text: string;
  try {
    if (statSync(path).isDirectory()) throw new BprofError("expected a file, found a directory", { file: path });
    text = readFileSync(path, "utf8");
  } catch (err) {
    if (err instanceof BprofError) throw err;
    throw new BprofError(`cannot read data file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { file: path });
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
