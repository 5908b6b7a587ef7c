/**
 * Measures what the memory plan (src/plan/memory-plan.ts) cannot count: the process
 * baseline, the activation factor κ and the head's bytes per logit λ, from the peak RSS of
 * importance (gradients of every decoder matrix, then the scores, one tensor at a time, as
 * `bprof importance` computes them) on CPU for random Llama models of ≈ 30M, 110M and 350M
 * parameters in f32 and bf16, each in its own process, at 1 × 8 tokens (activations
 * negligible) and 2 × 64, 2 × 256 tokens.
 *
 *   nice -n 10 npx tsx scripts/measure-memory.ts            # measure, print the table and the fit
 *   nice -n 10 npx tsx scripts/measure-memory.ts --write    # … and write src/plan/measured-constants.ts
 *
 * Peak memory stays under ≈ 5 GB (the 350M model in f32 at 512 tokens).
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";

interface Case {
  model: "30M" | "110M" | "350M";
  dtype: "f32" | "bf16";
  rows: number;
  seqLen: number;
}

const SHAPES = {
  "30M": { hidden_size: 384, intermediate_size: 1024, num_hidden_layers: 4, num_attention_heads: 6 },
  "110M": { hidden_size: 768, intermediate_size: 2048, num_hidden_layers: 8, num_attention_heads: 12 },
  "350M": { hidden_size: 1024, intermediate_size: 2560, num_hidden_layers: 24, num_attention_heads: 16 },
} as const;

function configOf(model: Case["model"]) {
  return { model_type: "llama", vocab_size: 32000, tie_word_embeddings: false, max_position_embeddings: 2048, ...SHAPES[model] };
}

interface Measurement extends Case {
  parameters: number;
  baselineBytes: number;
  peakBytes: number;
  seconds: number;
}

/** One case, in this (child) process. */
async function measureCase(c: Case): Promise<Measurement> {
  const { Tensor, scope } = await import("../src/engine/index.js");
  // The baseline: libtorch loaded and one op run (its thread pool and allocator started).
  scope(() =>
    Tensor.ones([16, 16])
      .matmul(Tensor.ones([16, 16]))
      .sum()
      .item(),
  );
  const baselineBytes = process.memoryUsage().rss;
  const { resolveModelConfig } = await import("../src/model/config.js");
  const { LlamaModel } = await import("../src/model/llama.js");
  const { computeImportanceScores } = await import("../src/importance/gradients.js");
  const config = resolveModelConfig(configOf(c.model), "measure-memory");
  const model = LlamaModel.random(config, { seed: 1, dtype: c.dtype });
  const items = Array.from({ length: c.rows }, (_, i) => {
    const inputIds = Array.from({ length: c.seqLen }, (_, t) => (7 + 31 * t + 101 * i) % config.vocabSize);
    return { id: `item-${i}`, inputIds, lossMask: inputIds.map((_, t) => (t === 0 ? 0 : 1)) };
  });
  const started = performance.now();
  let scored = 0;
  computeImportanceScores(model, items, {
    aggregate: "signed-sum",
    score: "taylor",
    batchSize: c.rows,
    onTensorScores: (_name, scores) => (scored += scores.length),
  });
  const seconds = (performance.now() - started) / 1000;
  const peakBytes = process.resourceUsage().maxRSS * 1024;
  return { ...c, parameters: model.numParameters, baselineBytes, peakBytes, seconds };
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const model of ["30M", "110M", "350M"] as const) {
    for (const dtype of ["f32", "bf16"] as const) {
      for (const [rows, seqLen] of [
        [1, 8],
        [2, 64],
        [2, 256],
      ] as const)
        out.push({ model, dtype, rows, seqLen });
    }
  }
  return out;
}

/** Least squares y ≈ a·x1 + b·x2 (no intercept). */
function fit2(rows: { x1: number; x2: number; y: number }[]): [number, number] {
  let s11 = 0,
    s12 = 0,
    s22 = 0,
    s1y = 0,
    s2y = 0;
  for (const { x1, x2, y } of rows) {
    s11 += x1 * x1;
    s12 += x1 * x2;
    s22 += x2 * x2;
    s1y += x1 * y;
    s2y += x2 * y;
  }
  const det = s11 * s22 - s12 * s12;
  return [(s1y * s22 - s2y * s12) / det, (s2y * s11 - s1y * s12) / det];
}

