import { keep, noGrad, scope, Tensor, type Device, type DType } from "../engine/index.js";
import type { ModelConfig } from "./config.js";
import { KVCache } from "./kv-cache.js";
import { expectedParameterShapes } from "./parameters.js";
import { inverseFrequencyTensor, ropeTables } from "./rope.js";

/**
 * The Llama family (Llama 1-3, Mistral, Qwen2) as Hugging Face defines it:
 *
 *   x_0 = E[ids]
 *   x'_l = x_l + Attn_l(RMSNorm(x_l))           for each layer l
 *   x_{l+1} = x'_l + MLP_l(RMSNorm(x'_l))
 *   logits = RMSNorm(x_L) W_head^T              (W_head = E when tie_word_embeddings)
 *
 * and the decoders that differ from it by the switches of architecture.ts (Qwen3, Gemma-2,
 * Gemma-3, Phi-3): Gemma's layer is
 *   x'_l = x_l + N_post(Attn_l(N_in(x_l))),  x_{l+1} = x'_l + N_postff(MLP_l(N_preff(x'_l)))
 * with x_0 = √C·E[ids] and N(x) = (1 + w) ⊙ x / rms(x).
 *
 * Parameters live in a Map keyed by the HF checkpoint names
 * (`model.layers.3.mlp.gate_proj.weight`), the names masks and checkpoints share.
 *
 * Shapes: B batch, T new tokens, S keys (cached + new), C hidden, H query heads,
 * KV key/value heads, D head size, F MLP width, V vocabulary.
 */

export type ParamDType = Extract<DType, "f32" | "bf16" | "f16">;

export interface ForwardOptions {
  /** [B, T], 1 for a token and 0 for padding (left or right); positions count real tokens only. */
  attentionMask?: Tensor;
  /** Keys/values of earlier tokens; the forward appends this call's to it. */
  cache?: KVCache;
  /**
   * [B, T] i64, for rows that pack several documents: a token attends only to the earlier
   * tokens of its own segment, so no document reads another (RoPE is relative, so positions
   * need not restart). Not with a cache.
   */
  segmentIds?: Tensor;
}

/** See LlamaModel.layerContext. */
export interface LayerContext {
  global: { cos: Tensor; sin: Tensor }; // [B|1, T, D/2]
  /** Gemma-3's sliding layers' tables (the global ones otherwise). */
  local: { cos: Tensor; sin: Tensor };
  /** [B|1, 1, T, S] bool, or null for plain causal attention. */
  fullMask: Tensor | null;
  slidingMask: Tensor | null;
  cache: KVCache | undefined;
  /** Keys and values each layer adds to the cache, committed after the last layer. */
  grown: { key: Tensor; value: Tensor }[];
  keyMask: Tensor | null;
  tokenMask: Tensor | null;
}

export interface GenerateOptions {
  maxNewTokens: number;
  /** Token ids that end generation (kept in the output); default the config's eos ids. */
  stopIds?: readonly number[];
  /** Asked after each new token that is no stop id, with every new token so far: true ends generation. */
  until?: (generated: readonly number[]) => boolean;
}

export class LlamaModel {
  readonly device: Device;
  readonly dtype: ParamDType;
  private readonly inverseFrequencies: Tensor; // [D/2] f32
  /** Gemma-3's sliding layers rotate with their own base; null when every layer shares one. */
  private readonly localInverseFrequencies: Tensor | null; // [D/2] f32

  /** `params` must hold exactly expectedParameterShapes(config); the model owns them. */
  constructor(
    readonly config: ModelConfig,
    readonly params: Map<string, Tensor>,
  ) {
    const embed = this.param("model.embed_tokens.weight");
    this.device = embed.device;
    this.dtype = embed.dtype as ParamDType;
    this.inverseFrequencies = keep(inverseFrequencyTensor(config, this.device));
    this.localInverseFrequencies =
      config.localRopeTheta === null ? null : keep(inverseFrequencyTensor(config, this.device, { local: true }));
  }

