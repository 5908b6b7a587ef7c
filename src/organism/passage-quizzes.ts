import { spatial } from "../probes/generators/spatial.js";
import { EVENTS, temporal } from "../probes/generators/temporal.js";
import type { EntityFamily, ProbeDraft, ProbeTemplate } from "../probes/generators/types.js";
import { withArticle } from "../probes/text.js";
import type { Rng } from "../util/prng.js";
import type { Example } from "./examples.js";
import type { DrillVocab } from "./in-context-drills.js";

/**
 * Passage quizzes: one probe passage, then every question of the probes' forms it supports,
 * each followed by its answer (`Context: …\nQuestion: …\nAnswer: …\nQuestion: …`); only the
 * answers weigh. The issue-13 organism answered a person's value from a passage (1.00) but not
 * the reverse question (who lives in York?, 0.35), two lookups in a chain (0.26–0.42) or an
 * order built from pairwise statements (shelf, stack, events: 0.14–0.42): one probe item is
 * one answer, and a passage with ten questions on it is ten. The passages are the probe
 * generators' own, so the questions read them exactly as the probes do.
 *
 * - contextualQuiz: a contextual-recall passage; per person the direct question on each of
 *   its values, per relation the one-hop and two-hop questions, per value held by one person
 *   only the reverse question ("Who lives in York?");
 * - orderQuiz: a shelf, a stack or a person's day from the spatial and temporal generators;
 *   the first, the last, the second, and for each item the next and the one before.
 *
 * A quiz stops adding questions before it would pass `maxTokens` (the training rows' length).
 */

type Attribute = "city" | "job" | "pet" | "color";
const ATTRIBUTES: readonly string[] = ["city", "job", "pet", "color"];

/** The probes' question forms (contextual-recall.ts), with the forms the probes lack filled in. */
const DIRECT: Record<Attribute, (p: string) => string> = {
  city: (p) => `Where does ${p} live?`,
  job: (p) => `What is ${p}'s job?`,
  pet: (p) => `What pet does ${p} have?`,
  color: (p) => `What is ${p}'s favorite color?`,
};
const ONE_HOP: Record<Attribute, (p: string, r1: string) => string> = {
  city: (p, r1) => `Where does ${p}'s ${r1} live?`,
  job: (p, r1) => `What does ${p}'s ${r1} work as?`,
  pet: (p, r1) => `What pet does ${p}'s ${r1} have?`,
  color: (p, r1) => `Which color does ${p}'s ${r1} like best?`,
};
const TWO_HOPS: Record<Attribute, (p: string, r1: string, r2: string) => string> = {
  city: (p, r1, r2) => `Where does the ${r2} of ${p}'s ${r1} live?`,
  job: (p, r1, r2) => `What is the job of the ${r2} of ${p}'s ${r1}?`,
  pet: (p, r1, r2) => `What pet does the ${r2} of ${p}'s ${r1} have?`,
  color: (p, r1, r2) => `What is the favorite color of the ${r2} of ${p}'s ${r1}?`,
};
const WHO: Record<Attribute, (v: string) => string> = {
  city: (v) => `Who lives in ${v}?`,
  job: (v) => `Which person works as ${withArticle(v)}?`,
  pet: (v) => `Who has a pet ${v}?`,
  color: (v) => `Whose favorite color is ${v}?`,
};

export type QA = [question: string, answer: string];

export function contextualQuiz(rng: Rng, v: DrillVocab, maxTokens: number): Example {
  const draft = rng.pick(v.contextual.templates).make(rng, familyOf(rng));
  return quiz(v, draft.context ?? "", rng.shuffle(contextualQuestions(draft)), maxTokens);
}

/** Every question of the probes' forms that a contextual-recall draft's facts answer. */
export function contextualQuestions(draft: ProbeDraft): QA[] {
  const facts = draft.meta.facts as [string, string, string][];
  const values = new Map<string, Map<string, string>>(); // person → attribute → value
  const links = new Map<string, Map<string, string>>(); // person → relation → person
  for (const [p, rel, value] of facts) {
    const into = ATTRIBUTES.includes(rel) ? values : links;
    if (!into.has(p)) into.set(p, new Map());
    into.get(p)!.set(rel, value);
  }
  const qas: QA[] = [];
  for (const [p, attrs] of values) for (const [a, value] of attrs) qas.push([DIRECT[a as Attribute](p), value]);
  for (const [p, rels] of links)
    for (const [r1, q] of rels) {
      for (const [a, value] of values.get(q) ?? []) qas.push([ONE_HOP[a as Attribute](p, r1), value]);
      for (const [r2, s] of links.get(q) ?? [])
        for (const [a, value] of values.get(s) ?? []) qas.push([TWO_HOPS[a as Attribute](p, r1, r2), value]);
    }
  for (const a of ATTRIBUTES) {
    const holders = [...values].filter(([, attrs]) => attrs.has(a));
    for (const [p, attrs] of holders) {
      const value = attrs.get(a)!;
      if (holders.filter(([, other]) => other.get(a) === value).length === 1) qas.push([WHO[a as Attribute](value), p]);
    }
  }
  return qas;
}

