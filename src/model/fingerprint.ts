import { createHash } from "node:crypto";
import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
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
      for (let got; (got = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, got));
    } finally {
      closeSync(fd);
    }
  }
  return hash.digest("hex");
}

export function sha256Text(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
