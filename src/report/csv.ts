import type { Profile } from "../stats/profile-schema.js";
import { formatNumber } from "./format.js";

export const CSV_COLUMNS = [
  "benchmark",
  "metric",
  "ability",
  "variant",
  "k",
  "control",
  "seed",
  "n_ablated",
  "chance",
  "base_score",
  "score",
  "ais",
  "ais_lower",
  "ais_upper",
  "null_lower",
  "null_upper",
  "null_seeds",
  "dependence",
  "undefined_resamples",
  "undefined_reason",
] as const;

/** profile.csv: one row per cell, numbers in full precision, empty where null (RFC 4180 quoting). */
export function renderProfileCsv(profile: Profile): string {
  const benchmarks = new Map(profile.benchmarks.map((b) => [b.name, b]));
  const lines = [CSV_COLUMNS.join(",")];
  for (const c of profile.cells) {
    const b = benchmarks.get(c.benchmark)!;
    const row: (string | number | null)[] = [
      c.benchmark,
      b.metric,
      c.ability ?? "",
      c.variant,
      c.k,
      c.control,
      c.seed,
      c.n_ablated,
      b.chance,
      b.base_score,
      c.score,
      c.ais,
      c.ais_ci?.[0] ?? null,
      c.ais_ci?.[1] ?? null,
      c.null_band?.lower ?? null,
      c.null_band?.upper ?? null,
      c.null_band?.n_seeds ?? null,
      c.dependence,
      c.undefined_resamples,
      c.undefined_reason ?? "",
    ];
    lines.push(row.map(csvField).join(","));
  }
  return lines.join("\r\n") + "\r\n";
}

function csvField(value: string | number | null): string {
  const text = typeof value === "number" || value === null ? formatNumber(value) : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const SLICE_CSV_COLUMNS = ["benchmark", "ability", "variant", "k", "direction", "item", "prompt", "answer"] as const;

/**
 * slices.csv: one row per item of every ability slice (slices.ts), `lost` for the items the
 * ablation turned wrong (the a-slice), `gained` for those it turned right, with the item's
 * prompt and gold answer.
 */
export function renderSlicesCsv(profile: Profile): string {
  const text = new Map(profile.slices.items.map((i) => [JSON.stringify([i.benchmark, i.id]), i]));
  const lines = [SLICE_CSV_COLUMNS.join(",")];
  for (const s of profile.slices.slices) {
    for (const [direction, items] of [
      ["lost", s.lost],
      ["gained", s.gained],
    ] as const) {
      for (const id of items) {
        const item = text.get(JSON.stringify([s.benchmark, id]));
        lines.push([s.benchmark, s.ability, s.variant, s.k, direction, id, item?.prompt ?? "", item?.answer ?? ""].map(csvField).join(","));
      }
    }
  }
  return lines.join("\r\n") + "\r\n";
}
