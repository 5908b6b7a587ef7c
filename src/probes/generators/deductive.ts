import type { Rng } from "../../util/prng.js";
import { withArticle } from "../text.js";
import { people } from "../vocab.js";
import type { EntityFamily, ProbeDraft, ProbeGenerator, ProbeTemplate } from "./types.js";

/**
 * Conclusions forced by stated rules: category syllogisms over made-up kinds (so world
 * knowledge cannot help), if-then chains of two or three rules, modus tollens, "either/or"
 * and two-premise rules. The context always has a rule that leads nowhere, so a wrong
 * option can be a conclusion that sounds right but is not forced.
 *
 * Statements are atoms like "Max is a wumpus" or "The lamp is on"; "!" marks a negation.
 * Exactly one option is entailed: the others are contradicted or left undetermined.
 */
type Literal = string;
/** [premises, conclusion]: all premises together force the conclusion. */
type Rule = [Literal[], Literal];

const KINDS: Record<EntityFamily, string[]> = {
  train: ["wumpus", "yumpus", "zumpus", "dumpus", "tumpus", "jompus", "rompus", "numpus", "vumpus", "impus", "gorpus", "lempus"],
  heldout: ["brimpus", "sterpus", "shumpus", "grimpus", "folpus", "kelpus"],
};
const PROPERTIES: Record<EntityFamily, string[]> = {
  train: [
    "shiny",
    "loud",
    "cold",
    "fast",
    "small",
    "bitter",
    "wooden",
    "sweet",
    "heavy",
    "soft",
    "bright",
    "round",
    "spicy",
    "fluffy",
    "striped",
  ],
  heldout: ["sticky", "hollow", "dusty", "jagged", "tiny"],
};
const THINGS: Record<EntityFamily, string[]> = {
  train: [
    "door",
    "lamp",
    "oven",
    "gate",
    "road",
    "river",
    "kettle",
    "alarm",
    "window",
    "garden",
    "bell",
    "radio",
    "fridge",
    "tap",
    "fan",
    "heater",
  ],
  heldout: ["boiler", "piano", "tractor", "clock", "bucket", "printer", "mailbox", "lantern"],
};
const STATES = [
  "on",
  "open",
  "wet",
  "hot",
  "loud",
  "red",
  "locked",
  "full",
  "broken",
  "blue",
  "shiny",
  "clean",
  "green",
  "humming",
  "frozen",
  "bright",
];

const not = (literal: Literal): Literal => (literal.startsWith("!") ? literal.slice(1) : `!${literal}`);

/** "Max is a wumpus" / "!Max is a wumpus" → "Max is not a wumpus". */
function say(literal: Literal): string {
  return literal.startsWith("!") ? literal.slice(1).replace(" is ", " is not ") : literal;
}
const sentence = (literal: Literal) => `${say(literal)}.`;
/** Inside "If ..., ...": "The lamp is on" reads "the lamp is on". */
const clause = (literal: Literal) => say(literal).replace(/^The /, "the ");
const ifThen = (premises: Literal[], conclusion: Literal) => `If ${premises.map(clause).join(" and ")}, ${clause(conclusion)}.`;

interface Scenario {
  text: string[];
  facts: Literal[];
  rules: Rule[];
  either?: [Literal, Literal][];
  answer: Literal;
  wrong: Literal[];
}

function draft(rng: Rng, s: Scenario, question: string): ProbeDraft {
  return {
    context: s.text.join(" "),
    question,
    answer: sentence(s.answer),
    distractors: rng.sample(s.wrong, 3).map(sentence),
    meta: { facts: s.facts, rules: s.rules, ...(s.either ? { either: s.either } : {}) },
  };
}

/** Every K1 is a K2, ..., every Kn is P; x is a K1 (or, with tollens, x is not P). */
function syllogism(rng: Rng, family: EntityFamily, depth: number, mode: "forward" | "tollens" | "no"): [Scenario, string] {
  const x = rng.pick(people(family)).name;
  const kinds = rng.sample(KINDS[family], depth + 1);
  const [p, q, r] = rng.sample(PROPERTIES[family], 3) as [string, string, string];
  const isKind = (k: string) => `${x} is ${withArticle(k)}`;
  const isProp = (prop: string) => `${x} is ${prop}`;
  const text: string[] = [];
  const rules: Rule[] = [];
  for (let i = 0; i < depth - 1; i++) {
    text.push(`Every ${kinds[i]} is ${withArticle(kinds[i + 1] as string)}.`);
    rules.push([[isKind(kinds[i] as string)], isKind(kinds[i + 1] as string)]);
  }
  const last = kinds[depth - 1] as string;
  const finalProp = mode === "no" ? not(isProp(p)) : isProp(p);
  text.push(mode === "no" ? `No ${last} is ${p}.` : `Every ${last} is ${p}.`);
  rules.push([[isKind(last)], finalProp]);
  // A rule that leads nowhere: x is never said to be this kind.
  const stray = kinds[depth] as string;
  text.push(`Every ${stray} is ${q}.`);
  rules.push([[isKind(stray)], isProp(q)]);
  const fact = mode === "tollens" ? not(isProp(p)) : isKind(kinds[0] as string);
  text.push(`${sentence(fact)}`);
  const scenario: Scenario =
    mode === "tollens"
      ? {
          text: rng.shuffle(text.slice(0, -1)).concat(text.slice(-1)),
          facts: [fact],
          rules,
          answer: not(isKind(kinds[0] as string)),
          wrong: [isKind(kinds[0] as string), isProp(q), isKind(stray), isProp(r)],
        }
      : {
          text: rng.shuffle(text.slice(0, -1)).concat(text.slice(-1)),
          facts: [fact],
          rules,
          answer: finalProp,
          wrong: [not(finalProp), isProp(q), isKind(stray), isProp(r)],
        };
  return [scenario, x];
}

