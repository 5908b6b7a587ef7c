import type { MultipleChoiceDoc } from "../eval/items.js";
import type { PreparedBenchmark } from "../eval/prepare.js";
import { renderItem } from "../eval/render.js";
import { benchmarkSpecSchema, type LoadedSpec } from "../eval/spec.js";
import { itemLineNumbers, probeSplitPath } from "../probes/load.js";
import type { ProbeItem } from "../probes/schema.js";
import { hashOf } from "../util/hash.js";

/**
 * The self-profile (docs/method.md, statistics): an ability's own test split scored as a
 * multiple-choice benchmark, in lm-eval's plain style: the query
 * `Context: {context}\nQuestion: {question}\nAnswer:` (the Context line only when there is
 * one), each option scored as the continuation `" " + option`, accuracy against the gold
 * option, chance the mean of 1/#options. It is an in-memory benchmark: the same scoring path
 * as every spec file, with no spec file of its own.
 */

/** The benchmark name of an ability's self-profile. */
export function selfProfileName(ability: string): string {
  return `probes/${ability}/test`;
}

export function selfProfileBenchmark(probesDir: string, ability: string, items: ProbeItem[], available: number): PreparedBenchmark {
  const file = probeSplitPath(probesDir, ability, "test");
  const lines = itemLineNumbers(file);
  const spec = {
    ...benchmarkSpecSchema.parse({
      name: "self",
      task: "multiple_choice",
      adapter: "probes",
      data: `${ability}/test.jsonl`,
      metrics: ["acc"],
    }),
    name: selfProfileName(ability),
  };
  const docs: MultipleChoiceDoc[] = items.map((item, i) => ({
    task: "multiple_choice",
    id: item.id,
    query: `${item.context !== undefined ? `Context: ${item.context}\n` : ""}Question: ${item.question}\nAnswer:`,
    choices: item.options,
    gold: item.options.indexOf(item.answer),
    source: { file, line: lines[i] },
  }));
  const loaded: LoadedSpec = { spec, path: file, hash: hashOf({ self_profile: ability, spec }), fieldLines: {} };
  return {
    loaded,
    dataPath: file,
    items: docs.map((doc) => renderItem(doc, [], spec)),
    available,
    skippedRows: [],
    chance: docs.reduce((s, d) => s + 1 / d.choices.length, 0) / docs.length,
  };
}
