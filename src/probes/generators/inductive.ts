import { numericDistractors, pickOthers } from "../distractors.js";
import type { Rng } from "../../util/prng.js";
import { fill } from "../text.js";
import type { EntityFamily, ProbeDraft, ProbeGenerator, ProbeTemplate } from "./types.js";

/**
 * Infer a rule from examples and apply it: number sequences (adding, subtracting,
 * multiplying, alternating steps, squares, growing differences), letter sequences,
 * repeating word patterns and input–output machines. `meta.rule` states the rule the
 * examples were drawn from, so a checker can regenerate both the examples and the answer.
 */
export type SequenceRule =
  | { kind: "add"; start: number; step: number }
  | { kind: "multiply"; start: number; factor: number }
  | { kind: "alternate"; start: number; steps: [number, number] }
  | { kind: "square"; offset: number }
  | { kind: "growing"; start: number; firstStep: number };

/** Term i (0-based) of a sequence rule. */
function term(rule: SequenceRule, i: number): number {
  switch (rule.kind) {
    case "add":
      return rule.start + i * rule.step;
    case "multiply":
      return rule.start * rule.factor ** i;
    case "alternate": {
      let value = rule.start;
      for (let k = 0; k < i; k++) value += rule.steps[k % 2] as number;
      return value;
    }
    case "square":
      return (i + rule.offset) ** 2;
    case "growing": {
      let value = rule.start;
      for (let k = 0; k < i; k++) value += rule.firstStep + k;
      return value;
    }
  }
}

/** Train items use small numbers; held-out entity items use larger ones train never shows. */
const range = (family: EntityFamily, small: [number, number], large: [number, number]) => (family === "train" ? small : large);

function ruleFor(rng: Rng, family: EntityFamily, kind: SequenceRule["kind"], decreasing = false): SequenceRule {
  const r = (small: [number, number], large: [number, number]) => {
    const [lo, hi] = range(family, small, large);
    return rng.int(lo, hi);
  };
  switch (kind) {
    case "add": {
      const step = r([2, 9], [11, 25]);
      // Six terms must stay positive.
      return decreasing ? { kind, start: r([10, 50], [100, 200]) + 5 * step, step: -step } : { kind, start: r([1, 30], [100, 300]), step };
    }
    case "multiply":
      return { kind, start: r([1, 9], [10, 20]), factor: family === "train" ? rng.pick([2, 3]) : rng.pick([2, 3, 4]) };
    case "alternate": {
      const [a, b] = rng.sample(
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].filter((s) => (family === "train" ? s <= 7 : s >= 6)),
        2,
      );
      return { kind, start: r([1, 20], [100, 200]), steps: [a as number, b as number] };
    }
    case "square":
      return { kind, offset: r([1, 9], [10, 16]) };
    case "growing":
      return { kind, start: r([1, 20], [100, 200]), firstStep: r([1, 4], [5, 9]) };
  }
}

function sequenceItem(rng: Rng, family: EntityFamily, kind: SequenceRule["kind"], question: string, decreasing = false): ProbeDraft {
  const rule = ruleFor(rng, family, kind, decreasing);
  const shown = kind === "multiply" ? 4 : rng.int(4, 5);
  const terms = Array.from({ length: shown + 1 }, (_, i) => term(rule, i));
  const answer = terms[shown] as number;
  const last = terms[shown - 1] as number;
  const before = terms[shown - 2] as number;
  // A solver who misreads the rule: repeats the last difference, or is off by one step.
  const mistakes = [last + (last - before), answer + (last - before), answer - 1, answer + 1, 2 * last - before + 2];
  return {
    question: fill(question, { seq: terms.slice(0, shown).join(", ") }),
    answer: String(answer),
    distractors: numericDistractors(rng, answer, mistakes).map(String),
    meta: { rule, shown, ask: "next" },
  };
}

/** An add-rule sequence with one middle term replaced by a blank. */
function missingItem(rng: Rng, family: EntityFamily, question: string): ProbeDraft {
  const rule = ruleFor(rng, family, "add", rng.chance(0.3));
  const shown = 5;
  const gap = rng.int(1, 3);
  const terms = Array.from({ length: shown }, (_, i) => term(rule, i));
  const answer = terms[gap] as number;
  const step = rule.kind === "add" ? rule.step : 0;
  return {
    question: fill(question, { seq: terms.map((t, i) => (i === gap ? "_" : String(t))).join(", ") }),
    answer: String(answer),
    distractors: numericDistractors(rng, answer, [answer + step, answer - step, answer + 1, answer - 1]).map(String),
    meta: { rule, shown, ask: "missing", gap },
  };
}

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

