/**
 * docs/scale.md's table: `bprof plan` at the profile defaults (10 abilities, the default k,
 * aggregate and contrast, random:3 controls, bf16 on cuda, batch 8 × 512 tokens where the
 * aggregate batches, checkpointing auto) for the published
 * Llama-3.2-1B/3B and Llama-3.1-8B/70B configurations on 24, 48, 80 and 141 GB devices.
 *
 *   nice -n 10 npx tsx scripts/plan-table.ts
 */
import { resolveModelConfig } from "../src/model/config.js";
import { DEFAULT_CONTRAST, DEFAULT_KS, PROFILE_OPTIONS } from "../src/profile/defaults.js";
import {
  DEFAULT_EVAL_BATCH_TOKENS,
  formatBytes,
  optionsThatFit,
  planMemory,
  storedScores,
  type PlanOptions,
} from "../src/plan/memory-plan.js";

const LLAMA3_ROPE = { rope_type: "llama3", factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 };
/** The published config.json values (meta-llama on Hugging Face). */
const MODELS = {
  "Llama-3.2-1B": {
    hidden_size: 2048,
    intermediate_size: 8192,
    num_hidden_layers: 16,
    num_attention_heads: 32,
    num_key_value_heads: 8,
    head_dim: 64,
    tie_word_embeddings: true,
    rope_scaling: { ...LLAMA3_ROPE, factor: 32 },
  },
  "Llama-3.2-3B": {
    hidden_size: 3072,
    intermediate_size: 8192,
    num_hidden_layers: 28,
    num_attention_heads: 24,
    num_key_value_heads: 8,
    head_dim: 128,
    tie_word_embeddings: true,
    rope_scaling: { ...LLAMA3_ROPE, factor: 32 },
  },
  "Llama-3.1-8B": {
    hidden_size: 4096,
    intermediate_size: 14336,
    num_hidden_layers: 32,
    num_attention_heads: 32,
    num_key_value_heads: 8,
    tie_word_embeddings: false,
    rope_scaling: LLAMA3_ROPE,
  },
  "Llama-3.1-70B": {
    hidden_size: 8192,
    intermediate_size: 28672,
    num_hidden_layers: 80,
    num_attention_heads: 64,
    num_key_value_heads: 8,
    tie_word_embeddings: false,
    rope_scaling: LLAMA3_ROPE,
  },
};
const DEVICES_GB = [24, 48, 80, 141];

const lines = [
  "| model | parameters | device | importance peak | checkpointing | evaluation peak | host RAM | disk (10 abilities) | fits | options that fit |",
  "|---|---:|---:|---:|---|---:|---:|---:|---|---|",
];
for (const [name, shape] of Object.entries(MODELS)) {
  const config = resolveModelConfig(
    { model_type: "llama", vocab_size: 128256, max_position_embeddings: 131072, rms_norm_eps: 1e-5, rope_theta: 500000, ...shape },
    name,
  );
  for (const gb of DEVICES_GB) {
    const o: PlanOptions = {
      device: "cuda",
      dtype: "bf16",
      aggregate: PROFILE_OPTIONS.aggregate.default,
      batchSize: 8,
      batchTokens: null,
      seqLen: 512,
      checkpointLayers: "auto",
      deviceMemory: gb * 1e9,
      hostMemory: 128e9,
      evalBatchTokens: DEFAULT_EVAL_BATCH_TOKENS,
      abilities: 10,
      ks: [...DEFAULT_KS],
      masksPerK: 1,
      randomControls: 3,
      variants: 1,
      ...storedScores("none", "top", DEFAULT_CONTRAST),
    };
    const plan = planMemory(config, o);
    const fit = plan.fits ? "" : optionsThatFit(config, o).join(" or ") || "none: shard across machines";
    const host = Math.max(plan.importance.host, plan.selection.host, plan.evaluation.host);
    lines.push(
      `| ${name} | ${(plan.parameters.total / 1e9).toFixed(2)} B | ${gb} GB | ${formatBytes(plan.importance.deviceTotal)} | ${plan.checkpointLayers ? "on" : "off"} | ` +
        `${formatBytes(plan.evaluation.deviceTotal)} | ${formatBytes(host)} | ${formatBytes(plan.disk)} | ${plan.fits ? "yes" : "no"} | ${fit} |`,
    );
  }
}
process.stdout.write(lines.join("\n") + "\n");
