import { importanceOfLoadedModel } from "../importance/run-importance.js";
import type { ProbeItem } from "../probes/schema.js";
import type { RunContext } from "./run-context.js";
import { type PlanImportance } from "./run-plan.js";
import { planRef } from "./run-store.js";

/** One ability's importance directory in the store, computed unless it is there; returns its path. */
export async function ensureImportance(ctx: RunContext, importance: PlanImportance, probes: ProbeItem[]): Promise<string> {
  const ref = planRef("importance", importance);
  if (!ctx.isDone(ref)) {
    const o = ctx.options;
    ctx.log(`importance of ${importance.ability}: ${probes.length} train items`);
    await ctx.commit(ref, (dir) => {
      importanceOfLoadedModel(ctx.loaded, probes, {
        ability: importance.ability,
        probesDir: o.probesDir,
        split: "train",
        lossScope: o.lossScope,
        aggregate: o.aggregate,
        score: o.score,
        batchSize: o.importanceBatchSize,
        limit: o.limit ?? undefined,
        systemPrompt: o.systemPrompt,
        truncate: o.truncate,
        out: dir,
        quiet: o.quiet,
        modelHash: ctx.modelHash,
      });
    });
  }
  return ctx.store.path(ref);
}
