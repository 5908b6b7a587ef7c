import { BprofError } from "../errors.js";

/**
 * n = ⌊k · N_total⌋ (docs/method.md, step 2), computed exactly: k is taken as the decimal it prints
 * as (String(k), e.g. 0.01 is exactly 1/100), so a binary rounding of k·N_total never drops n
 * by one.
 */
export function ablationCount(k: number, nTotal: number, nScope: number): number {
  if (!Number.isFinite(k) || k <= 0 || k >= 1) {
    throw new BprofError(`ablation fraction k must be in (0, 1), got ${k}`, { field: "k" });
  }
  const { numerator, denominator } = decimalFraction(k);
  const n = Number((numerator * BigInt(nTotal)) / denominator);
  if (n === 0) {
    throw new BprofError(`k = ${k} selects no parameter: ⌊k · N_total⌋ = 0 with N_total = ${nTotal}`, { field: "k" });
  }
  if (n > nScope) {
    throw new BprofError(`k = ${k} asks for n = ${n} elements but the scope holds only ${nScope}`, { field: "k" });
  }
  return n;
}

function decimalFraction(x: number): { numerator: bigint; denominator: bigint } {
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(x));
  if (!m) throw new BprofError(`cannot read ${x} as a decimal fraction`, { field: "k" });
  const fraction = m[2] ?? "";
  const exponent = Number(m[3] ?? 0) - fraction.length;
  const digits = BigInt(m[1]! + fraction);
  return exponent >= 0
    ? { numerator: digits * 10n ** BigInt(exponent), denominator: 1n }
    : { numerator: digits, denominator: 10n ** BigInt(-exponent) };
}

/**
 * Split `total` into integer parts proportional to `weights`, summing exactly to `total`:
 * floors of the exact quotas, then one more to the largest remainders (ties: earlier entry).
 * Exact in BigInt, so it holds at 8B-parameter scale.
 */
export function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, w) => a + BigInt(w), 0n);
  const t = BigInt(total);
  const parts = weights.map((w) => (t * BigInt(w)) / sum);
  const remainders = weights.map((w, i) => ({ i, r: (t * BigInt(w)) % sum }));
  let left = Number(t - parts.reduce((a, p) => a + p, 0n));
  remainders.sort((a, b) => (a.r > b.r ? -1 : a.r < b.r ? 1 : a.i - b.i));
  for (const { i } of remainders) {
    if (left === 0) break;
    parts[i]! += 1n;
    left--;
  }
  return parts.map(Number);
}
