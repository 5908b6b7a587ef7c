import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BprofError } from "../errors.js";
import type { EvalItem } from "../eval/items.js";
import { writeFileAtomic } from "../io/atomic-write.js";
import type { ItemScores } from "./build-profile.js";

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

/**
 * `items.jsonl` of a base evaluation: per item the prompt the model saw and the gold answer's
 * text, for the ability slices. Written with the base evaluation (evaluation-stage.ts);
 * undefined for a stage written before it existed (the slices then carry ids only).
 */
export const ITEM_TEXTS = "items.jsonl";

export function readItemTexts(evaluationDir: string): Map<string, { prompt: string; answer: string }> | undefined {
  const file = join(evaluationDir, ITEM_TEXTS);
  if (!existsSync(file)) return undefined;
  const texts = new Map<string, { prompt: string; answer: string }>();
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((line, i) => {
      if (line.trim() === "") return;
      let row: { id?: unknown; prompt?: unknown; answer?: unknown };
      try {
        row = JSON.parse(line) as typeof row;
      } catch (err) {
        throw new BprofError(`malformed JSON (${(err as Error).message})`, { file, line: i + 1 });
      }
      if (typeof row.id !== "string" || typeof row.prompt !== "string" || typeof row.answer !== "string") {
        throw new BprofError("an item needs string id, prompt and answer", { file, line: i + 1 });
      }
      texts.set(row.id, { prompt: row.prompt, answer: row.answer });
    });
  return texts;
}

/** The items.jsonl text of rendered benchmark items. */
export function itemTextsJsonl(items: readonly EvalItem[]): string {
  return items
    .map((item) => {
      const prompt = item.task === "multiple_choice" ? item.context : item.prompt;
      const answer = item.task === "multiple_choice" ? (item.choices[item.gold] ?? "") : item.target;
      return JSON.stringify({ id: item.id, prompt, answer }) + "\n";
    })
    .join("");
}

export function writeItemTexts(evaluationDir: string, items: readonly EvalItem[]): void {
  writeFileAtomic(join(evaluationDir, ITEM_TEXTS), itemTextsJsonl(items));
}
