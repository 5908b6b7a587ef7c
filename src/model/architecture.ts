/**
 * What sets one decoder architecture apart from Llama, as switches the one model code
 * (llama.ts) reads. Every switch off is Llama/Mistral/Qwen2; each architecture turns on
 * what its Hugging Face modeling file does:
 *
 * - Qwen3 (`qwen3`): RMSNorm over each head of q and k before RoPE (`q_norm`, `k_norm`, [D]).
 * - Gemma-2 (`gemma2`): x_0 = E[ids]·√C; RMSNorm scales by (1 + w); sandwich norms
 *   (x' = x + N_post(Attn(N_in(x))), x'' = x' + N_postff(MLP(N_preff(x')))); GeGLU MLP with
 *   tanh-approximated GELU; scores scaled by query_pre_attn_scalar^-½ and soft-capped
 *   (c·tanh(s/c)) before the mask; final logits soft-capped; even layers slide a window.
 * - Gemma-3 text (`gemma3_text`): Gemma-2 without soft-capping, plus (1 + w) q/k norms; one
 *   layer in `sliding_window_pattern` is global, the others slide and rotate with
 *   `rope_local_base_freq` (unscaled), the global ones with `rope_theta` and `rope_scaling`.
 * - Phi-3 (`phi3`): q, k, v fused in `qkv_proj` [(H + 2·KV)·D, C] and gate, up in
 *   `gate_up_proj` [2F, C] (gate rows first), as the checkpoint stores them: masks address
 *   those fused matrices, by the checkpoint's own names.
 */
export interface ArchitectureFeatures {
  /** RMSNorm over each head of q and k before RoPE (Qwen3, Gemma-3): weights [D]. */
  qkNorm: boolean;
  /** Gemma: every RMSNorm scales by (1 + w) instead of w. */
  normPlusOne: boolean;
  /** Gemma-2/3: attention and MLP outputs normed before the residual add, and a norm before the MLP. */
  sandwichNorms: boolean;
  /** Gemma: the embeddings times √C (rounded to the compute dtype, as HF does); null for none. */
  embeddingScale: number | null;
  /** silu (SwiGLU) or gelu_tanh (GeGLU with GELU's tanh approximation). */
  hiddenActivation: "silu" | "gelu_tanh";
  /** q·k is multiplied by this: 1/√D, or query_pre_attn_scalar^-½ (Gemma). */
  attentionScale: number;
  /** Gemma-2: scores become c·tanh(s/c) before the mask; null for none. */
  attnLogitSoftcap: number | null;
  /** Gemma-2: logits become c·tanh(z/c); null for none. */
  finalLogitSoftcap: number | null;
  /** Per layer: whether its attention is limited to `slidingWindow` (all layers for Mistral and Phi-3). */
  slidingLayers: boolean[];
  /** Gemma-3: RoPE base of the sliding layers (unscaled); null when every layer rotates alike. */
  localRopeTheta: number | null;
  /** Phi-3: fused qkv_proj and gate_up_proj in place of q/k/v_proj and gate/up_proj. */
  fusedProjections: boolean;
}

/** Llama's features: everything off, 1/√D attention, sliding on every layer when a window is set. */
export function llamaFeatures(numLayers: number, headDim: number, slidingWindow: number | null): ArchitectureFeatures {
  return {
    qkNorm: false,
    normPlusOne: false,
    sandwichNorms: false,
    embeddingScale: null,
    hiddenActivation: "silu",
    attentionScale: 1 / Math.sqrt(headDim),
    attnLogitSoftcap: null,
    finalLogitSoftcap: null,
    slidingLayers: Array.from({ length: numLayers }, () => slidingWindow !== null),
    localRopeTheta: null,
    fusedProjections: false,
  };
}
