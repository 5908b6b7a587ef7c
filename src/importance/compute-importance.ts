import { keep, scope, type Tensor } from "../engine/index.js";
import type { LlamaModel } from "../model/llama.js";
import { accumulateGradients, scoreTensor, type GradientOptions, type ScoreKind } from "./gradients.js";
import { deviceExtremes, type Extremes } from "./device-extremes.js";
import type { Extreme } from "./exact-select.js";
import type { RenderedProbe } from "./render.js";
import { inScope, type AblationVariant } from "./scope.js";

export interface ImportanceScores {
  /** Per decoder weight matrix, its flat row-major scores (empty when they went to onTensorScores). */
  scores: Map<string, Float32Array>;
  /** Per item, L_i. */
  losses: Float64Array;
  /** The requested candidate sets (exact top/bottom n of a scope), in request order. */
  candidates: (Extremes & { variant: AblationVariant })[];
}

/** One compact candidate set to compute: the n highest (or lowest) scores of a scope. */
export interface CandidateRequest {
  variant: AblationVariant;
  n: number;
  extreme: Extreme;
}

/** Steps 1's gradients and scores for tokenized items, on the model as loaded (nothing written). */
export function computeImportanceScores(
  model: LlamaModel,
  items: RenderedProbe[],
  opts: GradientOptions & {
    score: ScoreKind;
    /** Takes each tensor's scores as they are made, instead of the returned map: the host holds one tensor's at a time. */
    onTensorScores?: (name: string, scores: Float32Array) => void;
    /** Candidate sets computed on the device, before (and besides) the full scores. */
    candidates?: CandidateRequest[];
    /** Make no full score arrays (only candidates). */
    candidatesOnly?: boolean;
  },
): ImportanceScores {
  const { statistic, losses } = accumulateGradients(model, items, opts);
  const scores = new Map<string, Float32Array>();
  const candidates: ImportanceScores["candidates"] = [];
  try {
    for (const request of opts.candidates ?? []) {
      const tensors = [...statistic.keys()].filter((name) => inScope(name, request.variant)).map((name) => ({
        name,
        numel: model.param(name).numel,
        scores: () => scoreTensor(model.param(name), statistic.get(name)!, opts.score),
      }));
      candidates.push({ ...deviceExtremes(tensors, request.n, request.extreme), variant: request.variant });
    }
    if (opts.candidatesOnly) return { scores, losses, candidates };
    // One tensor at a time, releasing its G as soon as it is scored: peak memory stays flat.
    for (const [name, g] of statistic) {
      const s: Tensor = keep(scope(() => scoreTensor(model.param(name), g, opts.score).to({ device: "cpu" })));
      if (opts.onTensorScores) opts.onTensorScores(name, s.toFloat32());
      else scores.set(name, s.toFloat32());
      s.dispose();
      g.dispose();
    }
  } finally {
    for (const g of statistic.values()) g.dispose();
  }
  return { scores, losses, candidates };
}
