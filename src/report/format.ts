/** Number formats shared by every report, so tables, charts and CSV agree. */

export function formatAis(value: number | null): string {
  if (value === null) return "n/a";
  return (value < 0 ? "−" : "") + Math.abs(value).toFixed(2);
}

export function formatInterval(ci: readonly [number, number] | null): string {
  return ci === null ? "unbounded" : `[${formatAis(ci[0])}, ${formatAis(ci[1])}]`;
}

/** Metric names as a reader says them; the keys (`exact_match,strip`) stay in profile.json and the CSV. */
const METRIC_WORDS: Record<string, string> = {
  acc: "accuracy",
  acc_norm: "length-normalised accuracy",
  exact_match: "exact match",
  mc1: "MC1 accuracy",
  mc2: "MC2 (probability on the true answers)",
};

export function formatMetric(key: string): string {
  const [metric = key, filter] = key.split(",");
  const words = METRIC_WORDS[metric] ?? metric.replace(/_/g, " ");
  // A filter names how the answer was extracted; only GSM8K's two change what is counted.
  if (filter === "flexible-extract") return `${words} (flexible extraction)`;
  if (filter === "strict-match") return `${words} (strict)`;
  return words;
}

export function formatScore(value: number): string {
  return value.toFixed(3);
}

/** k as a compact power of ten (1e-4, 2.56e-3). */
export function formatK(k: number): string {
  const [mantissa, exponent] = k.toExponential().split("e") as [string, string];
  const m = Number(mantissa);
  return `${Number.isInteger(m) ? m.toFixed(0) : String(Number(m.toPrecision(4)))}e${exponent}`;
}

export function formatShare(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
}

/** ASCII minus for machine-read outputs (CSV). */
export function formatNumber(value: number | null): string {
  return value === null ? "" : String(value);
}