function atoms(rng: Rng, family: EntityFamily, n: number): Literal[] {
  const things = rng.sample(THINGS[family], n);
  return things.map((thing) => `The ${thing} is ${rng.pick(STATES)}`);
}

/** `ruleCount` rules: if A then B, if B then C, ...; A. ⇒ the last one. */
function propChain(rng: Rng, family: EntityFamily, ruleCount: number): Scenario {
  const [stray1, stray2, unrelated, ...chain] = atoms(rng, family, ruleCount + 4) as Literal[];
  const rules: Rule[] = chain.slice(0, -1).map((a, i) => [[a], chain[i + 1] as Literal]);
  rules.push([[stray1 as Literal], stray2 as Literal]);
  const start = chain[0] as Literal;
  const end = chain[chain.length - 1] as Literal;
  return {
    text: [...rng.shuffle(rules.map(([ps, c]) => ifThen(ps, c))), sentence(start)],
    facts: [start],
    rules,
    answer: end,
    wrong: [not(end), stray2 as Literal, stray1 as Literal, unrelated as Literal],
  };
}

/** `ruleCount` rules: if A then B, (if B then C); not C. ⇒ not A. */
function propTollens(rng: Rng, family: EntityFamily, ruleCount: number): Scenario {
  const [stray1, stray2, ...chain] = atoms(rng, family, ruleCount + 3) as Literal[];
  const rules: Rule[] = chain.slice(0, -1).map((a, i) => [[a], chain[i + 1] as Literal]);
  rules.push([[stray1 as Literal], stray2 as Literal]);
  const start = chain[0] as Literal;
  const end = chain[chain.length - 1] as Literal;
  return {
    text: [...rng.shuffle(rules.map(([ps, c]) => ifThen(ps, c))), sentence(not(end))],
    facts: [not(end)],
    rules,
    answer: not(start),
    wrong: [start, stray2 as Literal, stray1 as Literal, not(stray1 as Literal)],
  };
}

/** Either A or B; not A (; if B then C). ⇒ B (or C). */
function disjunction(rng: Rng, family: EntityFamily, chained: boolean): Scenario {
  const [a, b, c, stray1, stray2] = atoms(rng, family, 5) as [Literal, Literal, Literal, Literal, Literal];
  const rules: Rule[] = [[[stray1], stray2]];
  if (chained) rules.unshift([[b], c]);
  const text = [`Either ${clause(a)} or ${clause(b)}.`, ...rng.shuffle(rules.map(([ps, q]) => ifThen(ps, q))), sentence(not(a))];
  return {
    text,
    facts: [not(a)],
    rules,
    either: [[a, b]],
    answer: chained ? c : b,
    wrong: chained ? [a, not(c), stray2, stray1] : [a, not(b), stray2, stray1],
  };
}

/** If A and B then C; if A and D then E; A; B. ⇒ C (E stays open). */
function conjunction(rng: Rng, family: EntityFamily): Scenario {
  const [a, b, c, d, e] = atoms(rng, family, 5) as [Literal, Literal, Literal, Literal, Literal];
  const rules: Rule[] = [
    [[a, b], c],
    [[a, d], e],
  ];
  return {
    text: [...rng.shuffle(rules.map(([ps, q]) => ifThen(ps, q))), sentence(a), sentence(b)],
    facts: [a, b],
    rules,
    answer: c,
    wrong: [e, not(c), d, not(a)],
  };
}

const WHAT_FOLLOWS = ["Which of these must be true?", "What can we conclude for certain?", "Which statement follows from the facts?"];

function about(id: string, depth: number, mode: "forward" | "tollens" | "no", question: string, heldOut = false): ProbeTemplate {
  return {
    id,
    heldOut,
    make(rng, family) {
      const [scenario, x] = syllogism(rng, family, depth, mode);
      return draft(rng, scenario, question.replace("{x}", x));
    },
  };
}

function prop(id: string, build: (rng: Rng, family: EntityFamily) => Scenario, heldOut = false): ProbeTemplate {
  return { id, heldOut, make: (rng, family) => draft(rng, build(rng, family), rng.pick(WHAT_FOLLOWS)) };
}

export const deductive: ProbeGenerator = {
  ability: "deductive",
  heldOutEntities: "held-out made-up kinds, properties, things and names",
  templates: [
    about("syllogism-2", 2, "forward", "What must be true about {x}?"),
    about("syllogism-3", 3, "forward", "Which of these must be true of {x}?"),
    about("syllogism-tollens", 2, "tollens", "What can we conclude about {x}?"),
    prop("chain-2", (rng, f) => propChain(rng, f, 2)),
    prop("chain-3", (rng, f) => propChain(rng, f, 3)),
    prop("tollens-1", (rng, f) => propTollens(rng, f, 1)),
    prop("tollens-2", (rng, f) => propTollens(rng, f, 2)),
    prop("either-or", (rng, f) => disjunction(rng, f, false)),
    prop("two-premises", (rng, f) => conjunction(rng, f)),
    about("syllogism-no-held", 2, "no", "Based on these rules, what must be true about {x}?", true),
    prop("either-chain-held", (rng, f) => disjunction(rng, f, true), true),
  ],
};
