import { describe, expect, it } from "vitest";
import { BprofError } from "../../src/errors.js";
import { resolveModelConfig, toHfConfig } from "../../src/model/config.js";
import { ropeInverseFrequencies } from "../../src/model/rope.js";

const BASE = { hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2, num_attention_heads: 4, vocab_size: 100 };

function rejects(raw: object): BprofError {
  try {
    resolveModelConfig(raw, "dir/config.json");
  } catch (err) {
    expect(err).toBeInstanceOf(BprofError);
    return err as BprofError;
  }
  throw new Error("expected a BprofError");
}

describe("config.json", () => {
  it("fills Hugging Face's per-type defaults", () => {
    const llama = resolveModelConfig({ model_type: "llama", ...BASE }, "c");
    expect(llama).toMatchObject({ numKeyValueHeads: 4, headDim: 16, rmsNormEps: 1e-6, ropeTheta: 10000, maxPositionEmbeddings: 2048 });
    expect(llama).toMatchObject({ tieWordEmbeddings: false, qkvBias: false, bosTokenId: 1, eosTokenIds: [2], ropeScaling: null });
    const qwen = resolveModelConfig({ model_type: "qwen2", ...BASE, num_key_value_heads: 2, eos_token_id: [5, 6] }, "c");
    expect(qwen).toMatchObject({ qkvBias: true, oBias: false, numKeyValueHeads: 2, bosTokenId: null, eosTokenIds: [5, 6] });
    expect(resolveModelConfig({ model_type: "mistral", ...BASE }, "c").slidingWindow).toBe(4096);
    expect(resolveModelConfig({ model_type: "mistral", ...BASE, sliding_window: null }, "c").slidingWindow).toBeNull();
    expect(resolveModelConfig({ model_type: "llama", ...BASE, attention_bias: true }, "c")).toMatchObject({ qkvBias: true, oBias: true });
  });

  it("reads rope_scaling under rope_type or type and round-trips through toHfConfig", () => {
    const raw = {
      model_type: "llama",
      ...BASE,
      rope_scaling: { type: "llama3", factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 },
    };
    const config = resolveModelConfig(raw, "c");
    expect(config.ropeScaling).toEqual({
      type: "llama3",
      factor: 8,
      lowFreqFactor: 1,
      highFreqFactor: 4,
      originalMaxPositionEmbeddings: 8192,
    });
    expect(resolveModelConfig(toHfConfig(config), "c")).toEqual(config);
  });

  it("applies llama3 scaling by wavelength band", () => {
    const config = resolveModelConfig(
      {
        model_type: "llama",
        ...BASE,
        hidden_size: 64,
        num_attention_heads: 4,
        rope_scaling: { rope_type: "llama3", factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 64 },
      },
      "c",
    );
    const plain = ropeInverseFrequencies({ ...config, ropeScaling: null });
    const scaled = ropeInverseFrequencies(config);
    plain.forEach((theta, i) => {
      const wavelength = (2 * Math.PI) / theta;
      if (wavelength < 16) expect(scaled[i]).toBe(theta);
      else if (wavelength > 64) expect(scaled[i]).toBeCloseTo(theta / 8, 12);
      else expect(scaled[i]! > theta / 8 && scaled[i]! < theta).toBe(true);
    });
  });

  it("names config.json and the field for bad input", () => {
    expect(rejects({ model_type: "gpt2", ...BASE })).toMatchObject({ file: "dir/config.json", field: "model_type" });
    expect(rejects({ model_type: "llama", ...BASE, hidden_size: undefined })).toMatchObject({ field: "hidden_size" });
    expect(rejects({ model_type: "llama", ...BASE, num_key_value_heads: 3 })).toMatchObject({ field: "num_key_value_heads" });
    expect(rejects({ model_type: "llama", ...BASE, rope_scaling: { rope_type: "yarn", factor: 2 } })).toMatchObject({
      field: "rope_scaling.rope_type",
    });
    expect(rejects({ model_type: "llama", ...BASE, rope_scaling: { type: "llama3", factor: 2 } }).message).toMatch(
      /needs 'low_freq_factor'/,
    );
    expect(rejects({ model_type: "llama", ...BASE, hidden_act: "gelu" })).toMatchObject({ field: "hidden_act" });
  });
});

