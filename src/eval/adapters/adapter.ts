import type { BadRows } from "../bad-rows.js";
import type { BenchmarkDoc, TaskType } from "../items.js";
import type { LoadedSpec } from "../spec.js";

export interface AdapterContext {
  loaded: LoadedSpec;
  /** Explicit labels file (spec `labels`, or the CLI's override), already resolved. */
  labelsPath?: string;
  badRows: BadRows;
}

/**
 * Reads one benchmark's data as its authors distribute it and maps each row to a doc, the
 * way lm-evaluation-harness's task config maps it (doc_to_text, doc_to_choice, doc_to_target).
 */
export interface BenchmarkAdapter {
  name: string;
  /** The task the adapter produces; null when the spec decides (generic). */
  task: TaskType | null;
  load(dataPath: string, context: AdapterContext): BenchmarkDoc[];
}
