import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { BprofError } from "../errors.js";
import { sha256Hex } from "../util/hash.js";
import { itemLineNumbers, loadProbeSplit, probeSplitPath } from "./load.js";
import { ProbeManifestSchema, PROBE_SPLITS, probeContentKey, type ProbeItem, type ProbeSplit } from "./schema.js";
import { describeZodIssue } from "../util/schema.js";

export interface AbilityProbeSummary {
  ability: string;
  counts: Partial<Record<ProbeSplit, number>>;
  /** Share of items whose gold is option 1, 2, 3, 4 (over all loaded splits). */
  goldShares: number[];
  /** Share of the test split marked meta.heldOut. */
  heldOutTestShare: number | null;
}

export interface ProbeValidation {
  dir: string;
  abilities: AbilityProbeSummary[];
  /** Each problem starts with file[:line] so it can be found. Empty means valid. */
  problems: string[];
}

/**
 * Check a probe directory (<dir>/<ability>/{train,dev,test}.jsonl, optional manifest.json):
 * the schema of every line, ids unique across splits, no item repeated within or across
 * splits, the gold among the options, gold positions balanced, and the manifest's counts
 * and hashes. It collects every problem instead of stopping at the first.
 */
export function validateProbeDir(dir: string): ProbeValidation {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BprofError("probe directory not found", { file: dir });
  const problems: string[] = [];
  const abilityDirs = readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort();
  if (abilityDirs.length === 0) problems.push(`${dir}: no ability directories`);
  const abilities = abilityDirs.map((ability) => validateAbility(dir, ability, problems));
  checkManifest(dir, abilityDirs, problems);
  return { dir, abilities, problems };
}

function validateAbility(dir: string, ability: string, problems: string[]): AbilityProbeSummary {
  const loaded: Partial<Record<ProbeSplit, ProbeItem[]>> = {};
  for (const split of PROBE_SPLITS) {
    const file = probeSplitPath(dir, ability, split);
    if (!existsSync(file)) {
      problems.push(`${file}: missing split file`);
      continue;
    }
    try {
      loaded[split] = loadProbeSplit(dir, ability, split);
    } catch (err) {
      if (!(err instanceof BprofError)) throw err;
      problems.push(err.message);
    }
  }

  const idPlace = new Map<string, string>();
  const contentPlace = new Map<string, string>();
  for (const split of PROBE_SPLITS) {
    const items = loaded[split];
    if (!items) continue;
    const file = probeSplitPath(dir, ability, split);
    const lines = itemLineNumbers(file);
    items.forEach((item, i) => {
      const place = () => `${file}:${lines[i]}`;
      const otherId = idPlace.get(item.id);
      if (otherId !== undefined) problems.push(`${place()}: field 'id': duplicate id ${JSON.stringify(item.id)}, also at ${otherId}`);
      else idPlace.set(item.id, place());
      const key = probeContentKey(item);
      const otherContent = contentPlace.get(key);
      if (otherContent !== undefined) {
        const kind = otherContent.startsWith(`${file}:`) ? "duplicate item" : "item leaks across splits";
        problems.push(`${place()}: ${kind}: same context, question and answer as ${otherContent}`);
      } else contentPlace.set(key, place());
    });
    checkGoldBalance(file, items, problems);
  }

  const all = PROBE_SPLITS.flatMap((split) => loaded[split] ?? []);
  const test = loaded.test;
  return {
    ability,
    counts: Object.fromEntries(PROBE_SPLITS.filter((s) => loaded[s]).map((s) => [s, loaded[s]?.length ?? 0])),
    goldShares: goldPositionShares(all).actual,
    heldOutTestShare: test ? test.filter((item) => item.meta?.heldOut === true).length / test.length : null,
  };
}

/** Actual share of gold at each position, and the share expected if gold were placed uniformly. */
export function goldPositionShares(items: readonly ProbeItem[]): { actual: number[]; expected: number[] } {
  const width = Math.max(0, ...items.map((item) => item.options.length));
  const actual = new Array<number>(width).fill(0);
  const expected = new Array<number>(width).fill(0);
  for (const item of items) {
    actual[item.options.indexOf(item.answer)]! += 1 / items.length;
    for (let p = 0; p < item.options.length; p++) expected[p]! += 1 / item.options.length / items.length;
  }
  return { actual, expected };
}

function checkGoldBalance(file: string, items: readonly ProbeItem[], problems: string[]): void {
  const { actual, expected } = goldPositionShares(items);
  // Small hand-written files cannot be exactly balanced; the tolerance shrinks with size.
  const tolerance = Math.max(0.05, 1.5 / Math.sqrt(items.length));
  actual.forEach((share, p) => {
    const want = expected[p] as number;
    if (Math.abs(share - want) > tolerance) {
      problems.push(
        `${file}: gold answer is option ${p + 1} in ${(100 * share).toFixed(1)}% of items, expected ${(100 * want).toFixed(1)}% ± ${(100 * tolerance).toFixed(1)}%`,
      );
    }
  });
}

function checkManifest(dir: string, abilityDirs: string[], problems: string[]): void {
  const file = join(dir, "manifest.json");
  if (!existsSync(file)) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    problems.push(`${file}: malformed JSON (${(err as Error).message})`);
    return;
  }
  const result = ProbeManifestSchema.safeParse(parsed);
  if (!result.success) {
    const { field, message } = describeZodIssue(result.error, parsed);
    problems.push(`${file}: field '${field ?? ""}': ${message}`);
    return;
  }
  const listed = Object.keys(result.data.abilities).sort();
  for (const ability of abilityDirs) if (!listed.includes(ability)) problems.push(`${file}: ability ${ability} is not listed`);
  for (const [ability, entry] of Object.entries(result.data.abilities)) {
    for (const split of PROBE_SPLITS) {
      const path = join(dir, entry[split].file);
      if (!existsSync(path)) {
        problems.push(`${file}: field 'abilities.${ability}.${split}': ${entry[split].file} does not exist`);
        continue;
      }
      const content = readFileSync(path, "utf8");
      const count = content.split("\n").filter((line) => line.trim() !== "").length;
      if (count !== entry[split].items) problems.push(`${path}: has ${count} items, manifest says ${entry[split].items}`);
      if (sha256Hex(content) !== entry[split].sha256) problems.push(`${path}: sha256 differs from the manifest (edited after generation?)`);
    }
  }
}

/** The summary table `bprof probes validate` prints. */
export function formatProbeSummary(validation: ProbeValidation): string {
  const header = ["ability", "train", "dev", "test", "gold position shares %", "held-out test %"];
  const rows = validation.abilities.map((a) => [
    a.ability,
    String(a.counts.train ?? "-"),
    String(a.counts.dev ?? "-"),
    String(a.counts.test ?? "-"),
    a.goldShares.map((s) => (100 * s).toFixed(1)).join(" / "),
    a.heldOutTestShare === null ? "-" : (100 * a.heldOutTestShare).toFixed(1),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
