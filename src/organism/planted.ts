import { stringify } from "yaml";
import { BprofError } from "../errors.js";
import { loadProbeSplit } from "../probes/load.js";
import { Rng } from "../util/prng.js";
import type { ProbeItem } from "../probes/schema.js";
import { mcPrompt } from "./examples.js";

/**
 * Planted benchmarks: multiple-choice benchmarks whose make-up is known, built from the
 * abilities' held-out test items in set proportions. Profiling one should give back its
 * mixture (bprof validate). Items are scored lm-eval style: the query
 * `Context: …\nQuestion: …\nAnswer:` and each option as the continuation " {option}".
 */

export interface PlantedDefinition {
  name: string;
  /** What the mixture is meant to show, for the spec's comment. */
  about: string;
  /** Ability id → share; shares sum to 1. */
  mixture: Record<string, number>;
}

export const PLANTED_ITEMS = 200;

export const PLANTED_BENCHMARKS: readonly PlantedDefinition[] = [
  { name: "planted_deductive", about: "a single ability", mixture: { deductive: 1 } },
  { name: "planted_knowledge", about: "a single ability: recall of facts learnt from prose", mixture: { "knowledge-recall": 1 } },
  { name: "planted_quantitative_temporal", about: "an even two-way mixture", mixture: { quantitative: 0.5, temporal: 0.5 } },
  { name: "planted_context_semantic", about: "a 70/30 two-way mixture", mixture: { "contextual-recall": 0.7, "semantic-relations": 0.3 } },
  { name: "planted_causal_knowledge", about: "a 70/30 two-way mixture", mixture: { "commonsense-causal": 0.7, "knowledge-recall": 0.3 } },
  {
    name: "planted_spatial_inductive_analogical",
    about: "a 40/30/30 three-way mixture",
    mixture: { spatial: 0.4, inductive: 0.3, analogical: 0.3 },
  },
  { name: "planted_analogical_deductive", about: "an even two-way mixture", mixture: { analogical: 0.5, deductive: 0.5 } },
];

export interface PlantedRow {
  id: string;
  ability: string;
  /** The probe item it was made from (probes/<ability>/test.jsonl). */
  source_id: string;
  prompt: string;
  options: string[];
  label: string;
}

const LABELS = ["A", "B", "C", "D", "E", "F", "G", "H"];

/** How many items each ability gives: shares × total, rounded so the counts add up to `total` (largest remainders). */
export function mixtureCounts(mixture: Record<string, number>, total: number): Record<string, number> {
  const entries = Object.entries(mixture);
  const sum = entries.reduce((s, [, w]) => s + w, 0);
  if (Math.abs(sum - 1) > 1e-9) throw new Error(`mixture shares sum to ${sum}, not 1`);
  const exact = entries.map(([a, w]) => ({ a, exact: w * total, n: Math.floor(w * total) }));
  let left = total - exact.reduce((s, e) => s + e.n, 0);
  for (const e of [...exact].sort((x, y) => y.exact - y.n - (x.exact - x.n) || (x.a < y.a ? -1 : 1))) {
    if (left-- <= 0) break;
    e.n++;
  }
  return Object.fromEntries(exact.map((e) => [e.a, e.n]));
}

/** The rows of one planted benchmark: a seeded sample of each ability's test items, interleaved in a seeded order. */
export function plantedRows(definition: PlantedDefinition, probesDir: string, total = PLANTED_ITEMS): PlantedRow[] {
  const rng = new Rng(`planted:${definition.name}`);
  const rows: PlantedRow[] = [];
  for (const [ability, count] of Object.entries(mixtureCounts(definition.mixture, total))) {
    const test = loadProbeSplit(probesDir, ability, "test");
    if (test.length < count) {
      throw new BprofError(`planted benchmark ${definition.name} needs ${count} ${ability} test items, the split has ${test.length}`, {
        field: "mixture",
      });
    }
    for (const item of rng.sample(test, count)) rows.push(toRow(item));
  }
  return rng.shuffle(rows).map((row, i) => ({ ...row, id: `${definition.name}-${String(i + 1).padStart(4, "0")}` }));
}

function toRow(item: ProbeItem): PlantedRow {
  const gold = item.options.indexOf(item.answer);
  return { id: "", ability: item.ability, source_id: item.id, prompt: mcPrompt(item), options: item.options, label: LABELS[gold]! };
}

/** The spec YAML (generic adapter over data/<name>.jsonl, the mixture written in it). */
export function plantedSpecYaml(definition: PlantedDefinition, total = PLANTED_ITEMS): string {
  const shares = Object.entries(definition.mixture)
    .map(([a, w]) => `${a} ${Math.round(w * 100)}%`)
    .join(", ");
  return (
    `# Planted benchmark (${definition.about}): ${total} held-out test items, ${shares}.\n` +
    `# Made by scripts/make-planted-benchmarks.ts from probes/*/test.jsonl; do not edit by hand.\n` +
    specYaml(definition)
  );
}

/**
 * An ability's whole test split as a spec file (benchmarks/abilities/<ability>.yaml), so that
 * `bprof eval` reports each ability's accuracy in the same format as the planted benchmarks.
 */
export function abilityBenchmark(ability: string, probesDir: string): { yaml: string; rows: PlantedRow[] } {
  const definition: PlantedDefinition = { name: `ability_${ability.replaceAll("-", "_")}`, about: "", mixture: { [ability]: 1 } };
  const rows = loadProbeSplit(probesDir, ability, "test").map((item) => ({ ...toRow(item), id: item.id }));
  const yaml =
    `# The ${ability} test split (${rows.length} items) as a multiple-choice benchmark, scored as the self-profile scores it.\n` +
    `# Made by scripts/make-planted-benchmarks.ts from probes/${ability}/test.jsonl; do not edit by hand.\n` +
    specYaml(definition);
  return { yaml, rows };
}

function specYaml(definition: PlantedDefinition): string {
  const spec = {
    name: definition.name,
    task: "multiple_choice",
    adapter: "generic",
    data: `data/${definition.name}.jsonl`,
    template: { query: "{{prompt}}", choices: "options", gold: "{{label}}", gold_labels: LABELS.slice(0, 4) },
    metrics: ["acc"],
    mixture: definition.mixture,
  };
  return stringify(spec);
}
