import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { sha256Hex } from "../util/hash.js";

/**
 * The checksums a finished stage records of its own files, so a stage edited by hand or
 * damaged on disk (a samples.jsonl changed, a score file truncated) is recognised and
 * recomputed instead of silently feeding the profile. Paths are relative to the stage
 * directory with '/' separators; the marker (stage.json), written last, is not among them.
 */
const MARKER = "stage.json";

export function stageChecksums(dir: string): Record<string, string> {
  const sums: Record<string, string> = {};
  for (const file of filesUnder(dir)) {
    const rel = relative(dir, file).split("\\").join("/");
    if (rel === MARKER) continue;
    sums[rel] = sha256File(file);
  }
  return sums;
}

/** The first recorded file that is missing or differs (relative path), or null when all match. */
export function checkStageFiles(dir: string, recorded: Record<string, string>): string | null {
  for (const [rel, sum] of Object.entries(recorded).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const file = join(dir, rel);
    if (!existsSync(file) || sha256File(file) !== sum) return rel;
  }
  return null;
}

function sha256File(file: string): string {
  return sha256Hex(readFileSync(file));
}

function filesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}
