import { BprofError } from "../errors.js";
import { getAdapter } from "./adapters/index.js";
import { BadRows, type SkippedRow } from "./bad-rows.js";
import { chooseFewshot, type FewshotPool } from "./fewshot.js";
import type { EvalItem } from "./items.js";
import { renderItem } from "./render.js";
import { rejectDuplicateIds } from "./unique-ids.js";
import { primaryMetricKey, resolveSpecPath, type LoadedSpec } from "./spec.js";

export interface PrepareOptions {
  /**
   * Evaluate only the first N items (overrides the spec's limit); a fraction below 1 is
   * that share of the items, rounded up (lm-eval's --limit 0.1).
   */
  limit?: number;
  /** Use this data file instead of the spec's `data` (a user's own copy). */
  dataOverride?: string;
  labelsOverride?: string;
  fewshotDataOverride?: string;
  /** Skip rows that cannot be read (counted in the results) instead of stopping. */
  skipBadRows?: boolean;
}

/** A benchmark loaded and rendered: everything that does not need a model. */
export interface PreparedBenchmark {
  loaded: LoadedSpec;
  dataPath: string;
  items: EvalItem[];
  /** Items the data holds before the limit. */
  available: number;
  skippedRows: SkippedRow[];
  /** The score of guessing: mean of 1/#choices (MC2: #true/#choices), 0 for generation, or the spec's. */
  chance: number;
}

export function prepareBenchmark(loaded: LoadedSpec, options: PrepareOptions = {}): PreparedBenchmark {
  const { spec } = loaded;
  const adapter = getAdapter(loaded);
  const badRows = new BadRows(options.skipBadRows ?? false);
  const labelsPath = options.labelsOverride ?? (spec.labels ? resolveSpecPath(loaded, spec.labels) : undefined);
  const dataPath = options.dataOverride ?? resolveSpecPath(loaded, spec.data);
  const docs = adapter.load(dataPath, { loaded, labelsPath, badRows });
  if (docs.length === 0) {
    const skipped = badRows.skipped.length ? ` (${badRows.skipped.length} bad rows skipped)` : "";
    throw new BprofError(`no items in the data${skipped}`, { file: dataPath });
  }
  rejectDuplicateIds(docs);

  let pool: FewshotPool = { docs, sameAsEvaluated: true };
  const fewshotPath = options.fewshotDataOverride ?? (spec.fewshot.source ? resolveSpecPath(loaded, spec.fewshot.source) : undefined);
  if (spec.fewshot.n > 0 && fewshotPath) {
    pool = { docs: adapter.load(fewshotPath, { loaded, badRows }), sameAsEvaluated: false };
  }

  const limit = options.limit ?? spec.limit;
  const count = limit === undefined ? undefined : limit < 1 ? Math.ceil(docs.length * limit) : limit;
  const selected = count === undefined ? docs : docs.slice(0, count);
  const items = selected.map((doc) => {
    try {
      return renderItem(doc, chooseFewshot(doc, pool, spec.fewshot), spec);
    } catch (err) {
      if (err instanceof BprofError && !err.file)
        throw new BprofError(err.reason, { file: loaded.path, line: loaded.fieldLines.fewshot, field: err.field });
      throw err;
    }
  });
  return { loaded, dataPath, items, available: docs.length, skippedRows: badRows.skipped, chance: chanceLevel(loaded, items) };
}

function chanceLevel({ spec }: LoadedSpec, items: EvalItem[]): number {
  if (spec.chance !== undefined) return spec.chance;
  if (spec.task === "generate_until" || spec.task === "loglikelihood") return 0;
  const mc2 = primaryMetricKey(spec) === "mc2";
  let total = 0;
  for (const item of items) {
    if (item.task !== "multiple_choice") continue;
    const correct = mc2 && item.trueChoices ? item.trueChoices.filter(Boolean).length : 1;
    total += correct / item.choices.length;
  }
  return total / items.length;
}