function lettersItem(rng: Rng, family: EntityFamily, question: string): ProbeDraft {
  const step = family === "train" ? rng.int(1, 3) : 4;
  const shown = 4;
  // Leave letters after the answer for the wrong options.
  const start = rng.int(0, 22 - step * shown);
  const letters = Array.from({ length: shown + 1 }, (_, i) => LETTERS[start + i * step] as string);
  const answer = letters[shown] as string;
  const at = start + shown * step;
  const near = [at - 1, at + 1, at + step, at - step + 1, at + 2].filter((i) => i >= 0 && i < 26).map((i) => LETTERS[i] as string);
  return {
    question: fill(question, { seq: letters.slice(0, shown).join(", ") }),
    answer,
    distractors: pickOthers(rng, near, [answer, ...letters.slice(0, shown - 1)]),
    meta: { rule: { kind: "letters", start: LETTERS[start], step }, shown, ask: "next" },
  };
}

const CYCLE_WORDS: Record<EntityFamily, string[][]> = {
  train: [
    ["red", "blue", "green", "yellow", "white", "black"],
    ["circle", "square", "triangle", "star", "heart"],
    ["up", "down", "left", "right"],
    ["cat", "dog", "bird", "fish", "mouse"],
  ],
  heldout: [
    ["apple", "pear", "plum", "lemon", "melon"],
    ["drum", "flute", "harp", "horn"],
  ],
};

function cycleItem(rng: Rng, family: EntityFamily, question: string): ProbeDraft {
  const words = rng.pick(CYCLE_WORDS[family]);
  const cycle = rng.sample(words, rng.int(2, 3));
  const shown = rng.int(cycle.length + 2, 2 * cycle.length + 1);
  const sequence = Array.from({ length: shown + 1 }, (_, i) => cycle[i % cycle.length] as string);
  const answer = sequence[shown] as string;
  return {
    question: fill(question, { seq: sequence.slice(0, shown).join(", ") }),
    answer,
    distractors: pickOthers(rng, words, [answer]).slice(0, 3),
    meta: { rule: { kind: "cycle", cycle }, shown, ask: "next" },
  };
}

/** A machine computing a·x + b, shown on three inputs, asked about a fourth. */
function machineItem(rng: Rng, family: EntityFamily, question: string): ProbeDraft {
  const [a, b] = family === "train" ? [rng.int(2, 5), rng.int(0, 9)] : [rng.int(6, 9), rng.int(10, 20)];
  const inputs = rng.sample([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4);
  const f = (x: number) => a * x + b;
  const [x1, x2, x3, query] = inputs as [number, number, number, number];
  const answer = f(query);
  return {
    question: fill(question, { x1, y1: f(x1), x2, y2: f(x2), x3, y3: f(x3), q: query }),
    answer: String(answer),
    // Mistakes: a·x without b, x + b, the right slope with b off by one.
    distractors: numericDistractors(rng, answer, [a * query, query + b, answer + a, answer - a]).map(String),
    meta: { rule: { kind: "linear", a, b }, examples: [x1, x2, x3], ask: query },
  };
}

const t = (id: string, make: ProbeTemplate["make"], heldOut = false): ProbeTemplate => ({ id, make, heldOut });

export const inductive: ProbeGenerator = {
  ability: "inductive",
  heldOutEntities: "larger numbers, steps and factors, letter step 4, and word sets train never shows",
  templates: [
    t("add", (rng, f) => sequenceItem(rng, f, "add", "What number comes next: {seq}, ...?")),
    t("subtract", (rng, f) => sequenceItem(rng, f, "add", "What comes next in the sequence {seq}?", true)),
    t("multiply", (rng, f) => sequenceItem(rng, f, "multiply", "Find the next number: {seq}, ...")),
    t("alternate", (rng, f) => sequenceItem(rng, f, "alternate", "What is the next number in this pattern: {seq}?")),
    t("square", (rng, f) => sequenceItem(rng, f, "square", "Which number should come next: {seq}?")),
    t("growing", (rng, f) => sequenceItem(rng, f, "growing", "The numbers follow a rule: {seq}. What is the next one?")),
    t("letters", (rng, f) => lettersItem(rng, f, "Which letter comes next: {seq}, ...?")),
    t("cycle", (rng, f) => cycleItem(rng, f, "What word comes next: {seq}, ...?")),
    t("machine", (rng, f) =>
      machineItem(rng, f, "A machine turns {x1} into {y1}, {x2} into {y2} and {x3} into {y3}. What does it turn {q} into?"),
    ),
    t("missing-held", (rng, f) => missingItem(rng, f, "Which number is missing: {seq}?"), true),
    t("function-held", (rng, f) => machineItem(rng, f, "f({x1}) = {y1}, f({x2}) = {y2}, f({x3}) = {y3}. What is f({q})?"), true),
  ],
};