async function main(): Promise<void> {
  const caseArg = process.argv.indexOf("--case");
  if (caseArg >= 0) {
    process.stdout.write(JSON.stringify(await measureCase(JSON.parse(process.argv[caseArg + 1]!) as Case)) + "\n");
    return;
  }
  const { resolveModelConfig } = await import("../src/model/config.js");
  const { activationElements, parameterCounts } = await import("../src/plan/memory-plan.js");
  const self = fileURLToPath(import.meta.url);
  const results: Measurement[] = [];
  for (const c of cases()) {
    const r = spawnSync(process.execPath, ["--import", "tsx", self, "--case", JSON.stringify(c)], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`case ${JSON.stringify(c)} failed: ${r.stderr}`);
    const m = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Measurement;
    results.push(m);
    process.stderr.write(
      `${m.model} ${m.dtype} ${m.rows}×${m.seqLen}: peak ${(m.peakBytes / 1e9).toFixed(3)} GB, baseline ${(m.baselineBytes / 1e9).toFixed(3)} GB, ${m.seconds.toFixed(1)} s\n`,
    );
  }
  const baseline = Math.max(...results.map((m) => m.baselineBytes));
  // Everything but activations and head is counted: weights, gradients, accumulator, reduction temporaries.
  const counted = (m: Measurement) => {
    const config = resolveModelConfig(configOf(m.model), "m");
    const p = parameterCounts(config);
    const w = m.dtype === "f32" ? 4 : 2;
    return {
      config,
      p,
      w,
      fixed: p.total * w + p.scored * w + (m.dtype === "f32" ? 0 : 4 * p.scored) + p.largestScored * (w === 4 ? 4 : 8),
    };
  };
  const constants: Record<string, [number, number]> = {};
  for (const dtype of ["f32", "bf16"] as const) {
    const points = results
      .filter((m) => m.dtype === dtype)
      .map((m) => {
        const { config, w, fixed } = counted(m);
        const tokens = m.rows * m.seqLen;
        return {
          x1: tokens * config.numHiddenLayers * activationElements(config, m.seqLen) * w,
          x2: tokens * config.vocabSize,
          y: m.peakBytes - baseline - fixed,
        };
      });
    constants[dtype] = fit2(points);
  }
  const lines = [
    "| model | parameters | dtype | rows × tokens | peak RSS | baseline | activations + head (fit) | (peak − baseline − activations) / parameter bytes | plan | plan error |",
    "|---|---:|---|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const m of results) {
    const { config, p, w, fixed } = counted(m);
    const [kappa, lambda] = constants[m.dtype]!;
    const tokens = m.rows * m.seqLen;
    const act = kappa * tokens * config.numHiddenLayers * activationElements(config, m.seqLen) * w + lambda * tokens * config.vocabSize;
    const plan = baseline + fixed + act;
    const ratio = (m.peakBytes - m.baselineBytes - act) / (p.total * w);
    lines.push(
      `| ${m.model} | ${p.total.toLocaleString("en-US")} | ${m.dtype} | ${m.rows} × ${m.seqLen} | ${(m.peakBytes / 1e9).toFixed(3)} GB | ${(m.baselineBytes / 1e9).toFixed(3)} GB | ` +
        `${(act / 1e9).toFixed(3)} GB | ${ratio.toFixed(2)} | ${(plan / 1e9).toFixed(3)} GB | ${(((plan - m.peakBytes) / m.peakBytes) * 100).toFixed(1)} % |`,
    );
  }
  const measuredOn = `${new Date().toISOString().slice(0, 10)}, ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`;
  process.stdout.write(lines.join("\n") + "\n\n");
  process.stdout.write(
    `baseline ${baseline} B; κ f32 ${constants.f32![0].toFixed(3)}, bf16 ${constants.bf16![0].toFixed(3)}; λ f32 ${constants.f32![1].toFixed(2)}, bf16 ${constants.bf16![1].toFixed(2)} B per logit (${measuredOn})\n`,
  );
  if (process.argv.includes("--write")) {
    const file = fileURLToPath(new URL("../src/plan/measured-constants.ts", import.meta.url));
    writeFileSync(
      file,
      `/**
 * The constants of the memory plan (memory-plan.ts) that are measured, not derived:
 * written by \`nice -n 10 npx tsx scripts/measure-memory.ts --write\` (docs/scale.md has its
 * table of measurements). Do not edit by hand.
 */
export const MEASURED = {
  /** RSS of a bprof process with libtorch loaded and no model (bytes). */
  processBaselineBytes: ${baseline},
  /** Multiplier on the analytic count of saved activation elements per decoder layer (see activationElements). */
  activationFactor: { f32: ${constants.f32![0].toFixed(4)}, bf16: ${constants.bf16![0].toFixed(4)} },
  /** Bytes per token per vocabulary entry of the LM head and loss (f32 logits, log-softmax, their gradients). */
  headBytesPerLogit: { f32: ${constants.f32![1].toFixed(3)}, bf16: ${constants.bf16![1].toFixed(3)} },
  /** When and where the constants were measured. */
  measuredOn: ${JSON.stringify(measuredOn)},
} as const;
`,
    );
    process.stderr.write(`wrote ${file}\n`);
  }
}

await main();
