import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The benchmarks/ folder shipped with bprof, found by walking up from this file to the
 * package root (the same walk works from src/ under tsx and from dist/ when built).
 */
export function shippedBenchmarksDir(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("bprof's package root was not found above " + import.meta.dirname);
    dir = parent;
  }
  return join(dir, "benchmarks");
}

/** Every spec (*.yaml) under a folder, sub-folders included, sorted; data folders are skipped. */
export function findSpecFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "data") found.push(...findSpecFiles(path));
    else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) found.push(path);
  }
  return found.sort();
}
