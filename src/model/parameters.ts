import type { ModelConfig } from "./config.js";

/**
 * The parameters a decoder model has, by their Hugging Face checkpoint names, with the
 * shape each must have, in the order HF registers them. Loaders check checkpoints against
 * this (its keys are the architecture's expected parameter names), the model builds itself
 * from it, and masks address weights by these names.
 */
export function expectedParameterShapes(config: ModelConfig): Map<string, number[]> {
  const { hiddenSize: C, intermediateSize: F, vocabSize: V, numAttentionHeads: H, numKeyValueHeads: KV, headDim: D } = config;
  const shapes = new Map<string, number[]>();
  shapes.set("model.embed_tokens.weight", [V, C]);
  for (let i = 0; i < config.numHiddenLayers; i++) {
    const p = `model.layers.${i}.`;
    shapes.set(`${p}input_layernorm.weight`, [C]);
    if (config.fusedProjections) {
      shapes.set(`${p}self_attn.qkv_proj.weight`, [(H + 2 * KV) * D, C]);
    } else {
      shapes.set(`${p}self_attn.q_proj.weight`, [H * D, C]);
      shapes.set(`${p}self_attn.k_proj.weight`, [KV * D, C]);
      shapes.set(`${p}self_attn.v_proj.weight`, [KV * D, C]);
    }
    if (config.qkvBias) {
      shapes.set(`${p}self_attn.q_proj.bias`, [H * D]);
      shapes.set(`${p}self_attn.k_proj.bias`, [KV * D]);
      shapes.set(`${p}self_attn.v_proj.bias`, [KV * D]);
    }
    shapes.set(`${p}self_attn.o_proj.weight`, [C, H * D]);
    if (config.oBias) shapes.set(`${p}self_attn.o_proj.bias`, [C]);
    if (config.qkNorm) {
      shapes.set(`${p}self_attn.q_norm.weight`, [D]);
      shapes.set(`${p}self_attn.k_norm.weight`, [D]);
    }
    shapes.set(`${p}post_attention_layernorm.weight`, [C]);
    if (config.sandwichNorms) {
      shapes.set(`${p}pre_feedforward_layernorm.weight`, [C]);
      shapes.set(`${p}post_feedforward_layernorm.weight`, [C]);
    }
    if (config.fusedProjections) {
      shapes.set(`${p}mlp.gate_up_proj.weight`, [2 * F, C]);
    } else {
      shapes.set(`${p}mlp.gate_proj.weight`, [F, C]);
      shapes.set(`${p}mlp.up_proj.weight`, [F, C]);
    }
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

/** The architecture's expected parameter names (checkpoint keys), in HF registration order. */
export function expectedParameterNames(config: ModelConfig): string[] {
  return [...expectedParameterShapes(config).keys()];
}

export function countParameters(shapes: Map<string, number[]>): number {
  let n = 0;
  for (const shape of shapes.values()) n += shape.reduce((a, b) => a * b, 1);
  return n;
}

/**
 * The weight matrices of a decoder layer, in Hugging Face Llama registration order ("layer order").
 * Phi-3's fused matrices (qkv_proj, gate_up_proj) stand where the ones they fuse stand.
 */
export const DECODER_MATRICES = [
  "self_attn.q_proj",
  "self_attn.k_proj",
  "self_attn.v_proj",
  "self_attn.qkv_proj",
  "self_attn.o_proj",
  "mlp.gate_proj",
  "mlp.up_proj",
  "mlp.gate_up_proj",
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

/**
 * The ablation variants (docs/method.md, step 2): which weight matrices may be selected.
 * `mlp`: gate/up/down (Phi-3: gate_up/down) of every decoder layer; `all`: q/k/v/o (Phi-3: qkv/o) and the MLP.
 * Embeddings, the output head, norms and biases are never in a scope.
 */
export const ABLATION_VARIANTS = ["mlp", "all"] as const;
export type AblationVariant = (typeof ABLATION_VARIANTS)[number];

const MLP_MATRICES = new Set<string>(["mlp.gate_proj", "mlp.up_proj", "mlp.gate_up_proj", "mlp.down_proj"]);

export function inVariant(name: string, variant: AblationVariant): boolean {
  const parsed = parseDecoderMatrix(name);
  if (!parsed) return false;
  return variant === "all" || MLP_MATRICES.has(parsed.matrix);
}
