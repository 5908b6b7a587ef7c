import { GENERATORS } from "../probes/generators/index.js";
import { loadProbeSplit } from "../probes/load.js";
import { probeContentKey, type ProbeItem } from "../probes/schema.js";
import { declarativeSentences, type DeclarativeSentence } from "./declarative-corpus.js";
import { mcPrompt } from "./examples.js";
import { generateTrainingItems } from "./training-items.js";

/** Everything the organism is trained on, before tokenization. */
export interface OrganismCorpus {
  items: ProbeItem[];
  sentences: DeclarativeSentence[];
  /** Per ability: items kept and draws dropped for equalling a committed dev/test item. */
  abilities: Record<string, { items: number; collisions: number }>;
}

/**
 * Instruction items for every ability (`itemsPerAbility`, or an ability's own count from
 * `countOverrides`), kept apart from the committed dev and test splits in `probesDir`, and
 * the declarative sentences.
 */
export function buildOrganismCorpus(
  probesDir: string,
  seed: number,
  itemsPerAbility: number,
  countOverrides: Record<string, number> = {},
): OrganismCorpus {
  const known = new Set(GENERATORS.map((g) => g.ability));
  for (const ability of Object.keys(countOverrides)) {
    if (!known.has(ability)) throw new Error(`item count for an unknown ability "${ability}" (known: ${[...known].join(", ")})`);
  }
  const items: ProbeItem[] = [];
  const abilities: OrganismCorpus["abilities"] = {};
  for (const generator of GENERATORS) {
    const exclude = new Set<string>();
    for (const split of ["dev", "test"] as const) {
      for (const item of loadProbeSplit(probesDir, generator.ability, split)) exclude.add(probeContentKey(item));
    }
    const count = countOverrides[generator.ability] ?? itemsPerAbility;
    const result = generateTrainingItems(generator, seed, count, exclude);
    items.push(...result.items);
    abilities[generator.ability] = { items: result.items.length, collisions: result.collisions };
  }
  return { items, sentences: declarativeSentences(), abilities };
}

/** The texts the tokenizer is trained on: what the model will read, without special tokens. */
export function tokenizerTrainingTexts(corpus: OrganismCorpus, systemPrompt: string): string[] {
  return [systemPrompt, ...corpus.items.map((item) => `${mcPrompt(item)} ${item.answer}`), ...corpus.sentences.map((s) => s.text)];
}
