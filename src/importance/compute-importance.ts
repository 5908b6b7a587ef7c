import { keep, scope, type Tensor } from "../engine/index.js";
import type { LlamaModel } from "../model/llama.js";
import { accumulateGradients, scoreTensor, type GradientOptions, type ScoreKind } from "./gradients.js";
import type { RenderedProbe } from "./render.js";

export interface ImportanceScores {
  /** Per decoder weight matrix, its flat row-major scores (empty when they went to onTensorScores). */
  scores: Map<string, Float32Array>;
  /** Per item, L_i. */
  losses: Float64Array;
}

/** Steps 1's gradients and scores for tokenized items, on the model as loaded (nothing written). */
export function computeImportanceScores(
  model: LlamaModel,
  items: RenderedProbe[],
  opts: GradientOptions & {
    score: ScoreKind;
    /** Takes each tensor's scores as they are made, instead of the returned map: the host holds one tensor's at a time. */
    onTensorScores?: (name: string, scores: Float32Array) => void;
  },
): ImportanceScores {
  const { statistic, losses } = accumulateGradients(model, items, opts);
  const scores = new Map<string, Float32Array>();
  try {
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
  return { scores, losses };
}
