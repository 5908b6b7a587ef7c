import { importanceOfLoadedModel } from "../importance/run-importance.js";
import type { ProbeItem } from "../probes/schema.js";
import type { RunContext } from "./run-context.js";
import { ablationCount } from "../importance/ablation-count.js";
import type { CandidateRequest } from "../importance/compute-importance.js";
import { scoredParameterNames } from "../importance/gradients.js";
import { inScope } from "../importance/scope.js";
import { importanceStore, planRef, type PlanImportance } from "./run-plan.js";

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
        batchTokens: o.importanceBatchTokens,
        ...storeOptions(ctx),
        // Resolved by the memory plan (run-profile.ts): "auto" is never left here.
        checkpointLayers: o.checkpointLayers === "on",
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

/** The importance run's keepScores and candidate requests (run-plan.ts importanceStore), sized on the loaded model. */
function storeOptions(ctx: RunContext): { keepScores: "f32" | "f16" | null; candidates: CandidateRequest[] } {
  const store = importanceStore(ctx.options);
  const { model, info } = ctx.loaded;
  const candidates: CandidateRequest[] = [];
  for (const variant of store.candidates?.variants ?? []) {
    const nScope = scoredParameterNames(model).filter((name) => inScope(name, variant)).reduce((s, name) => s + model.param(name).numel, 0);
    const n = ablationCount(store.candidates!.k, info.numParameters, nScope);
    candidates.push({ variant, n, extreme: "highest" });
    if (store.candidates!.bottom) candidates.push({ variant, n, extreme: "lowest" });
  }
  return { keepScores: store.scores, candidates };
}