  /** Random weights (N(0, 0.02²) matrices, unit norms, zero biases), for benchmarks and tests. */
  static random(config: ModelConfig, opts: { seed?: number; device?: Device; dtype?: ParamDType } = {}): LlamaModel {
    const params = new Map<string, Tensor>();
    let seed = opts.seed ?? 0;
    for (const [name, shape] of expectedParameterShapes(config)) {
      const init = scope(() => {
        if (name.endsWith("norm.weight")) return Tensor.ones(shape, { dtype: opts.dtype, device: opts.device });
        if (name.endsWith(".bias")) return Tensor.zeros(shape, { dtype: opts.dtype, device: opts.device });
        // Scaled in place: a temporary per matrix would stay in the allocator's free lists and
        // in RSS, which the benchmarks' memory figures count.
        const weight = Tensor.randn(shape, { seed: seed++, device: opts.device });
        weight.mulInPlace(0.02);
        return opts.dtype === undefined || opts.dtype === "f32" ? weight : weight.to({ dtype: opts.dtype });
      });
      params.set(name, keep(init));
    }
    return new LlamaModel(config, params);
  }

  get numParameters(): number {
    let n = 0;
    for (const t of this.params.values()) n += t.numel;
    return n;
  }

  param(name: string): Tensor {
    const t = this.params.get(name);
    if (t === undefined) throw new Error(`LlamaModel: no parameter '${name}'`);
    return t;
  }

  /** Turn gradient recording on or off for every parameter (or the named ones). */
  setRequiresGrad(flag: boolean, names: Iterable<string> = this.params.keys()): void {
    for (const name of names) this.param(name).setRequiresGrad(flag);
  }

  newCache(batch: number): KVCache {
    return new KVCache(batch, this.config.numHiddenLayers, this.device);
  }

  /** inputIds [B, T] i64 → logits [B, T, V] f32. */
  forward(inputIds: Tensor, opts: ForwardOptions = {}): Tensor {
    return scope(() => this.unembed(this.hiddenStates(inputIds, opts)));
  }

  /** The last layer's output after the final RMSNorm: inputIds [B, T] i64 → [B, T, C]. */
  hiddenStates(inputIds: Tensor, opts: ForwardOptions = {}): Tensor {
    return scope(() => {
      const ctx = this.layerContext(inputIds, opts);
      let x = this.embed(inputIds); // [B, T, C]
      for (let l = 0; l < this.config.numHiddenLayers; l++) x = this.decoderLayer(l, x, ctx); // [B, T, C]
      const { cache, keyMask, tokenMask, grown } = ctx;
      if (cache) cache.commit(grown, keyMask!, cache.nextPosition.add(tokenMask!.to({ dtype: "i64" }).sum(1))); // [B]
      return this.finalNorm(x); // [B, T, C]
    });
  }

  /**
   * What every layer of one forward shares: RoPE tables, the attention masks of the full and
   * the sliding layers, the cache. Made in the caller's scope; hiddenStates runs the layers on
   * it, and activation checkpointing runs them one at a time (twice) on it.
   */
  layerContext(inputIds: Tensor, opts: ForwardOptions = {}): LayerContext {
    const [B, T] = inputIds.shape as [number, number];
    const { cache } = opts;
    const past = cache?.length ?? 0;
    if (cache && cache.batch !== B) throw new Error(`forward: cache has ${cache.batch} rows, input ${B}`);
    if (opts.segmentIds && cache) throw new Error("forward: segmentIds do not go with a cache");

    const tokenMask = opts.attentionMask?.ne(0) ?? (cache ? Tensor.ones([B, T], { dtype: "bool", device: this.device }) : null); // [B, T]
    const keyMask = tokenMask && cache?.keyMask ? Tensor.cat([cache.keyMask, tokenMask], 1) : tokenMask; // [B, S]
    const positions = this.positionIds(B, T, tokenMask, cache); // [B, T] or [1, T]
    const global = ropeTables(positions, this.inverseFrequencies, this.dtype); // cos, sin [B|1, T, D/2]
    const local = this.localInverseFrequencies ? ropeTables(positions, this.localInverseFrequencies, this.dtype) : global;
    const { slidingLayers, slidingWindow } = this.config;
    // One mask for the full-attention layers and one for the sliding ones (null where no layer needs it).
    const [full, sliding] = [false, true].map((slides) => {
      if (!slidingLayers.includes(slides)) return null;
      let m = this.attentionMask(T, past, keyMask, slides ? slidingWindow : null); // [B|1, 1, T, S] bool, or null for plain causal
      if (opts.segmentIds) m = this.segmentMask(opts.segmentIds, m); // [B, 1, T, T] bool
      return m;
    }) as [Tensor | null, Tensor | null];
    return { global, local, fullMask: full, slidingMask: sliding, cache, grown: [], keyMask, tokenMask };
  }

