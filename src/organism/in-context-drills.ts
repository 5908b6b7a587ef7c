import type { Tokenizer } from "../model/tokenizer/tokenizer.js";
import { formatClock, formatDuration, MONTHS, WEEKDAYS } from "../probes/generators/temporal.js";
import type { ProbeGenerator } from "../probes/generators/types.js";
import type { Rng } from "../util/prng.js";
import type { Example } from "./examples.js";

/**
 * Dense in-context drills in the organism's own vocabulary, each drawn fresh from an Rng (no
 * pool to memorise). They give the model many supervised tokens per step that can only be
 * predicted by reading the context, which is what makes induction heads and then binding form
 * (issue 13: variable-offset copy forms induction heads in ~500 steps; recall mixed with it is
 * solved; gapped binding needs the gap grown step by step):
 *
 * - tokenCopy: BOS x1…xn EOS x1…xn over random non-special token ids, n uniform in [4, 24], so
 *   the offset to the copied token varies and a relative-position head cannot solve it. The
 *   copies draw from the 256 byte tokens only (a small alphabet, over which induction heads
 *   form fast, as on the bare-token task) or half of them from the whole vocabulary;
 * - wordCopy: the same with a span of words of the probes (names, cities, numbers, …);
 * - binding (levels 0–3): a passage of person–value facts and a question on every fact, the
 *   value 0, 1, 2 or (level 3: the contextual-recall passages themselves) 3+ words after its
 *   person; only the answers are weighted;
 * - numberSequence: an arithmetic, alternating or geometric sequence, every term after the
 *   third weighted (inductive's rules, densely);
 * - arithmetic: chained operations written out, every result weighted (quantitative's steps);
 * - calendar: clock, weekday, month and year arithmetic in the probes' formats (`3:45 pm + 1
 *   hour 30 minutes = 5:15 pm.`, `Friday + 3 days = Monday.`), every result weighted
 *   (temporal's steps; the issue-13 organism was at chance on every clock and weekday template).
 */

export interface DrillVocab {
  tokenizer: Tokenizer;
  /** Token ids a bare-token copy draws from (no special tokens). */
  firstPlainId: number;
  /** Words of the probes' texts, for word spans. */
  words: readonly string[];
  /** The contextual-recall generator: its passages and facts feed the binding drill. */
  contextual: ProbeGenerator;
}

/** "bytes": the 256 byte tokens; "mixed": half the copies over those, half over the whole vocabulary. */
export type CopyAlphabet = "bytes" | "mixed";

/** The copy is weighted: weights on the second x1…xn. */
export function tokenCopy(
  rng: Rng,
  v: DrillVocab,
  { minLength = 4, maxLength = 24, alphabet = "mixed" }: { minLength?: number; maxLength?: number; alphabet?: CopyAlphabet } = {},
): Example {
  const n = rng.int(minLength, maxLength);
  const last = alphabet === "bytes" || rng.chance(0.5) ? v.firstPlainId + 255 : v.tokenizer.vocabSize - 1;
  const xs = Array.from({ length: n }, () => rng.int(v.firstPlainId, last));
  const ids = [v.tokenizer.bosId!, ...xs, v.tokenizer.eosId!, ...xs];
  return { inputIds: ids, weights: ids.map((_, t) => (t > n + 1 ? 1 : 0)) };
}

export function wordCopy(rng: Rng, v: DrillVocab, minWords = 3, maxWords = 16): Example {
  const words = Array.from({ length: rng.int(minWords, maxWords) }, () => rng.pick(v.words));
  const span = v.tokenizer.encode(` ${words.join(" ")}`, { addBos: false });
  const separator = v.tokenizer.encode("\n", { addBos: false });
  const ids = [v.tokenizer.bosId!, ...span, ...separator, ...span];
  return { inputIds: ids, weights: ids.map((_, t) => (t > span.length + separator.length ? 1 : 0)) };
}

const NATURAL_QUESTION: Record<string, (person: string) => string> = {
  city: (p) => `Where does ${p} live?`,
  job: (p) => `What is ${p}'s job?`,
  pet: (p) => `What pet does ${p} have?`,
  color: (p) => `What is ${p}'s favorite color?`,
};

export const BINDING_LEVELS = 4;

/**
 * A contextual-recall passage's facts, restated at `level` (0: "Ruth lizard.", one fact per
 * person; 1: "Ruth pet lizard."; 2: "Ruth has pet lizard."; 3: the passage as the probes write
 * it), then a question on every fact in random order (levels 0–2 "? Ruth pet", level 3 the
 * probes' question form), each followed by its answer; only answer tokens weigh.
 */
export function binding(rng: Rng, v: DrillVocab, level: number): Example {
  const draft = rng.pick(v.contextual.templates).make(rng, rng.chance(0.15) ? "heldout" : "train");
  let facts = draft.meta.facts as [string, string, string][];
  if (level === 0) facts = facts.filter(([person], i) => facts.findIndex(([p]) => p === person) === i);
  const passage =
    level === 3
      ? (draft.context ?? "")
      : rng
          .shuffle(facts)
          .map(([p, rel, value]) => (level === 0 ? `${p} ${value}.` : level === 1 ? `${p} ${rel} ${value}.` : `${p} has ${rel} ${value}.`))
          .join(" ");
  const t = v.tokenizer;
  const ids = t.encode(level === 3 ? `Context: ${passage}` : passage, { addBos: true });
  const weights = ids.map(() => 0);
  for (const [person, rel, value] of rng.shuffle(facts)) {
    const q =
      level === 3
        ? `\nQuestion: ${NATURAL_QUESTION[rel]?.(person) ?? `Who is ${person}'s ${rel}?`}\nAnswer:`
        : level === 0
          ? ` ? ${person}`
          : ` ? ${person} ${rel}`;
    const question = t.encode(q, { addBos: false });
    const answer = t.encode(` ${value}`, { addBos: false });
    ids.push(...question, ...answer);
    weights.push(...question.map(() => 0), ...answer.map(() => 1));
  }
  return { inputIds: ids, weights };
}

