import { keep, scope, Tensor } from "../engine/index.js";
import { BprofError } from "../errors.js";
import { compareNames, type Extreme, type SelectedIndices } from "./score-source.js";

/**
 * The exact n highest (or lowest) scores over several tensors, computed where the scores
 * are (the model's device) and bringing only the n selected elements to JavaScript: the same
 * total order as selectExtremes (score, then tensor name, then flat index), so the same set.
 *
 *   pass 1: the n-th score of the order, T: a running top-n of values (each tensor's top-n
 *           merged with the buffer, topk again), n floats on the device at a time;
 *   pass 2: per tensor, how many scores are beyond T (strictly);
 *   pass 3: per tensor in name order, every score beyond T (a topk of exactly that many), and
 *           of the scores equal to T the lowest flat indices while ties are still needed.
 * `scores()` is called twice per tensor (it may recompute them, e.g. |θ ⊙ G|); any f32 shape.
 * What comes back (ascending indices and their scores per tensor) is the compact form a run
 * keeps for contrast and for every k ≤ n/N: the top-n' for n' ≤ n is a prefix of the order.
 */
export interface DeviceScores {
  name: string;
  numel: number;
  /** The tensor's scores (f32, on any device); made inside the caller's scope handling. */
  scores: () => Tensor;
}

export interface Extremes {
  extreme: Extreme;
  n: number;
  /** Per tensor (those with any selected), ascending flat indices. */
  indices: SelectedIndices;
  /** Per tensor, the scores at those indices. */
  scores: Map<string, Float32Array>;
  /** The n-th score of the order (null when n = 0). */
  threshold: number | null;
}

/** i64 filler below every negated index (indices are < 2^32). */
const NOT_TIED = -(2 ** 62);

export function deviceExtremes(tensors: DeviceScores[], n: number, extreme: Extreme): Extremes {
  const ordered = [...tensors].sort((a, b) => compareNames(a.name, b.name));
  const total = ordered.reduce((s, t) => s + t.numel, 0);
  if (!Number.isInteger(n) || n < 0 || n > total) throw new Error(`deviceExtremes: n ${n} outside [0, ${total}]`);
  for (const t of ordered) {
    if (t.numel > 2 ** 32) throw new BprofError(`${t.name} has ${t.numel} elements; masks index tensors with uint32`, { field: t.name });
  }
  const result: Extremes = { extreme, n, indices: new Map(), scores: new Map(), threshold: null };
  if (n === 0) return result;
  // "lowest" is "highest" of the negated scores, with the same (name, index) tie-break.
  const sign = extreme === "highest" ? 1 : -1;
  const signed = (t: DeviceScores): Tensor => {
    const v = t.scores().flatten().mul(sign); // [numel] f32
    if (!Number.isFinite(v.sub(v).sum().item()))
      throw new BprofError(`a score of ${t.name} is not finite (scores must be finite)`, { field: t.name });
    return v;
  };

  // Pass 1: T, the n-th largest signed score.
  let best: Tensor | null = null; // [≤ n] f32
  try {
    for (const t of ordered) {
      const previous: Tensor | null = best;
      best = keep(
        scope((): Tensor => {
          const v = signed(t);
          const top = v.topk(Math.min(n, t.numel), { sorted: false }).values;
          const merged: Tensor = previous ? Tensor.cat([previous, top], 0) : top;
          return merged.numel > n ? merged.topk(n, { sorted: false }).values : merged;
        }),
      );
      previous?.dispose();
    }
    const threshold = scope(() => best!.topk(1, { largest: false }).values.item());
    result.threshold = sign * threshold;

    // Pass 2: how many are strictly beyond T, so how many ties at T the order takes.
    let beyond = 0;
    for (const t of ordered) beyond += scope(() => signed(t).gt(threshold).sum().item());
    let tiesNeeded = n - beyond;

    // Pass 3: the elements themselves, tensor by tensor in name order.
    for (const t of ordered) {
      const picked = scope(() => {
        const v = signed(t); // [numel]
        const greater = v.gt(threshold).sum().item();
        const parts: Tensor[] = [];
        if (greater > 0) parts.push(v.topk(greater, { sorted: false }).indices);
        const tied = tiesNeeded > 0 ? Math.min(tiesNeeded, v.eq(threshold).sum().item()) : 0;
        if (tied > 0) {
          // The lowest indices among the ties: the highest of −index where tied, a filler elsewhere.
          const negated = Tensor.arange(t.numel, { device: v.device }).neg().maskedFill(v.eq(threshold).logicalNot(), NOT_TIED); // [numel] i64
          parts.push(negated.topk(tied, { sorted: false }).values.neg());
        }
        if (parts.length === 0) return null;
        const index = parts.length === 1 ? parts[0]! : Tensor.cat(parts, 0); // [m] i64
        const sorted = index.sort().values; // ascending
        return { tied, indices: sorted.toInt64(), scores: v.indexSelect(0, sorted).mul(sign).toFloat32() };
      });
      if (picked === null) continue;
      tiesNeeded -= picked.tied;
      result.indices.set(
        t.name,
        Uint32Array.from(picked.indices, (i) => Number(i)),
      );
      result.scores.set(t.name, picked.scores);
    }
  } finally {
    best?.dispose();
  }
  return result;
}
