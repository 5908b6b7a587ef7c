import { applyMask } from "../masks/apply-mask.js";
import { summariseScores, writeEvaluation } from "../eval/evaluate.js";
import type { PreparedBenchmark } from "../eval/prepare.js";
import { scoreBenchmark } from "../eval/score.js";
import type { TokenizedBenchmark } from "../eval/tokenize.js";
import { readMask } from "../masks/mask.js";
import { createProgress } from "../util/progress.js";
import type { RunContext } from "./run-context.js";
import { type PlanEvaluation, type PlanMask } from "./run-plan.js";
import { planRef } from "./run-store.js";

/** A benchmark ready to score: loaded, rendered and tokenized once for the whole run. */
export interface ReadyBenchmark {
  name: string;
  prepared: PreparedBenchmark;
  tokenized: TokenizedBenchmark;
  /** The item limit it was prepared with (recorded in results.json). */
  limit: number | null;
}

/**
 * Every pending evaluation under one mask (or the base model when `mask` is null): the mask
 * is ablated in place once, every benchmark scored and stored with its per-item log, and the
 * weights restored exactly (restore() re-hashes the touched values and throws if they differ).
 */
export async function evaluateUnderMask(
  ctx: RunContext,
  mask: PlanMask | null,
  evaluations: PlanEvaluation[],
  benchmarks: Map<string, ReadyBenchmark>,
): Promise<void> {
  const pending = evaluations.filter((e) => !ctx.isDone(planRef("evaluation", e)));
  if (pending.length === 0) return;
  const o = ctx.options;
  const label = `eval ${mask?.name ?? "base"}`;
  const total = pending.reduce((s, e) => s + benchmarks.get(e.benchmark)!.tokenized.items.length, 0);
  ctx.log(`${label}: ${pending.length} benchmarks, ${total} items`);
  const progress = createProgress({ label, total, unit: "items", quiet: o.quiet });

  const maskData = mask ? readMask(ctx.store.path(planRef("mask", mask))) : null;
  const ablation = maskData ? applyMask(ctx.loaded.model.params, maskData) : null;
  try {
    for (const evaluation of pending) {
      const bench = benchmarks.get(evaluation.benchmark)!;
      let done = 0;
      const started = performance.now();
      const scores = await scoreBenchmark(ctx.lm, bench.tokenized, {
        sharedContext: o.sharedContext,
        batchSize: o.evalBatchSize,
        progress: (now) => {
          progress.tick(now - done);
          done = now;
        },
      });
      const result = summariseScores(bench.prepared, scores, {
        sharedContext: o.sharedContext,
        addBos: bench.tokenized.addBos,
        limit: bench.limit,
        skipBadRows: false,
      });
      result.results.model = ctx.loaded.info.path;
      if (ablation && mask) result.results.mask = { dir: mask.dir, touched: ablation.touched, checksum: ablation.checksum };
      await ctx.commit(planRef("evaluation", evaluation), (dir) => void writeEvaluation(dir, result), (performance.now() - started) / 1000);
    }
  } finally {
    ablation?.restore();
  }
  progress.done();
}
