import { readFileSync, statSync } from "node:fs";
import { BprofError } from "../../errors.js";
import { decodeUtf8 } from "../../util/read-utf8.js";

/**
 * Read a data file as text. Authors' files come with a UTF-8 byte-order mark (TruthfulQA's
 * CSV) or without a final newline (BBH, many MMLU CSVs); the BOM is dropped here so that no
 * reader sees it as part of the first field. Bytes that are not UTF-8 are an error (read-utf8.ts).
 */
export function readDataText(path: string): string {
  let bytes: Buffer;
  try {
    if (statSync(path).isDirectory()) throw new BprofError("expected a file, found a directory", { file: path });
    bytes = readFileSync(path);
  } catch (err) {
    if (err instanceof BprofError) throw err;
    throw new BprofError(`cannot read data file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { file: path });
  }
  const text = decodeUtf8(bytes, path);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
