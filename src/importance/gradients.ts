import { keep, noGrad, scope, Tensor } from "../engine/index.js";
import { BprofError } from "../errors.js";
import type { LlamaModel } from "../model/llama.js";
import { checkpointedBackward } from "./checkpointed-backward.js";
import { perItemLosses } from "./item-losses.js";
import type { RenderedProbe } from "./render.js";
import { inVariant, parseDecoderMatrix, type AblationVariant } from "../model/parameters.js";
import { deviceExtremes, type Extremes } from "./device-extremes.js";
import type { Extreme } from "./score-source.js";

/**
 * How per-item gradients g_i = ∇θ L_i are accumulated over the train split (docs/method.md, step 1)
 * into the statistic G the score is computed from:
 * - `signed-sum` (default): G = Σ_i g_i (cancellation across items allowed);
 * - `abs-sum`: G = Σ_i |g_i|, so the taylor score |θ ⊙ G| is Σ_i |θ ⊙ g_i|;
 * - `fisher`: G = Σ_i g_i².
 * `signed-sum` is linear, so a batch backpropagates the sum of its items' mean losses; the two
 * others need each item's own gradient, so they run one item per backward whatever the batch
 * size. Either way the result does not depend on the batch size.
 */
export const AGGREGATES = ["signed-sum", "abs-sum", "fisher"] as const;
export type GradientAggregate = (typeof AGGREGATES)[number];

/**
 * The score per weight element from θ and G:
 * - `taylor` (default): I = |θ ⊙ G|;
 * - `grad`: I = |G|;
 * - `fisher`: I = θ² ⊙ G, defined with the `fisher` aggregate only (I = θ² ⊙ Σ_i g_i²).
 */
export const SCORES = ["taylor", "fisher", "grad"] as const;
export type ScoreKind = (typeof SCORES)[number];

export interface GradientProgress {
  /** Called after each backward with the items and tokens it covered. */
  (items: number, tokens: number): void;
}

export interface AccumulatedGradients {
  /** Per scored tensor, G as f32 on the model's device. */
  statistic: Map<string, Tensor>;
  /** Per item, L_i (mean next-token cross-entropy over its loss scope). */
  losses: Float64Array;
}

export interface GradientOptions {
  aggregate: GradientAggregate;
  /** Items per backward at most (signed-sum; the other aggregates take one item at a time). */
  batchSize: number;
  /** Also at most this many token slots (rows × longest row) per backward; null/absent: no bound. */
  batchTokens?: number | null;
  /** Activation checkpointing per decoder layer (checkpointed-backward.ts). */
  checkpointLayers?: boolean;
  onProgress?: GradientProgress;
}

/**
 * Consecutive items in batches of at most `batchSize` items and, with a token budget, at most
 * `batchTokens` token slots (rows × longest row, the padded [B, T] the forward makes); an item
 * longer than the budget goes alone. Order is kept, so losses stay in item order.
 */
export function itemBatches(
  items: RenderedProbe[],
  batchSize: number,
  batchTokens: number | null,
): { start: number; batch: RenderedProbe[] }[] {
  const out: { start: number; batch: RenderedProbe[] }[] = [];
  let start = 0;
  while (start < items.length) {
    let end = start + 1;
    let longest = items[start]!.inputIds.length;
    while (end < items.length && end - start < batchSize) {
      const wider = Math.max(longest, items[end]!.inputIds.length);
      if (batchTokens !== null && wider * (end - start + 1) > batchTokens) break;
      longest = wider;
      end++;
    }
    out.push({ start, batch: items.slice(start, end) });
    start = end;
  }
  return out;
}

/** Every decoder weight matrix (the union of the ablation variants): the only tensors scored. */
export function scoredParameterNames(model: LlamaModel): string[] {
  return [...model.params.keys()].filter((name) => parseDecoderMatrix(name) !== null);
}

/**
 * Accumulate G over the rendered items. Gradients are taken only for the scored tensors
 * (embeddings, norms, head and biases are never ablated), and G is kept in f32 whatever the
 * compute dtype. Any NaN/Inf gradient stops the run, naming the tensor and the items.
 */
