import { readdirSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../util/package-root.js";

/** The benchmarks/ folder shipped with bprof. */
export function shippedBenchmarksDir(): string {
  return join(packageRoot(), "benchmarks");
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
