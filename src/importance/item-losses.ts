import { scope, Tensor } from "../engine/index.js";
import type { LlamaModel } from "../model/llama.js";
import type { RenderedProbe } from "./render.js";

/**
 * L_i for each item of a batch: mean next-token cross-entropy over the tokens its loss mask
 * marks. Rows are right-padded; with causal attention a real token never sees the padding
 * after it, so no attention mask is needed, and padded targets weigh 0. → [B]
 */
export function perItemLosses(model: LlamaModel, batch: RenderedProbe[]): Tensor {
  return scope(() => {
    const rows = batchRows(model, batch);
    return lossesFromLogits(model.forward(rows.input), rows); // [B]
  });
}

export interface BatchRows {
  /** [B, T] i64, right-padded with 0. */
  input: Tensor;
  /** [B·(T-1)] f32: target t+1 of row b weighs lossMask/(its counted tokens), padding 0. */
  weights: Tensor;
}

/** The batch as right-padded ids and per-target loss weights, on the model's device. */
export function batchRows(model: LlamaModel, batch: RenderedProbe[]): BatchRows {
  const B = batch.length;
  const T = Math.max(...batch.map((b) => b.inputIds.length));
  const ids = new BigInt64Array(B * T);
  const weights = new Float32Array(B * (T - 1));
  batch.forEach((item, b) => {
    item.inputIds.forEach((id, t) => (ids[b * T + t] = BigInt(id)));
    const counted = item.lossMask.reduce((s, m) => s + m, 0);
    for (let t = 1; t < item.inputIds.length; t++) weights[b * (T - 1) + t - 1] = item.lossMask[t]! / counted;
  });
  return {
    input: Tensor.fromInt64(ids, [B, T], { device: model.device }),
    weights: Tensor.fromFloat32(weights, [B * (T - 1)], { device: model.device }),
  };
}

/** logits [B, T, V] → L_i [B] (see perItemLosses). */
export function lossesFromLogits(logits: Tensor, { input, weights }: BatchRows): Tensor {
  return scope(() => {
    const [B, T, V] = logits.shape as [number, number, number];
    const predictions = logits.narrow(1, 0, T - 1).reshape([B * (T - 1), V]); // [B·(T-1), V]
    const targets = input.narrow(1, 1, T - 1).reshape([B * (T - 1)]); // [B·(T-1)]
    const nll = predictions.crossEntropy(targets, { reduction: "none" }); // [B·(T-1)]
    return nll.mul(weights).reshape([B, T - 1]).sum(1); // [B]
  });
}
