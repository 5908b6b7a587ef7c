import { analogical } from "./analogical.js";
import { commonsenseCausal } from "./commonsense-causal.js";
import { contextualRecall } from "./contextual-recall.js";
import { deductive } from "./deductive.js";
import { inductive } from "./inductive.js";
import { knowledgeRecall } from "./knowledge-recall.js";
import { quantitative } from "./quantitative.js";
import { semanticRelations } from "./semantic-relations.js";
import { spatial } from "./spatial.js";
import { temporal } from "./temporal.js";
import type { ProbeGenerator } from "./types.js";

/** The built-in generators, in the order of the ability table in docs/method.md. */
export const GENERATORS: readonly ProbeGenerator[] = [
  contextualRecall,
  knowledgeRecall,
  semanticRelations,
  deductive,
  inductive,
  analogical,
  quantitative,
  temporal,
  spatial,
  commonsenseCausal,
];

export function generatorFor(ability: string): ProbeGenerator | undefined {
  return GENERATORS.find((g) => g.ability === ability);
}
