import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BprofError } from "../errors.js";
import type { ItemScores } from "../stats/compute-profile.js";

/**
 * The per-item scores of one stored evaluation, read back from its samples.jsonl (the log
 * `bprof eval` writes too): every AIS of a profile is computed from these files, so anyone can
 * recompute it from the run directory.
 */
export function readItemScores(evaluationDir: string, metric: string): ItemScores {
  const file = join(evaluationDir, "samples.jsonl");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new BprofError(`cannot read the per-item log (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { file });
  }
  const ids: string[] = [];
  const values: number[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let sample: { id?: unknown; scores?: Record<string, unknown> };
    try {
      sample = JSON.parse(line) as typeof sample;
    } catch (err) {
      throw new BprofError(`malformed JSON (${(err as Error).message})`, { file, line: i + 1 });
    }
    const value = sample.scores?.[metric];
    if (typeof sample.id !== "string" || typeof value !== "number") {
      throw new BprofError(`a sample needs a string id and a numeric scores.${metric}`, { file, line: i + 1, field: `scores.${metric}` });
    }
    ids.push(sample.id);
    values.push(value);
  });
  return { ids, values };
}
