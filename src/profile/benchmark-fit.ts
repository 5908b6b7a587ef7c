import { BprofError } from "../errors.js";
import type { TokenizedBenchmark } from "../eval/tokenize.js";

/**
 * Whether a model can run a benchmark at all, checked after tokenizing and before any heavy
 * work. An item longer than the model's context is scored as lm-evaluation-harness does
 * (the context loses its oldest tokens), which is fine for a few items; a benchmark whose
 * every item is cut, or with an answer that cannot fit even alone, cannot be profiled.
 * Returns how many items will be truncated.
 */
export function checkBenchmarkFits(tokenized: TokenizedBenchmark, maxLength: number): number {
  const { loaded } = tokenized.prepared;
  const where = { file: loaded.path, field: "data" };
  let overlong = 0;
  let shortest = Infinity;
  for (const entry of tokenized.items) {
    let needed: number;
    if ("pairs" in entry) {
      needed = Math.max(...entry.pairs.map((p) => p.context.length + p.continuation.length - 1));
      const choice = entry.pairs.findIndex((p) => p.continuation.length > maxLength);
      if (choice >= 0) {
        throw new BprofError(
          `item ${entry.item.id}: choice ${choice} is ${entry.pairs[choice]!.continuation.length} tokens, longer than the model's whole context of ${maxLength} (spec ${loaded.path})`,
          { ...entry.item.source, field: entry.item.source.field ?? "choices" },
        );
      }
    } else {
      needed = entry.prompt.length + loaded.spec.generation.max_gen_toks;
    }
    shortest = Math.min(shortest, needed);
    if (needed > maxLength) overlong++;
  }
  if (overlong === tokenized.items.length) {
    throw new BprofError(
      `every one of the ${overlong} items of '${loaded.spec.name}' is longer than the model's context of ${maxLength} tokens ` +
        `(the shortest needs ${shortest}): this model cannot run this benchmark`,
      where,
    );
  }
  return overlong;
}

/** The warning for items that are cut to the context (lm-eval's left truncation), as eval and profile print it. */
export function warnOverlong(overlong: number, total: number, benchmark: string): void {
  process.stderr.write(`bprof: warning: ${overlong} of ${total} items of ${benchmark} are longer than the context and are cut as lm-eval cuts them\n`);
}