export function accumulateGradients(model: LlamaModel, items: RenderedProbe[], opts: GradientOptions): AccumulatedGradients {
  const names = scoredParameterNames(model);
  const batchSize = opts.aggregate === "signed-sum" ? opts.batchSize : 1;
  const batches = itemBatches(items, batchSize, opts.aggregate === "signed-sum" ? (opts.batchTokens ?? null) : null);
  // An f32 model's signed sum accumulates in .grad itself (libtorch adds every backward into
  // it): no second copy of the scored weights. Otherwise G lives in its own f32 tensors.
  const inGrad = opts.aggregate === "signed-sum" && model.dtype === "f32";
  const statistic = new Map<string, Tensor>();
  if (!inGrad) {
    for (const n of names) statistic.set(n, keep(Tensor.zeros([...model.param(n).shape], { dtype: "f32", device: model.device })));
  }
  const losses = new Float64Array(items.length);
  /** Check one tensor's fresh gradient for NaN/Inf and fold it into G (then clear it). */
  const reduceGradient = (name: string, batch: RenderedProbe[]): void => {
    const param = model.param(name);
    const g = param.grad?.to({ dtype: "f32" }) ?? Tensor.zeros([...param.shape], { dtype: "f32", device: model.device });
    if (!Number.isFinite(g.sub(g).sum().item())) {
      throw new BprofError(`gradient of ${name} is not finite (NaN or Inf) after item(s) ${batch.map((b) => b.id).join(", ")}`, {
        field: name,
      });
    }
    if (inGrad) return;
    const acc = statistic.get(name)!;
    if (opts.aggregate === "signed-sum") acc.addInPlace(g);
    else if (opts.aggregate === "abs-sum") acc.addInPlace(g.abs());
    else acc.addcmulInPlace(g, g);
    param.zeroGrad();
  };
  model.setRequiresGrad(false);
  model.setRequiresGrad(true, names);
  try {
    for (const name of names) model.param(name).zeroGrad();
    for (const { start, batch } of batches) {
      const batchLosses = opts.checkpointLayers
        ? checkpointedBackward(model, batch)
        : scope(() => {
            const perItem = perItemLosses(model, batch); // [B]
            perItem.sum().backward();
            return perItem.detach().toFloat32();
          });
      batchLosses.forEach((l, i) => (losses[start + i] = l));
      // One scope per tensor: its f32 copy of the gradient and the finiteness temporary are
      // freed before the next tensor's are made, so nothing of the model's size outlives the
      // tensor being reduced (one scope over the loop kept every tensor's alive to its end).
      noGrad(() => {
        for (const name of names) scope(() => reduceGradient(name, batch));
      });
      opts.onProgress?.(
        batch.length,
        batch.reduce((s, b) => s + b.inputIds.length, 0),
      );
    }
    if (inGrad) {
      for (const name of names) {
        const param = model.param(name);
        statistic.set(name, keep(param.grad ?? Tensor.zeros([...param.shape], { dtype: "f32", device: model.device })));
      }
    }
  } catch (err) {
    for (const t of statistic.values()) t.dispose();
    throw err;
  } finally {
    for (const name of names) model.param(name).zeroGrad();
    model.setRequiresGrad(false);
  }
  return { statistic, losses };
}

/** I from θ and G (see SCORES); f32 on the model's device. */
export function scoreTensor(theta: Tensor, statistic: Tensor, score: ScoreKind): Tensor {
  return scope(() => {
    const t = theta.to({ dtype: "f32" });
    if (score === "taylor") return t.mul(statistic).abs();
    if (score === "grad") return statistic.abs();
    return t.square().mul(statistic);
  });
}

export function checkScoreAggregate(score: ScoreKind, aggregate: GradientAggregate): void {
  if (score === "fisher" && aggregate !== "fisher") {
    throw new BprofError(`score 'fisher' is θ² ⊙ Σ g_i² and needs --aggregate fisher (got '${aggregate}')`, { field: "score" });
  }
}

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
      const tensors = [...statistic.keys()]
        .filter((name) => inVariant(name, request.variant))
        .map((name) => ({
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