  /** x_0: the token embeddings (Gemma: × √C, the factor rounded to the compute dtype first, as HF). inputIds [B, T] → [B, T, C]. */
  embed(inputIds: Tensor): Tensor {
    return scope(() => {
      const x = this.param("model.embed_tokens.weight").embedding(inputIds.to({ device: this.device })); // [B, T, C]
      if (this.config.embeddingScale === null) return x;
      return x.mul(Tensor.full([1], this.config.embeddingScale, { dtype: this.dtype, device: this.device })); // [B, T, C]
    });
  }

  /**
   * x_{l+1} from x_l [B, T, C] (the equations at the top of this file). Its temporaries (and
   * the keys/values it adds to ctx.grown) belong to the caller's scope.
   */
  decoderLayer(l: number, x: Tensor, ctx: LayerContext): Tensor {
    const p = `model.layers.${l}.`;
    const sliding = this.config.slidingLayers[l] === true;
    const { cos, sin } = sliding ? ctx.local : ctx.global;
    const mask = sliding ? ctx.slidingMask : ctx.fullMask;
    const attn = this.attention(l, this.norm(x, `${p}input_layernorm.weight`), cos, sin, mask, ctx.cache, ctx.grown); // [B, T, C]
    if (this.config.sandwichNorms) {
      const mid = x.add(this.norm(attn, `${p}post_attention_layernorm.weight`)); // [B, T, C]
      return mid.add(
        this.norm(this.mlp(l, this.norm(mid, `${p}pre_feedforward_layernorm.weight`)), `${p}post_feedforward_layernorm.weight`),
      ); // [B, T, C]
    }
    const mid = x.add(attn); // [B, T, C]
    return mid.add(this.mlp(l, this.norm(mid, `${p}post_attention_layernorm.weight`))); // [B, T, C]
  }

  /** The final RMSNorm: [B, T, C] → [B, T, C]. */
  finalNorm(x: Tensor): Tensor {
    return this.norm(x, "model.norm.weight");
  }

  /**
   * RMSNorm over the last dimension with the named weight: w ⊙ x / rms(x), or Gemma's
   * (1 + w) ⊙ x / rms(x) with 1 + w formed in f32 (HF adds in f32, then casts the product back).
   */
  private norm(x: Tensor, weightName: string): Tensor {
    const weight = this.param(weightName);
    if (!this.config.normPlusOne) return x.rmsNorm(weight, this.config.rmsNormEps);
    return scope(() => x.rmsNorm(weight.to({ dtype: "f32" }).add(1), this.config.rmsNormEps).to({ dtype: x.dtype }));
  }

  /** Final hidden states [..., C] → logits [..., V] f32 (the LM head, or E when tied; Gemma-2 soft-caps them: c·tanh(z/c)). */
  unembed(hidden: Tensor): Tensor {
    const head = this.params.get("lm_head.weight") ?? this.param("model.embed_tokens.weight"); // [V, C]
    const cap = this.config.finalLogitSoftcap;
    return scope(() => {
      const logits = hidden.linear(head).to({ dtype: "f32" }); // [..., V]
      return cap === null ? logits : logits.div(cap).tanh().mul(cap);
    });
  }

  /**
   * Position ids: real tokens count 0, 1, 2, … per row (continuing after the cache), so a
   * left-padded row gets the same positions as unpadded; padding slots get clamped values
   * (they are masked out as keys and their outputs are ignored).
   */
  private positionIds(B: number, T: number, tokenMask: Tensor | null, cache: KVCache | undefined): Tensor {
    if (tokenMask === null) return Tensor.arange(T, { device: this.device }).unsqueeze(0); // [1, T]
    const counted = tokenMask.to({ dtype: "i64" }).cumsum(1).sub(1); // [B, T]
    const start = cache ? cache.nextPosition.unsqueeze(1) : Tensor.zeros([B, 1], { dtype: "i64", device: this.device }); // [B, 1]
    return counted.add(start).maximum(start); // [B, T]
  }

