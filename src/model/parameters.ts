import type { ModelConfig } from "./config.js";

/**
 * The parameters a Llama-family model has, by their Hugging Face checkpoint names, with
 * the shape each must have. Loaders check checkpoints against this, the model builds
 * itself from it, and masks address weights by these names.
 */
export function expectedParameterShapes(config: ModelConfig): Map<string, number[]> {
  const { hiddenSize: C, intermediateSize: F, vocabSize: V, numAttentionHeads: H, numKeyValueHeads: KV, headDim: D } = config;
  const shapes = new Map<string, number[]>();
  shapes.set("model.embed_tokens.weight", [V, C]);
  for (let i = 0; i < config.numHiddenLayers; i++) {
    const p = `model.layers.${i}.`;
    shapes.set(`${p}input_layernorm.weight`, [C]);
    shapes.set(`${p}self_attn.q_proj.weight`, [H * D, C]);
    shapes.set(`${p}self_attn.k_proj.weight`, [KV * D, C]);
    shapes.set(`${p}self_attn.v_proj.weight`, [KV * D, C]);
    if (config.qkvBias) {
      shapes.set(`${p}self_attn.q_proj.bias`, [H * D]);
      shapes.set(`${p}self_attn.k_proj.bias`, [KV * D]);
      shapes.set(`${p}self_attn.v_proj.bias`, [KV * D]);
    }
    shapes.set(`${p}self_attn.o_proj.weight`, [C, H * D]);
    if (config.oBias) shapes.set(`${p}self_attn.o_proj.bias`, [C]);
    shapes.set(`${p}post_attention_layernorm.weight`, [C]);
    shapes.set(`${p}mlp.gate_proj.weight`, [F, C]);
    shapes.set(`${p}mlp.up_proj.weight`, [F, C]);
    shapes.set(`${p}mlp.down_proj.weight`, [C, F]);
    if (config.mlpBias) {
      shapes.set(`${p}mlp.gate_proj.bias`, [F]);
      shapes.set(`${p}mlp.up_proj.bias`, [F]);
      shapes.set(`${p}mlp.down_proj.bias`, [C]);
    }
  }
  shapes.set("model.norm.weight", [C]);
  if (!config.tieWordEmbeddings) shapes.set("lm_head.weight", [V, C]);
  return shapes;
}

export function countParameters(shapes: Map<string, number[]>): number {
  let n = 0;
  for (const shape of shapes.values()) n += shape.reduce((a, b) => a * b, 1);
  return n;
}

/** The weight matrices of a decoder layer, in Hugging Face Llama registration order ("layer order"). */
export const DECODER_MATRICES = [
  "self_attn.q_proj",
  "self_attn.k_proj",
  "self_attn.v_proj",
  "self_attn.o_proj",
  "mlp.gate_proj",
  "mlp.up_proj",
  "mlp.down_proj",
] as const;

const DECODER_MATRIX = /^model\.layers\.(\d+)\.([a-z_]+\.[a-z_]+)\.weight$/;

export interface DecoderMatrix {
  layer: number;
  /** e.g. "mlp.gate_proj" */
  matrix: string;
}

/** Parse an HF parameter name as a decoder-layer weight matrix, or null if it is none. */
export function parseDecoderMatrix(name: string): DecoderMatrix | null {
  const m = DECODER_MATRIX.exec(name);
  if (!m || !(DECODER_MATRICES as readonly string[]).includes(m[2]!)) return null;
  return { layer: Number(m[1]), matrix: m[2]! };
}
