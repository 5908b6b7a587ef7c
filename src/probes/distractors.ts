import type { Rng } from "../util/prng.js";

/** n distinct values from a pool, none equal to anything in `exclude`. */
export function pickOthers(rng: Rng, pool: readonly string[], exclude: readonly string[], n = 3): string[] {
  const candidates = [...new Set(pool)].filter((value) => !exclude.includes(value));
  if (candidates.length < n) throw new Error(`need ${n} distractors, pool has ${candidates.length}: ${pool.join(", ")}`);
  return rng.sample(candidates, n);
}

/**
 * Three wrong numbers near the answer. Likely mistakes (a skipped step, a wrong operation)
 * come first, so distractors are the answers a careless solver would give; the rest are
 * small offsets on both sides so that "pick the middle value" is not a strategy.
 */
export function numericDistractors(rng: Rng, answer: number, mistakes: readonly number[] = [], min = 0): number[] {
  const valid = (x: number) => Number.isInteger(x) && x >= min && x !== answer;
  const chosen: number[] = [];
  for (const m of rng.shuffle([...new Set(mistakes)])) {
    if (chosen.length >= 2) break;
    if (valid(m) && !chosen.includes(m)) chosen.push(m);
  }
  const spread = Math.max(2, Math.round(Math.abs(answer) * 0.15));
  const offsets = rng.shuffle([1, -1, 2, -2, 3, -3, spread, -spread, spread + 1, -(spread + 1), 10, -10]);
  for (const d of offsets) {
    if (chosen.length >= 3) break;
    if (valid(answer + d) && !chosen.includes(answer + d)) chosen.push(answer + d);
  }
  for (let d = 4; chosen.length < 3; d++) if (valid(answer + d) && !chosen.includes(answer + d)) chosen.push(answer + d);
  return chosen;
}
