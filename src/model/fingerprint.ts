import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * sha256 of a model's checkpoint: the llama2.c file, or for a Hugging Face directory its
 * config.json and every *.safetensors file (names sorted; each name and its bytes hashed).
 * Streams, so an 8B checkpoint costs a read, not its size in memory.
 */
export function hashCheckpoint(path: string): string {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => f === "config.json" || f.endsWith(".safetensors"))
        .sort()
        .map((f) => join(path, f))
    : [path];
  const hash = createHash("sha256");
  const buffer = Buffer.allocUnsafe(1 << 22);
  for (const file of files) {
    hash.update(`${file.slice(file.lastIndexOf("/") + 1)}\0`);
    const fd = openSync(file, "r");
    try {
      for (let got; (got = readSync(fd, buffer, 0, buffer.length, null)) > 0;) hash.update(buffer.subarray(0, got));
    } finally {
      closeSync(fd);
    }
  }
  return hash.digest("hex");
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
