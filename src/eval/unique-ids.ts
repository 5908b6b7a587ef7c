import { BprofError } from "../errors.js";
import type { BenchmarkDoc, DocSource } from "./items.js";

/**
 * Item ids key the per-item logs that the profile pairs across model states (base vs.
 * ablated) and the few-shot draws; two docs with one id would be paired with each other's
 * scores. So a repeated id is an error when the data is read, at the second occurrence,
 * naming the first: `benchmarks validate`, `eval` and `profile` all see it before any scoring.
 */
export function rejectDuplicateIds(docs: readonly BenchmarkDoc[]): void {
  const first = new Map<string, DocSource>();
  for (const doc of docs) {
    const earlier = first.get(doc.id);
    if (earlier !== undefined) {
      throw new BprofError(`duplicate item id ${JSON.stringify(doc.id)}, first used at ${place(earlier)}`, {
        file: doc.source.file,
        line: doc.source.line,
        field: doc.source.field ?? "id",
      });
    }
    first.set(doc.id, doc.source);
  }
}

function place(source: DocSource): string {
  return `${source.file}${source.line !== undefined ? `:${source.line}` : ""}${source.field !== undefined ? ` (field '${source.field}')` : ""}`;
}