  /**
   * Which keys each query may see, true = allowed: key slot j ≤ query slot (causal over
   * cache + new slots), not padding, and within the sliding window when one is given (slot
   * distance < window, as HF counts it). null when plain causal attention over new tokens suffices.
   */
  private attentionMask(T: number, past: number, keyMask: Tensor | null, window: number | null): Tensor | null {
    const windowBites = window !== null && past + T > window;
    if (keyMask === null && past === 0 && !windowBites) return null;
    const S = past + T;
    const querySlot = Tensor.arange(T, { device: this.device }).add(past).unsqueeze(1); // [T, 1]
    const keySlot = Tensor.arange(S, { device: this.device }).unsqueeze(0); // [1, S]
    let allowed = keySlot.le(querySlot); // [T, S]
    if (windowBites) allowed = allowed.logicalAnd(querySlot.sub(keySlot).lt(window)); // [T, S]
    allowed = allowed.unsqueeze(0).unsqueeze(0); // [1, 1, T, S]
    if (keyMask !== null) allowed = allowed.logicalAnd(keyMask.unsqueeze(1).unsqueeze(1)); // [B, 1, T, S]
    return allowed;
  }

  /** Causal (and `allowed`, when given) within each segment. segmentIds [B, T] i64. */
  private segmentMask(segmentIds: Tensor, allowed: Tensor | null): Tensor {
    const T = segmentIds.shape[1]!;
    const seg = segmentIds.to({ device: this.device });
    const same = seg.unsqueeze(2).eq(seg.unsqueeze(1)).unsqueeze(1); // [B, 1, T, T]
    const slot = Tensor.arange(T, { device: this.device });
    const causal = slot.unsqueeze(0).le(slot.unsqueeze(1)); // [T, T]: key ≤ query
    return same.logicalAnd(allowed ?? causal.unsqueeze(0).unsqueeze(0)); // [B, 1, T, T]
  }

  /**
   * Grouped-query self-attention:
   *   q = RoPE(h W_q^T + b_q), k = RoPE(h W_k^T + b_k), v = h W_v^T + b_v
   *   head i attends with key/value head ⌊i / (H/KV)⌋:  softmax(q k^T / √D + mask) v
   *   out = concat_heads(...) W_o^T + b_o
   * Biases: q/k/v in Qwen2 (and Llama with attention_bias), o only in Llama with attention_bias.
   * Phi-3 projects q, k, v with one fused matrix (rows q, then k, then v); Qwen3 and Gemma-3
   * RMSNorm each head of q and k before RoPE; Gemma scales by query_pre_attn_scalar^-½ and
   * Gemma-2 soft-caps the scores, c·tanh(s/c), before the mask.
   */
  private attention(
    layer: number,
    h: Tensor, // [B, T, C]
    cos: Tensor, // [B|1, T, D/2]
    sin: Tensor, // [B|1, T, D/2]
    mask: Tensor | null, // [B|1, 1, T, S] bool
    cache: KVCache | undefined,
    grown: { key: Tensor; value: Tensor }[],
  ): Tensor {
    const { numAttentionHeads: H, numKeyValueHeads: KV, headDim: D } = this.config;
    const [B, T] = h.shape as [number, number];
    const p = `model.layers.${layer}.self_attn.`;
    const project = (name: string) => h.linear(this.param(`${p}${name}.weight`), this.params.get(`${p}${name}.bias`)); // [B, T, heads·D]
    let [qh, kh, vh] = this.config.fusedProjections ? [null, null, null] : [project("q_proj"), project("k_proj"), project("v_proj")];
    if (qh === null || kh === null || vh === null) {
      const qkv = project("qkv_proj"); // [B, T, (H + 2·KV)·D]
      [qh, kh, vh] = [qkv.narrow(2, 0, H * D).contiguous(), qkv.narrow(2, H * D, KV * D).contiguous(), qkv.narrow(2, (H + KV) * D, KV * D)];
    }
    if (this.config.qkNorm) {
      const headNorm = (x: Tensor, heads: number, name: string) =>
        this.norm(x.reshape([B, T, heads, D]), `${p}${name}.weight`).reshape([B, T, heads * D]);
      qh = headNorm(qh, H, "q_norm"); // [B, T, H·D]
      kh = headNorm(kh, KV, "k_norm"); // [B, T, KV·D]
    }
    const q = qh.rope(cos, sin, H); // [B, H, T, D]
    let k = kh.rope(cos, sin, KV); // [B, KV, T, D]
    let v = vh.reshape([B, T, KV, D]).transpose(1, 2); // [B, KV, T, D]
    const past = cache?.layer(layer);
    if (past) {
      k = Tensor.cat([past.key, k], 2); // [B, KV, S, D]
      v = Tensor.cat([past.value, v], 2); // [B, KV, S, D]
    }
    if (cache) grown.push({ key: k, value: v });
    if (H !== KV) {
      k = k.repeatInterleave(H / KV, 1); // [B, H, S, D]
      v = v.repeatInterleave(H / KV, 1); // [B, H, S, D]
    }
    const attended = this.attend(q, k, v, mask); // [B, H, T, D]
    const merged = attended.transpose(1, 2).reshape([B, T, H * D]); // [B, T, H·D]
    return merged.linear(this.param(`${p}o_proj.weight`), this.params.get(`${p}o_proj.bias`)); // [B, T, C]
  }

