import { noGrad, scope, type Tensor } from "../engine/index.js";
import type { LlamaModel } from "../model/llama.js";
import { batchRows } from "./item-losses.js";
import type { RenderedProbe } from "./render.js";

/**
 * Σ_i L_i backpropagated with activation checkpointing per decoder layer: the forward runs
 * without a graph and keeps only each layer's input x_l [B, T, C]; the backward then
 * recomputes one layer at a time with its graph, from the top down, passing ∂L/∂x_l to the
 * layer below. Peak activation memory is L inputs plus one layer's graph (and the head's),
 * instead of every layer's graph at once; the parameters' .grad get the same sums as a
 * plain backward (each weight is used by one layer, so nothing is summed in another order).
 * Returns L_i [B] (detached).
 */
export function checkpointedBackward(model: LlamaModel, batch: RenderedProbe[]): Float32Array {
  return scope(() => {
    const rows = batchRows(model, batch);
    const ctx = noGrad(() => model.layerContext(rows.input));
    const inputs: Tensor[] = []; // x_0 … x_{L-1}, each [B, T, C], no graph
    let x = noGrad(() => model.embed(rows.input));
    for (let l = 0; l < model.config.numHiddenLayers; l++) {
      inputs.push(x);
      const below = x;
      x = noGrad(() => scope(() => model.decoderLayer(l, below, ctx))); // [B, T, C]
    }
    // The head: final norm, logits and loss with their graph, from x_L as a leaf.
    const top = x.setRequiresGrad(true);
    const losses = scope(() => {
      const perItem = model.weightedLossOfLogits(model.unembed(model.finalNorm(top)), rows.input, rows.weights); // [B]
      perItem.sum().backward();
      return perItem.detach().toFloat32();
    });
    let upstream = top.grad!; // ∂L/∂x_L [B, T, C]
    top.dispose();
    for (let l = model.config.numHiddenLayers - 1; l >= 0; l--) {
      const input = inputs[l]!.setRequiresGrad(true);
      const grad = upstream;
      upstream = scope(() => {
        model.decoderLayer(l, input, ctx).backward(grad);
        return input.grad!; // ∂L/∂x_l
      });
      grad.dispose();
      input.dispose();
    }
    upstream.dispose();
    return losses;
  });
}
