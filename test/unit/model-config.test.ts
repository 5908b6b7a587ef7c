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
    expect(config.ropeScaling).toEqual({ type: "llama3", factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 });
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
    expect(rejects({ model_type: "llama", ...BASE, rope_scaling: { rope_type: "yarn", factor: 2 } })).toMatchObject({ field: "rope_scaling.rope_type" });
    expect(rejects({ model_type: "llama", ...BASE, rope_scaling: { type: "llama3", factor: 2 } }).message).toMatch(/needs 'low_freq_factor'/);
    expect(rejects({ model_type: "llama", ...BASE, hidden_act: "gelu" })).toMatchObject({ field: "hidden_act" });
  });
});