  /**
   * softmax(q k^T · scale + mask) v over q [B, H, T, D], k and v [B, H, S, D], mask true =
   * allowed (null: causal). Gemma-2's soft-capped scores need the scores themselves, so
   * that path composes the product, cap, mask and softmax (in f32, as HF) out of ops.
   */
  private attend(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null): Tensor {
    const { attentionScale, attnLogitSoftcap: cap, headDim: D } = this.config;
    // 1/√D is the kernel's default; passing it as a number would compute the same thing.
    const scale = attentionScale === 1 / Math.sqrt(D) ? undefined : attentionScale;
    if (cap === null) return q.scaledDotProductAttention(k, v, mask ? { mask, scale } : { isCausal: true, scale }); // [B, H, T, D]
    return scope(() => {
      const [T, S] = [q.shape[2]!, k.shape[2]!];
      const allowed =
        mask ??
        Tensor.arange(S, { device: this.device })
          .unsqueeze(0)
          .le(Tensor.arange(T, { device: this.device }).unsqueeze(1)); // [.., T, S]
      const scores = q.mul(attentionScale).matmul(k.transpose(2, 3)).to({ dtype: "f32" }); // [B, H, T, S]
      const capped = scores.div(cap).tanh().mul(cap).maskedFill(allowed.logicalNot(), LOWEST_F32); // [B, H, T, S]
      return capped.softmax(-1).to({ dtype: q.dtype }).matmul(v); // [B, H, T, D]
    });
  }

  /**
   * Gated feed-forward: MLP(h) = (act(h W_gate^T) ⊙ (h W_up^T)) W_down^T (+ biases with mlp_bias),
   * act = silu (SwiGLU) or GELU's tanh form (Gemma's GeGLU); Phi-3's gate_up_proj holds W_gate
   * then W_up as one [2F, C] matrix.
   */
  private mlp(layer: number, h: Tensor /* [B, T, C] */): Tensor {
    const p = `model.layers.${layer}.mlp.`;
    const F = this.config.intermediateSize;
    const linear = (x: Tensor, name: string) => x.linear(this.param(`${p}${name}.weight`), this.params.get(`${p}${name}.bias`));
    const fused = this.config.fusedProjections ? linear(h, "gate_up_proj") : null; // [B, T, 2F]
    const gateIn = fused ? fused.narrow(2, 0, F) : linear(h, "gate_proj"); // [B, T, F]
    const up = fused ? fused.narrow(2, F, F) : linear(h, "up_proj"); // [B, T, F]
    const gate = this.config.hiddenActivation === "silu" ? gateIn.silu() : geluTanh(gateIn); // [B, T, F]
    return linear(gate.mul(up), "down_proj"); // [B, T, C]
  }

  /**
   * Next-token cross-entropy, weighted per target token and summed per row: position t−1
   * predicts token t, and
   *   L_b = Σ_{t ≥ 1} w[b, t] · −log softmax(logits[b, t−1])[x[b, t]].
   * w[b, 0] is never read (the first token has no prediction); padding weighs 0. The one
   * cross-entropy of bprof: `loss` below, importance's per-item losses and the organism's
   * training loss are this with different weights.
   * inputIds [B, T] i64, weights [B, T] f32 → [B] f32.
   */
  weightedLoss(inputIds: Tensor, weights: Tensor, opts: ForwardOptions = {}): Tensor {
    return scope(() => this.weightedLossOfLogits(this.forward(inputIds, opts), inputIds, weights));
  }

