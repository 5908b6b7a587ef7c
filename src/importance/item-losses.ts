import { scope, Tensor } from "../engine/index.js";
import type { LlamaModel } from "../model/llama.js";
import type { RenderedProbe } from "./render.js";

/**
 * L_i for each item of a batch: mean next-token cross-entropy over the tokens its loss mask
 * marks, i.e. the model's weighted loss with w_t = lossMask[t] / Σ lossMask. Rows are
 * right-padded; with causal attention a real token never sees the padding after it, so no
 * attention mask is needed, and padded targets weigh 0. → [B]
 */
export function perItemLosses(model: LlamaModel, batch: RenderedProbe[]): Tensor {
  return scope(() => {
    const rows = batchRows(model, batch);
    return model.weightedLoss(rows.input, rows.weights); // [B]
  });
}

export interface BatchRows {
  /** [B, T] i64, right-padded with 0. */
  input: Tensor;
  /** [B, T] f32: target t of row b weighs lossMask[t]/(its counted tokens); t = 0 and padding 0. */
  weights: Tensor;
}

/** The batch as right-padded ids and per-target loss weights, on the model's device. */
export function batchRows(model: LlamaModel, batch: RenderedProbe[]): BatchRows {
  const B = batch.length;
  const T = Math.max(...batch.map((b) => b.inputIds.length));
  const ids = new BigInt64Array(B * T);
  const weights = new Float32Array(B * T);
  batch.forEach((item, b) => {
    item.inputIds.forEach((id, t) => (ids[b * T + t] = BigInt(id)));
    const counted = item.lossMask.reduce((s, m) => s + m, 0);
    for (let t = 1; t < item.inputIds.length; t++) weights[b * T + t] = item.lossMask[t]! / counted;
  });
  return {
    input: Tensor.fromInt64(ids, [B, T], { device: model.device }),
    weights: Tensor.fromFloat32(weights, [B, T], { device: model.device }),
  };
}
