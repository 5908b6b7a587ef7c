import { BprofError } from "../errors.js";
import { CONTRASTS } from "../masks/contrast.js";
import { DEFAULT_AGGREGATE, DEFAULT_CONTRAST } from "../profile/defaults.js";
import { DEFAULT_VALIDATE_K, targetsMet, validate, type ValidateOptions, type Validation } from "./validate.js";

/**
 * The options table of the model organism's card: the same validation run with the
 * defaults and with one method option changed per row, so which options pass the planted
 * ground truth is one command (`bprof validate --options-table`). The rows share one run
 * directory, so each reuses what it has in common with the rows before it (the base
 * evaluation always; importance and random masks where its options leave them alone).
 */
export interface OptionsRow {
  /** A short name to pick the row with (`--options-rows`). */
  name: string;
  /** The flags that differ from the defaults, as typed on the command line. */
  flags: string;
  options: Partial<ValidateOptions>;
}

export function optionsRows(): OptionsRow[] {
  return [
    { name: "defaults", flags: "(defaults)", options: {} },
    // Every contrast but the default's.
    ...CONTRASTS.filter((c) => c !== DEFAULT_CONTRAST).map((contrast) => ({
      name: `contrast-${contrast}`,
      flags: `--contrast ${contrast}`,
      options: { contrast },
    })),
    { name: "paper", flags: "--preset paper", options: { preset: "paper" } },
    // The sums the table compares (fisher goes with --score fisher), but the default's.
    ...TABLE_AGGREGATES.filter((a) => a !== DEFAULT_AGGREGATE).map((aggregate) => ({
      name: aggregate,
      flags: `--aggregate ${aggregate}`,
      options: { aggregate },
    })),
    { name: "variant-all", flags: "--variant all", options: { variant: "all" } },
    // The original method's selection at the default k: its own signed-sum scores, no contrast
    // (the defaults until this table moved them).
    {
      name: "signed-sum-none",
      flags: "--aggregate signed-sum --contrast none",
      options: { aggregate: "signed-sum", contrast: "none" },
    },
    // k around the default in ×2 steps (the paper's sweep goes in ×4), 1e-3 below; the default's own row is "defaults".
    ...TABLE_KS.filter((k) => k !== DEFAULT_VALIDATE_K).map((k) => ({ name: `k-${kName(k)}`, flags: `--k ${kName(k)}`, options: { k } })),
  ];
}

const TABLE_KS = [1e-3, 1e-2, 2e-2, 4e-2, 8e-2, 1.6e-1];
const TABLE_AGGREGATES = ["signed-sum", "abs-sum"] as const;

/** 0.04 → "4e-2": the exponent form the table and the row names use. */
function kName(k: number): string {
  const [mantissa, exponent] = k.toExponential().split("e");
  return `${mantissa}e${Number(exponent)}`;
}

/** The rows named (all of them for null), in the table's order; an unknown name is an error. */
export function pickRows(names: readonly string[] | null): OptionsRow[] {
  const rows = optionsRows();
  if (names === null) return rows;
  for (const n of names) {
    if (!rows.some((r) => r.name === n))
      throw new BprofError(`unknown options-table row '${n}' (rows: ${rows.map((r) => r.name).join(", ")})`, { field: "--options-rows" });
  }
  return rows.filter((r) => names.includes(r.name));
}

export interface OptionsTableRow {
  flags: string;
  validation: Validation;
  /** Wall-clock seconds of this row (after the rows before it filled the run directory). */
  seconds: number;
}

export async function optionsTable(
  base: ValidateOptions,
  onRow?: (row: OptionsTableRow) => void,
  names: readonly string[] | null = null,
): Promise<OptionsTableRow[]> {
  const rows: OptionsTableRow[] = [];
  for (const row of pickRows(names)) {
    const started = performance.now();
    const validation = await validate({ ...base, ...row.options });
    const done = { flags: row.flags, validation, seconds: (performance.now() - started) / 1000 };
    rows.push(done);
    onRow?.(done);
  }
  return rows;
}

/** The table as Markdown, for the card: one row per option set, the figures and whether all four targets are met. */
export function formatOptionsTable(rows: readonly OptionsTableRow[]): string {
  const num = (x: number | null, d = 2) => (x === null ? "n/a" : x.toFixed(d));
  const lines = [
    "| options | loss | aggregate | method | contrast | variant | k | possessed | counted | mean r | top match | selectivity | random \\|AIS\\| | slice purity | all four targets | time |",
    "|---|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|:---:|---:|",
  ];
  for (const { flags, validation: v, seconds } of rows) {
    const met = targetsMet(v);
    const top = v.top_match_share === null ? "n/a" : `${Math.round(v.top_match_share * v.counted_benchmarks)} of ${v.counted_benchmarks}`;
    lines.push(
      `| \`${flags}\` | ${v.options.loss_scope} | ${v.options.aggregate} | ${v.options.method} | ${v.options.contrast} | ${v.variant} | ${v.k} | ` +
        `${v.possessed.length} | ${v.counted_benchmarks} of ${v.planted_benchmarks} | ${num(v.pearson_mean)} | ${top} | ${num(v.selectivity, 3)} | ` +
        `${num(v.random_abs_ais, 3)} | ${num(v.slice_purity)} | ${met.all ? "yes" : "no"} | ${Math.round(seconds)} s |`,
    );
  }
  return lines.join("\n") + "\n";
}