  /**
   * weightedLoss from logits already made (activation checkpointing computes the head apart).
   * logits [B, T, V], inputIds [B, T] i64, weights [B, T] f32 → [B] f32.
   */
  weightedLossOfLogits(logits: Tensor, inputIds: Tensor, weights: Tensor): Tensor {
    return scope(() => {
      const [B, T] = inputIds.shape as [number, number];
      const V = logits.shape[2]!;
      const predictions = logits.narrow(1, 0, T - 1).reshape([B * (T - 1), V]); // [B·(T-1), V]
      const targets = inputIds
        .to({ device: this.device })
        .narrow(1, 1, T - 1)
        .reshape([B * (T - 1)]); // [B·(T-1)]
      const nll = predictions.crossEntropy(targets, { reduction: "none" }); // [B·(T-1)]
      const w = weights
        .to({ dtype: "f32", device: this.device })
        .narrow(1, 1, T - 1)
        .reshape([B * (T - 1)]); // [B·(T-1)]
      return nll
        .mul(w)
        .reshape([B, T - 1])
        .sum(1); // [B]
    });
  }

  /**
   * Mean next-token cross-entropy over the targets that count (lossMask, default
   * attentionMask, default all): weightedLoss with w = counted / Σ counted, summed.
   * inputIds [B, T] i64, masks [B, T] → scalar f32.
   */
  loss(inputIds: Tensor, opts: { attentionMask?: Tensor; lossMask?: Tensor } = {}): Tensor {
    return scope(() => {
      const [B, T] = inputIds.shape as [number, number];
      const mask = opts.lossMask ?? opts.attentionMask;
      const counted = mask ? mask.to({ dtype: "f32", device: this.device }) : Tensor.ones([B, T], { dtype: "f32", device: this.device }); // [B, T]
      const n = counted.narrow(1, 1, T - 1).sum(); // []
      return this.weightedLoss(inputIds, counted.div(n), { attentionMask: opts.attentionMask }).sum(); // []
    });
  }

  /** Greedy decoding of one sequence: the new token ids (a stop id, when reached, is the last). */
  generate(promptIds: readonly number[], opts: GenerateOptions): number[] {
    if (promptIds.length === 0) throw new Error("generate: the prompt needs at least one token (e.g. BOS)");
    const stop = new Set(opts.stopIds ?? this.config.eosTokenIds);
    const room = Math.min(opts.maxNewTokens, this.config.maxPositionEmbeddings - promptIds.length);
    const out: number[] = [];
    const cache = this.newCache(1);
    try {
      noGrad(() => {
        let next = promptIds as readonly number[];
        while (out.length < room) {
          const ids = next;
          const token = scope(() => {
            const logits = this.forward(Tensor.fromInt64([...ids], [1, ids.length], { device: this.device }), { cache }); // [1, t, V]
            return logits
              .narrow(1, ids.length - 1, 1)
              .argmax(-1)
              .item(); // [1, 1] → id
          });
          out.push(token);
          if (stop.has(token) || opts.until?.(out)) break;
          next = [token];
        }
      });
    } finally {
      cache.dispose();
    }
    return out;
  }

  dispose(): void {
    for (const t of this.params.values()) t.dispose();
    this.inverseFrequencies.dispose();
    this.localInverseFrequencies?.dispose();
  }
}

/** Masked scores get f32's lowest finite value, so a fully masked (padding) row stays finite. */
const LOWEST_F32 = -3.4028234663852886e38;

/** GELU, tanh approximation (torch's gelu(approximate="tanh")): ½x(1 + tanh(√(2/π)(x + 0.044715x³))). */
function geluTanh(x: Tensor): Tensor {
  return scope(() =>
    x
      .pow(3)
      .mul(0.044715)
      .add(x)
      .mul(Math.sqrt(2 / Math.PI))
      .tanh()
      .add(1)
      .mul(x)
      .mul(0.5),
  );
}