/** Terms of an arithmetic (±2…9), alternating (two steps) or doubling/tripling sequence; terms 4… weighted. */
export function numberSequence(rng: Rng, v: DrillVocab): Example {
  const kind = rng.int(0, 3);
  const terms: number[] = [];
  if (kind === 0) {
    const step = rng.int(2, 12);
    for (let i = 0, x = rng.int(1, 60); i < 7; i++, x += step) terms.push(x);
  } else if (kind === 1) {
    const step = rng.int(2, 9);
    for (let i = 0, x = rng.int(40, 99) + 6 * step; i < 7; i++, x -= step) terms.push(x);
  } else if (kind === 2) {
    const steps = [rng.int(1, 9), rng.int(1, 9)];
    for (let i = 0, x = rng.int(1, 40); i < 7; x += steps[i % 2]!, i++) terms.push(x);
  } else {
    const factor = rng.pick([2, 3]);
    for (let i = 0, x = rng.int(1, 9); i < 6; i++, x *= factor) terms.push(x);
  }
  return weightAfter(v.tokenizer, terms.map(String), ", ", 3);
}

/** "a op b = c." chains of 2–3 operations on small numbers; every result weighted. */
export function arithmetic(rng: Rng, v: DrillVocab): Example {
  const t = v.tokenizer;
  const ids = [t.bosId!];
  const weights = [0];
  let x = rng.int(2, 40);
  for (let i = rng.int(2, 3); i > 0; i--) {
    const op = rng.int(0, 2);
    const b = op === 2 ? rng.int(2, 9) : rng.int(1, 30);
    const result = op === 0 ? x + b : op === 1 ? x - b : x * b;
    if (result < 0 || result > 999) continue;
    const lhs = t.encode(` ${x} ${["+", "-", "*"][op]} ${b} =`, { addBos: false });
    const rhs = t.encode(` ${result}.`, { addBos: false });
    ids.push(...lhs, ...rhs);
    weights.push(...lhs.map(() => 0), ...rhs.map(() => 1));
    x = result;
  }
  return { inputIds: ids, weights };
}

/** 3–5 lines of clock, weekday, month or year arithmetic, each `lhs = result.`; the results weigh. */
export function calendar(rng: Rng, v: DrillVocab): Example {
  const lines: [string, string][] = [];
  for (let i = rng.int(3, 5); i > 0; i--) {
    switch (rng.int(0, 4)) {
      case 0: {
        const start = rng.int(6 * 12, 20 * 12) * 5;
        const add = rng.int(1, 40) * 5;
        lines.push([`${formatClock(start)} + ${formatDuration(add)}`, formatClock(start + add)]);
        break;
      }
      case 1: {
        const start = rng.int(6 * 12, 18 * 12) * 5;
        const length = rng.int(1, 60) * 5;
        lines.push([`from ${formatClock(start)} to ${formatClock(start + length)}`, formatDuration(length)]);
        break;
      }
      case 2: {
        const today = rng.int(0, 6);
        const n = rng.int(1, 20);
        const sign = rng.chance(0.5) ? 1 : -1;
        const day = WEEKDAYS[(((today + sign * n) % 7) + 7) % 7]!;
        lines.push([`${WEEKDAYS[today]} ${sign > 0 ? "+" : "-"} ${n} day${n === 1 ? "" : "s"}`, day]);
        break;
      }
      case 3: {
        const now = rng.int(0, 11);
        const n = rng.int(1, 14);
        lines.push([`${MONTHS[now]} + ${n} month${n === 1 ? "" : "s"}`, MONTHS[(now + n) % 12]!]);
        break;
      }
      default: {
        const from = rng.int(1800, 2010);
        const gap = rng.int(1, 90);
        lines.push(rng.chance(0.5) ? [`${from} + ${gap}`, String(from + gap)] : [`${from + gap} - ${from}`, String(gap)]);
      }
    }
  }
  const t = v.tokenizer;
  const ids = [t.bosId!];
  const weights = [0];
  for (const [lhs, result] of lines) {
    const left = t.encode(` ${lhs} =`, { addBos: false });
    const right = t.encode(` ${result}.`, { addBos: false });
    ids.push(...left, ...right);
    weights.push(...left.map(() => 0), ...right.map(() => 1));
  }
  return { inputIds: ids, weights };
}

function weightAfter(t: Tokenizer, parts: string[], separator: string, unweighted: number): Example {
  const ids = t.encode(parts.slice(0, unweighted).join(separator), { addBos: true });
  const weights = ids.map(() => 0);
  for (const part of parts.slice(unweighted)) {
    const piece = t.encode(`${separator}${part}`, { addBos: false });
    ids.push(...piece);
    weights.push(...piece.map(() => 1));
  }
  return { inputIds: ids, weights };
}
