import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * Content hashes for the run store's keys. Objects are hashed with their keys sorted, so a
 * key depends on what the inputs are, never on the order a caller happened to build them in.
 */
export function hashOf(value: unknown): string {
  return createHash("sha256").update(stableJson(value), "utf8").digest("hex");
}

export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The files a tokenizer is read from: a tokenizer.bin, or a directory's tokenizer JSON files. */
const TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"];

/** sha256 over a tokenizer's files (name and bytes of each), wherever the model keeps it. */
export function hashTokenizer(path: string): string {
  const files = statSync(path).isDirectory() ? TOKENIZER_FILES.map((f) => join(path, f)).filter((f) => existsSync(f)) : [path];
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(`${file.slice(file.lastIndexOf("/") + 1)}\0`);
    hash.update(readFileSync(file));
  }
  return hash.digest("hex");
}
