import { Rng } from "../util/prng.js";
import type { Example } from "./examples.js";

/**
 * Minimal in-context tasks over bare token ids, for diagnosing what the organism's trainer
 * can learn in a given number of steps, apart from the language of the probes:
 *
 * - copy: `BOS x1 … xn EOS x1 … xn`, the second copy weighted (what induction heads do). With
 *   a fixed n every answer sits n + 1 positions back, which a relative-position (RoPE) head
 *   solves without any content lookup; with n drawn from a range the offset varies and only
 *   an induction head (find the earlier occurrence of the current token, copy its successor)
 *   solves it;
 * - associative recall: `BOS k1 [fill] v1 ; … k4 [fill] v4 ; ? kq = vq`, only vq weighted.
 *   `gap` filler tokens between each key and its value stand for "has a pet" in "Ruth has a
 *   pet lizard": the value must be bound to a key some tokens before it, the step that
 *   contextual recall needs and the organism never learnt. With `queries` n, n distinct keys
 *   are asked in turn (`? ka = va ? kb = vb …`, denser supervision per token read); with
 *   `equals` false the value follows its key directly (`? kq vq`, the classic induction form).
 *
 * Token ids: 0 pad, 1 BOS, 2 EOS, 3 ";", 4 "?", 5 "=", 6–19 fillers, 20–59 keys, 60–99
 * values (copy draws from 20–99). Vocabulary SYNTHETIC_VOCAB.
 */
export const SYNTHETIC_VOCAB = 128;
export const SYNTHETIC_IDS = { pad: 0, bos: 1, eos: 2 } as const;

const SEP = 3;
const QUERY = 4;
const EQUALS = 5;
const FILLER = 6;
const MAX_GAP = 14;
const KEYS = { first: 20, count: 40 };
const VALUES = { first: 60, count: 40 };

/** `length` a number (fixed offset) or [min, max] (drawn uniformly per example: variable offset). */
export function copyExamples(count: number, lengths: number | readonly [number, number], seed: number | string): Example[] {
  const [min, max] = typeof lengths === "number" ? [lengths, lengths] : lengths;
  const rng = new Rng(typeof lengths === "number" ? `synthetic-copy:${seed}` : `synthetic-copy:${min}-${max}:${seed}`);
  return Array.from({ length: count }, () => {
    const length = min === max ? min : rng.int(min, max);
    const xs = Array.from({ length }, () => rng.int(KEYS.first, VALUES.first + VALUES.count - 1));
    const ids = [SYNTHETIC_IDS.bos, ...xs, SYNTHETIC_IDS.eos, ...xs];
    return { inputIds: ids, weights: ids.map((_, t) => (t > length + 1 ? 1 : 0)) };
  });
}

export function associativeRecallExamples(
  count: number,
  opts: { pairs: number; gap: number; seed: number | string; queries?: number; equals?: boolean },
): Example[] {
  if (opts.gap > MAX_GAP) throw new RangeError(`associative recall: gap ${opts.gap} over ${MAX_GAP}`);
  if (opts.pairs > KEYS.count) throw new RangeError(`associative recall: ${opts.pairs} pairs over ${KEYS.count} keys`);
  const rng = new Rng(`synthetic-recall:${opts.pairs}:${opts.gap}:${opts.seed}`);
  return Array.from({ length: count }, () => {
    const keys = rng.sample(
      Array.from({ length: KEYS.count }, (_, i) => KEYS.first + i),
      opts.pairs,
    );
    const values = keys.map(() => rng.int(VALUES.first, VALUES.first + VALUES.count - 1));
    const ids: number[] = [SYNTHETIC_IDS.bos];
    keys.forEach((key, i) => ids.push(key, ...Array.from({ length: opts.gap }, (_, g) => FILLER + g), values[i]!, SEP));
    const weights = ids.map(() => 0);
    const asked =
      opts.queries === undefined
        ? [rng.int(0, opts.pairs - 1)]
        : rng.sample(
            keys.map((_, i) => i),
            Math.min(opts.queries, opts.pairs),
          );
    for (const i of asked) {
      const question = opts.equals === false ? [QUERY, keys[i]!] : [QUERY, keys[i]!, EQUALS];
      ids.push(...question, values[i]!);
      weights.push(...question.map(() => 0), 1);
    }
    return { inputIds: ids, weights };
  });
}