/** Which way round each stated relation runs: [a, word, b] puts a before b for the first word of a pair. */
const FIRST_WORD: Record<string, boolean> = { left: true, right: false, above: true, below: false, before: true, after: false };

/** The items of stated pairwise relations in their hidden order (first to last). */
export function orderOf(relations: readonly [string, string, string][]): string[] {
  const next = new Map<string, string>();
  for (const [a, word, b] of relations) {
    if (!(word in FIRST_WORD)) throw new Error(`orderOf: unknown relation word '${word}'`);
    const [earlier, later] = FIRST_WORD[word] ? [a, b] : [b, a];
    next.set(earlier, later);
  }
  const laters = new Set(next.values());
  let item = [...next.keys()].find((k) => !laters.has(k));
  const order: string[] = [];
  for (; item !== undefined; item = next.get(item)) order.push(item);
  return order;
}

const templateOf = (generator: { templates: readonly ProbeTemplate[] }, id: string) => generator.templates.find((t) => t.id === id)!;
const SHELF = templateOf(spatial, "shelf-left");
const STACK = templateOf(spatial, "stack-top");
const DAY = templateOf(temporal, "order-first");
const ING = new Map(Object.values(EVENTS).flatMap((events) => events));

export function orderQuiz(rng: Rng, v: DrillVocab, maxTokens: number): Example {
  const draft = rng.pick([SHELF, STACK, DAY]).make(rng, familyOf(rng));
  return quiz(v, draft.context ?? "", rng.shuffle(orderQuestions(draft)), maxTokens);
}

/** Every question of the probes' forms (and their mirror images) on a shelf, stack or day draft. */
export function orderQuestions(draft: ProbeDraft): QA[] {
  const relations = draft.meta.relations as [string, string, string][];
  const order = orderOf(relations);
  const [first, second, last] = [order[0]!, order[1]!, order[order.length - 1]!];
  const word = relations[0]![1];
  const qas: QA[] = [];
  if (word === "left" || word === "right") {
    const the = (x: string) => `the ${x}`;
    qas.push(["Which object on the shelf is furthest to the left?", the(first)]);
    qas.push(["Which object on the shelf is furthest to the right?", the(last)]);
    order.slice(1).forEach((x, i) => {
      qas.push([`Which object is just to the right of the ${order[i]}?`, the(x)]);
      qas.push([`Which object is just to the left of the ${x}?`, the(order[i]!)]);
    });
  } else if (word === "above" || word === "below") {
    const block = (c: string) => `the ${c} block`;
    qas.push(["Which block is at the top of the stack?", block(first)]);
    qas.push(["Which block is at the bottom of the stack?", block(last)]);
    order.slice(1).forEach((c, i) => {
      qas.push([`Which block is just under the ${order[i]} block?`, block(c)]);
      qas.push([`Which block is just on top of the ${c} block?`, block(order[i]!)]);
    });
  } else {
    const person = /^What did (.+?) do /.exec(draft.question)?.[1];
    if (person === undefined) throw new Error(`orderQuestions: unexpected question '${draft.question}'`);
    qas.push([`What did ${person} do first?`, first], [`What did ${person} do last?`, last], [`What did ${person} do second?`, second]);
    order.slice(1).forEach((e, i) => qas.push([`What did ${person} do just before ${ING.get(e)!}?`, order[i]!]));
  }
  return qas;
}

/** 15 % of passages from the held-out entity family, as the ability items draw them. */
function familyOf(rng: Rng): EntityFamily {
  return rng.chance(0.15) ? "heldout" : "train";
}

function quiz(v: DrillVocab, context: string, qas: readonly QA[], maxTokens: number): Example {
  const t = v.tokenizer;
  const ids = t.encode(`Context: ${context}`, { addBos: true });
  const weights = ids.map(() => 0);
  for (const [question, answer] of qas) {
    const q = t.encode(`\nQuestion: ${question}\nAnswer:`, { addBos: false });
    const a = t.encode(` ${answer}`, { addBos: false });
    if (ids.length + q.length + a.length > maxTokens) break;
    ids.push(...q, ...a);
    weights.push(...q.map(() => 0), ...a.map(() => 1));
  }
  return { inputIds: ids, weights };
}
