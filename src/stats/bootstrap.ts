import { aisDefined } from "./ais.js";
import { createRng } from "../util/prng.js";

/**
 * Paired bootstrap over benchmark items. A plan fixes, once per benchmark, which items every
 * resample draws; every score array of that benchmark (the base model and each ablated one)
 * is then resampled with the *same* indices, which is what makes the bootstrap paired: item
 * difficulty cancels between base and ablated instead of widening the interval.
 */
export interface BootstrapPlan {
  nItems: number;
  samples: number;
  /** Item indices of resample r at [r * nItems, (r + 1) * nItems). */ // [samples * nItems]
  indices: Uint32Array;
}

/** Draw `samples` resamples of `nItems` items with replacement from the stream (seed, stream). */
export function planBootstrap(nItems: number, samples: number, seed: number, stream: string): BootstrapPlan {
  if (!Number.isInteger(nItems) || nItems < 1) throw new RangeError(`bootstrap needs at least one item, got ${nItems}`);
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`bootstrap needs at least one resample, got ${samples}`);
  const rng = createRng(seed, stream);
  const indices = new Uint32Array(nItems * samples);
  for (let i = 0; i < indices.length; i++) indices[i] = rng.nextBelow(nItems);
  return { nItems, samples, indices };
}

/** The mean of `values` in every resample of the plan. */
export function resampledMeans(plan: BootstrapPlan, values: ArrayLike<number>): Float64Array {
  if (values.length !== plan.nItems) throw new RangeError(`plan is for ${plan.nItems} items, got ${values.length} values`);
  const means = new Float64Array(plan.samples);
  const { nItems, indices } = plan;
  for (let r = 0; r < plan.samples; r++) {
    let sum = 0;
    const offset = r * nItems;
    for (let i = 0; i < nItems; i++) sum += values[indices[offset + i]!]!;
    means[r] = sum / nItems;
  }
  return means;
}

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

/**
 * Linear-interpolation quantile (numpy's default, Hyndman–Fan type 7) of an ascending array.
 * Infinite entries stand for "unbounded"; a quantile that touches one is infinite.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  if (!Number.isFinite(a)) return a;
  if (!Number.isFinite(b)) return b;
  return a + (h - lo) * (b - a);
}

/** Two-sided percentile interval of the resampled statistic. */
export function percentileInterval(values: ArrayLike<number>, confidence: number): [number, number] {
  const sorted = Float64Array.from(values).sort();
  const alpha = 1 - confidence;
  return [quantileSorted(sorted, alpha / 2), quantileSorted(sorted, 1 - alpha / 2)];
}

export interface AisInterval {
  /** null when a bound is unbounded (too many resamples had the base near chance). */
  ci: [number, number] | null;
  /** Resamples whose base score came within the minimum margin of chance. */
  undefinedResamples: number;
}

/**
 * Percentile interval of the AIS from paired resampled means. A resample in which the base
 * score is within `minMargin` of chance has no AIS; rather than dropping it (which would
 * narrow the interval exactly where the data are weakest), it is counted as −∞ for the lower
 * bound and +∞ for the upper bound. The interval is therefore reported only when fewer than
 * about (1 − confidence)/2 of the resamples are undefined, and is conservative otherwise.
 */
export function pairedAisInterval(
  baseMeans: Float64Array,
  ablatedMeans: Float64Array,
  chance: number,
  minMargin: number,
  confidence: number,
): AisInterval {
  if (baseMeans.length !== ablatedMeans.length) throw new RangeError("paired resamples differ in length");
  const defined: number[] = [];
  for (let r = 0; r < baseMeans.length; r++) {
    const base = baseMeans[r]!;
    if (aisDefined(base, chance, minMargin)) defined.push((base - ablatedMeans[r]!) / (base - chance));
  }
  const undefinedResamples = baseMeans.length - defined.length;
  defined.sort((x, y) => x - y);
  const alpha = 1 - confidence;
  const lowerTail = new Float64Array(baseMeans.length).fill(-Infinity);
  lowerTail.set(defined, undefinedResamples);
  const upperTail = new Float64Array(baseMeans.length).fill(Infinity);
  upperTail.set(defined, 0);
  const lower = quantileSorted(lowerTail, alpha / 2);
  const upper = quantileSorted(upperTail, 1 - alpha / 2);
  return { ci: Number.isFinite(lower) && Number.isFinite(upper) ? [lower, upper] : null, undefinedResamples };
}
