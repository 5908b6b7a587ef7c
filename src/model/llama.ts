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

  /** `params` must hold exactly expectedParameterShapes(config); the model owns them. */
  constructor(
    readonly config: ModelConfig,
    readonly params: Map<string, Tensor>,
  ) {
    const embed = this.param("model.embed_tokens.weight");
    this.device = embed.device;
    this.dtype = embed.dtype as ParamDType;
    this.inverseFrequencies = keep(inverseFrequencyTensor(config, this.device));
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
      const [B, T] = inputIds.shape as [number, number];
      const { cache } = opts;
      const past = cache?.length ?? 0;
      if (cache && cache.batch !== B) throw new Error(`forward: cache has ${cache.batch} rows, input ${B}`);
      if (opts.segmentIds && cache) throw new Error("forward: segmentIds do not go with a cache");

      const tokenMask = opts.attentionMask?.ne(0) ?? (cache ? Tensor.ones([B, T], { dtype: "bool", device: this.device }) : null); // [B, T]
      const keyMask = tokenMask && cache?.keyMask ? Tensor.cat([cache.keyMask, tokenMask], 1) : tokenMask; // [B, S]
      const positions = this.positionIds(B, T, tokenMask, cache); // [B, T] or [1, T]
      const { cos, sin } = ropeTables(positions, this.inverseFrequencies, this.dtype); // [B|1, T, D/2]
      let attendMask = this.attentionMask(T, past, keyMask); // [B|1, 1, T, S] bool, or null for plain causal
      if (opts.segmentIds) attendMask = this.segmentMask(opts.segmentIds, attendMask); // [B, 1, T, T] bool

      let x = this.param("model.embed_tokens.weight").embedding(inputIds.to({ device: this.device })); // [B, T, C]
      const grown: { key: Tensor; value: Tensor }[] = [];
      for (let l = 0; l < this.config.numHiddenLayers; l++) {
        const p = `model.layers.${l}.`;
        const attn = this.attention(l, x.rmsNorm(this.param(`${p}input_layernorm.weight`), this.config.rmsNormEps), cos, sin, attendMask, cache, grown);
        x = x.add(attn); // [B, T, C]
        x = x.add(this.mlp(l, x.rmsNorm(this.param(`${p}post_attention_layernorm.weight`), this.config.rmsNormEps))); // [B, T, C]
      }
      if (cache) cache.commit(grown, keyMask!, cache.nextPosition.add(tokenMask!.to({ dtype: "i64" }).sum(1))); // [B]
      return x.rmsNorm(this.param("model.norm.weight"), this.config.rmsNormEps); // [B, T, C]
    });
  }

  /** Final hidden states [..., C] → logits [..., V] f32 (the LM head, or E when tied). */
  unembed(hidden: Tensor): Tensor {
    const head = this.params.get("lm_head.weight") ?? this.param("model.embed_tokens.weight"); // [V, C]
    return scope(() => hidden.linear(head).to({ dtype: "f32" }));
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
   * cache + new slots), not padding, and within Mistral's sliding window (slot distance <
   * window, as HF counts it). null when plain causal attention over new tokens suffices.
   */
  private attentionMask(T: number, past: number, keyMask: Tensor | null): Tensor | null {
    const window = this.config.slidingWindow;
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
    const q = project("q_proj").rope(cos, sin, H); // [B, H, T, D]
    let k = project("k_proj").rope(cos, sin, KV); // [B, KV, T, D]
    let v = project("v_proj").reshape([B, T, KV, D]).transpose(1, 2); // [B, KV, T, D]
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
    const attended = q.scaledDotProductAttention(k, v, mask ? { mask } : { isCausal: true }); // [B, H, T, D]
    const merged = attended.transpose(1, 2).reshape([B, T, H * D]); // [B, T, H·D]
    return merged.linear(this.param(`${p}o_proj.weight`), this.params.get(`${p}o_proj.bias`)); // [B, T, C]
  }

  /** SwiGLU feed-forward:  MLP(h) = (silu(h W_gate^T) ⊙ (h W_up^T)) W_down^T  (+ biases with mlp_bias). */
  private mlp(layer: number, h: Tensor /* [B, T, C] */): Tensor {
    const p = `model.layers.${layer}.mlp.`;
    const linear = (x: Tensor, name: string) => x.linear(this.param(`${p}${name}.weight`), this.params.get(`${p}${name}.bias`));
    const gate = linear(h, "gate_proj").silu(); // [B, T, F]
    const up = linear(h, "up_proj"); // [B, T, F]
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
    return scope(() => {
      const [B, T] = inputIds.shape as [number, number];
      const logits = this.forward(inputIds, opts); // [B, T, V]
      const V = logits.shape[2]!;
      const predictions = logits.narrow(1, 0, T - 1).reshape([B * (T - 1), V]); // [B·(T-1), V]
      const targets = inputIds.to({ device: this.device }).narrow(1, 1, T - 1).reshape([B * (T - 1)]); // [B·(T-1)]
      const nll = predictions.crossEntropy(targets, { reduction: "none" }); // [B·(T-1)]
      const w = weights.to({ dtype: "f32", device: this.device }).narrow(1, 1, T - 1).reshape([B * (T - 1)]); // [B·(T-1)]
      return nll.mul(w).reshape([B, T - 1]).sum(1); // [B]
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
            return logits.narrow(1, ids.length - 1, 1).argmax(-1).item(); // [1, 1] → id
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
  }
}
