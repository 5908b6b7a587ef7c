import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveModelConfig } from "../../src/model/config.js";
import { countParameters, expectedParameterShapes } from "../../src/model/parameters.js";
import {
  DEFAULT_EVAL_BATCH_TOKENS,
  activationElements,
  optionsThatFit,
  parameterCounts,
  planMemory,
  type PlanOptions,
} from "../../src/plan/memory-plan.js";
import { MEASURED } from "../../src/plan/measured-constants.js";

const ROOT = resolve(import.meta.dirname, "../..");
const tmp = mkdtempSync(join(tmpdir(), "bprof-plan-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Llama-3.1-8B's config.json, written out from its published values. */
const LLAMA_31_8B = {
  architectures: ["LlamaForCausalLM"],
  model_type: "llama",
  hidden_size: 4096,
  intermediate_size: 14336,
  num_hidden_layers: 32,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  vocab_size: 128256,
  max_position_embeddings: 131072,
  rms_norm_eps: 1e-5,
  rope_theta: 500000,
  rope_scaling: { rope_type: "llama3", factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 },
  tie_word_embeddings: false,
  bos_token_id: 128000,
  eos_token_id: [128001, 128008, 128009],
  torch_dtype: "bfloat16",
};

const CUDA_DEFAULTS: PlanOptions = {
  device: "cuda",
  dtype: "bf16",
  aggregate: "signed-sum",
  batchSize: 8,
  batchTokens: null,
  seqLen: 512,
  checkpointLayers: "auto",
  deviceMemory: 80e9,
  hostMemory: 128e9,
  evalBatchTokens: DEFAULT_EVAL_BATCH_TOKENS,
  abilities: 10,
  ks: [0.01],
  masksPerK: 1,
  randomControls: 3,
  variants: 1,
  keepScores: "none",
  candidates: true,
};

function bprof(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/main.ts"), ...args], { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("memory plan", () => {
  const config = resolveModelConfig(LLAMA_31_8B, "config.json");

  it("counts Llama-3.1-8B's 8.03 B parameters and its decoder matrices", () => {
    const p = parameterCounts(config);
    expect(p.total).toBe(countParameters(expectedParameterShapes(config)));
    expect(p.total).toBe(8_030_261_248);
    expect(p.scored).toBe(p.total - 2 * 128256 * 4096 - 65 * 4096);
    expect(p.largestScored).toBe(14336 * 4096);
  });

  it("fits Llama-3.1-8B at the defaults on one 80 GB GPU, turning checkpointing on because it is needed", () => {
    const plan = planMemory(config, CUDA_DEFAULTS);
    expect(plan.fits).toBe(true);
    expect(plan.checkpointLayers).toBe(true);
    expect(plan.importance.deviceTotal).toBeLessThanOrEqual(80e9);
    expect(plan.importance.device.accumulator).toBe(4 * plan.parameters.scored);
    const without = planMemory(config, { ...CUDA_DEFAULTS, checkpointLayers: "off" });
    expect(without.importance.deviceTotal).toBeGreaterThan(80e9);
    expect(without.fits).toBe(false);
    expect(optionsThatFit(config, { ...CUDA_DEFAULTS, checkpointLayers: "off" })[0]).toBe("--checkpoint-layers on");
    // An f32 signed sum accumulates in .grad: no separate accumulator.
    expect(planMemory(config, { ...CUDA_DEFAULTS, dtype: "f32" }).importance.device.accumulator).toBe(0);
  });

  it("bounds a backward's tokens by the budget and counts activations with the measured factor", () => {
    const plan = planMemory(config, { ...CUDA_DEFAULTS, batchTokens: 1024, checkpointLayers: "off" });
    expect(plan.rowsPerBackward).toBe(2);
    const tokens = 2 * 512;
    expect(plan.importance.device.activations).toBeCloseTo(
      MEASURED.activationFactor.bf16 * tokens * 32 * activationElements(config, 512) * 2,
      -3,
    );
    expect(plan.importance.device.head).toBeCloseTo(MEASURED.headBytesPerLogit.bf16 * tokens * 128256, -3);
    expect(MEASURED.processBaselineBytes).toBeGreaterThan(0);
  });

  it("bprof plan prints the prediction and the options it assumed from config.json alone", () => {
    const dir = join(tmp, "llama-3.1-8b");
    mkdirSync(dir);
    writeFileSync(join(dir, "config.json"), JSON.stringify(LLAMA_31_8B));
    const r = bprof("plan", "--model", dir, "--device", "cuda");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^parameters: 8,030,261,248/);
    // A profile's defaults: abs-sum backpropagates one item at a time.
    expect(r.stdout).toMatch(
      /assumed: cuda, bf16, aggregate abs-sum, 1 rows × 512 tokens per backward, activation checkpointing off \(auto\)/,
    );
    const signed = bprof("plan", "--model", dir, "--device", "cuda", "--aggregate", "signed-sum");
    expect(signed.stdout).toMatch(/aggregate signed-sum, 8 rows × 512 tokens per backward, activation checkpointing on \(auto\)/);
    // The default contrast keeps every score (4 B per scored element and ability); without it, only the candidates.
    const disk = (out: string) => Number(/disk +([\d.]+) GB/.exec(out)![1]);
    const none = bprof("plan", "--model", dir, "--device", "cuda", "--contrast", "none");
    expect(none.code, none.stderr).toBe(0);
    expect(disk(r.stdout) - disk(none.stdout)).toBeCloseTo(
      (10 * 4 * 6_979_321_856) / 1e9 - (10 * 8 * Math.floor(0.04 * 8_030_261_248)) / 1e9,
      0,
    );
    expect(r.stdout).toMatch(/importance {2}device +\d+\.\d GB/);
    expect(r.stdout).toMatch(/fits: yes \(80\.0 GB device\)/);
    const small = bprof("plan", "--model", dir, "--device", "cuda", "--device-memory", "24");
    expect(small.code).toBe(0);
    expect(small.stdout).toMatch(/fits: NO: importance needs \d+\.\d GB of device memory, 24\.0 GB available/);
  });

  it("profile refuses a run the plan says does not fit, before touching the run directory", () => {
    const out = join(tmp, "refused");
    const r = bprof(
      "profile",
      "--model",
      join(ROOT, "test/fixtures/models/llama-gqa"),
      "--abilities",
      "analogical",
      "--benchmarks",
      "sample_story_words",
      "--limit",
      "2",
      "--device-memory",
      "0.000001",
      "--out",
      out,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the run would not fit: importance needs .* of RAM, 0\.0 GB available/);
    expect(existsSync(out)).toBe(false);
  });
});
