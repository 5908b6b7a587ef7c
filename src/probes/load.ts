import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BprofError } from "../errors.js";
import { PROBE_SPLITS, ProbeItemSchema, type ProbeItem, type ProbeSplit } from "./schema.js";
import { parseWithSchema } from "../util/schema.js";
import { decodeUtf8 } from "../util/read-utf8.js";

/**
 * Parse a probe JSONL text. Every failure is a BprofError naming the file, the 1-based line
 * and the field, so a user can fix a hand-written file without guessing. Blank lines are
 * allowed (a trailing newline is normal); an empty file is an error, not an empty set.
 */
export function parseProbeJsonl(text: string, file: string, expectedAbility?: string): ProbeItem[] {
  const items: ProbeItem[] = [];
  const firstLineOfId = new Map<string, number>();
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const raw = (lines[index] as string).replace(/\r$/, "");
    if (raw.trim() === "") continue;
    const line = index + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (err) {
      throw new BprofError(`malformed JSON (${(err as Error).message})`, { file, line });
    }
    const item = parseWithSchema(ProbeItemSchema, parsed, { file, line });
    if (new Set(item.options).size !== item.options.length) {
      throw new BprofError("options must be distinct, or the gold answer is ambiguous", { file, line, field: "options" });
    }
    if (!item.options.includes(item.answer)) {
      throw new BprofError(`answer ${JSON.stringify(item.answer)} is not one of the options`, { file, line, field: "answer" });
    }
    if (expectedAbility !== undefined && item.ability !== expectedAbility) {
      throw new BprofError(`ability is ${JSON.stringify(item.ability)} but the file belongs to ${JSON.stringify(expectedAbility)}`, {
        file,
        line,
        field: "ability",
      });
    }
    const earlier = firstLineOfId.get(item.id);
    if (earlier !== undefined) {
      throw new BprofError(`duplicate id ${JSON.stringify(item.id)} (first used on line ${earlier})`, { file, line, field: "id" });
    }
    firstLineOfId.set(item.id, line);
    items.push(item);
  }
  if (items.length === 0) throw new BprofError("probe file is empty", { file, line: 1 });
  return items;
}

export function loadProbeFile(file: string, expectedAbility?: string): ProbeItem[] {
  if (!existsSync(file)) throw new BprofError("probe file not found", { file });
  return parseProbeJsonl(decodeUtf8(readFileSync(file), file), file, expectedAbility);
}

export function probeSplitPath(dir: string, ability: string, split: ProbeSplit): string {
  return join(dir, ability, `${split}.jsonl`);
}

/** One split of one ability from a probe directory laid out as <dir>/<ability>/<split>.jsonl. */
export function loadProbeSplit(dir: string, ability: string, split: ProbeSplit): ProbeItem[] {
  return loadProbeFile(probeSplitPath(dir, ability, split), ability);
}

/** All three splits of one ability; an id may not appear in two splits. */
export function loadProbeSet(dir: string, ability: string): Record<ProbeSplit, ProbeItem[]> {
  const set = {} as Record<ProbeSplit, ProbeItem[]>;
  const seen = new Map<string, string>();
  for (const split of PROBE_SPLITS) {
    const file = probeSplitPath(dir, ability, split);
    const items = loadProbeFile(file, ability);
    const lines = itemLineNumbers(file);
    items.forEach((item, i) => {
      const other = seen.get(item.id);
      if (other !== undefined) {
        throw new BprofError(`duplicate id ${JSON.stringify(item.id)}, also in ${other}`, { file, line: lines[i], field: "id" });
      }
      seen.set(item.id, split);
    });
    set[split] = items;
  }
  return set;
}

/** The 1-based line number of each item (items are the non-blank lines, in order). */
export function itemLineNumbers(file: string): number[] {
  const lines: number[] = [];
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((text, i) => {
      if (text.trim() !== "") lines.push(i + 1);
    });
  return lines;
}