describe("config.json of the newer architectures", () => {
  const GEMMA = { ...BASE, head_dim: 16, num_hidden_layers: 12 };

  it("Gemma-2: HF's defaults (soft-capping 50/30, query_pre_attn_scalar 256, window 4096 on even layers, tied)", () => {
    const c = resolveModelConfig({ model_type: "gemma2", ...GEMMA, hidden_activation: "gelu_pytorch_tanh" }, "c");
    expect(c).toMatchObject({
      attnLogitSoftcap: 50,
      finalLogitSoftcap: 30,
      attentionScale: 1 / 16,
      slidingWindow: 4096,
      tieWordEmbeddings: true,
    });
    expect(c).toMatchObject({ normPlusOne: true, sandwichNorms: true, qkNorm: false, embeddingScale: 8, hiddenActivation: "gelu_tanh" });
    expect(c.slidingLayers).toEqual(Array.from({ length: 12 }, (_, i) => i % 2 === 0));
    expect(resolveModelConfig({ model_type: "gemma2", ...GEMMA, attn_logit_softcapping: null }, "c").attnLogitSoftcap).toBeNull();
  });

  it("Gemma-3: every sliding_window_pattern-th layer global, local RoPE base, q/k norms, layer_types when given", () => {
    const c = resolveModelConfig({ model_type: "gemma3_text", ...GEMMA, sliding_window: 512 }, "c");
    expect(c.slidingLayers).toEqual(Array.from({ length: 12 }, (_, i) => (i + 1) % 6 !== 0));
    expect(c).toMatchObject({
      qkNorm: true,
      localRopeTheta: 10000,
      ropeTheta: 1000000,
      attnLogitSoftcap: null,
      finalLogitSoftcap: null,
      slidingWindow: 512,
    });
    const types = Array.from({ length: 12 }, (_, i) => (i < 2 ? "full_attention" : "sliding_attention"));
    expect(resolveModelConfig({ model_type: "gemma3_text", ...GEMMA, layer_types: types }, "c").slidingLayers.slice(0, 3)).toEqual([
      false,
      false,
      true,
    ]);
    expect(rejects({ model_type: "gemma3_text", ...GEMMA, layer_types: ["full_attention"] })).toMatchObject({ field: "layer_types" });
    expect(rejects({ model_type: "gemma2", ...GEMMA, hidden_activation: "silu" })).toMatchObject({ field: "hidden_activation" });
  });

  it("Qwen3 and Phi-3", () => {
    expect(resolveModelConfig({ model_type: "qwen3", ...BASE }, "c")).toMatchObject({
      qkNorm: true,
      qkvBias: false,
      oBias: false,
      fusedProjections: false,
    });
    expect(resolveModelConfig({ model_type: "qwen3", ...BASE, attention_bias: true }, "c")).toMatchObject({ qkvBias: true, oBias: true });
    expect(rejects({ model_type: "qwen3", ...BASE, use_sliding_window: true })).toMatchObject({ field: "use_sliding_window" });
    const phi = resolveModelConfig({ model_type: "phi3", ...BASE, sliding_window: 2047 }, "c");
    expect(phi).toMatchObject({ fusedProjections: true, slidingWindow: 2047, rmsNormEps: 1e-5, eosTokenIds: [32000] });
    expect(phi.slidingLayers).toEqual([true, true]);
    expect(rejects({ model_type: "phi3", ...BASE, partial_rotary_factor: 0.75 })).toMatchObject({ field: "partial_rotary_factor" });
    expect(rejects({ model_type: "phi3", ...BASE, rope_scaling: { type: "longrope", short_factor: [1], long_factor: [1] } })).toMatchObject(
      { field: "rope_scaling.type" },
    );
  });
});
