// npm run bench [-- --json] [-- --device cuda] [-- --only <section>] [-- --no-torch]
// Engine and model throughput against the hardware and against PyTorch. Each section returns
// named figures (the table) and ratios (issue 8's targets); `--json` prints one object with
// every figure and ratio. Add a section by appending to SECTIONS. BENCHMARKS.md records a run.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { availableParallelism, cpus, loadavg } from "node:os";
import { createInterface } from "node:readline";
import { Command } from "commander";
import { Tensor, engineInfo, noGrad, scope, type Device } from "../src/engine/index.js";
import { applyMask } from "../src/masks/apply-mask.js";
import { ModelScoringLM } from "../src/eval/model-lm.js";
import { computeImportanceScores } from "../src/importance/gradients.js";
import { maskFromSelection } from "../src/masks/mask.js";
import { Xoshiro128 } from "../src/util/prng.js";
import { scoresFromArray } from "../src/importance/score-source.js";
import { selectElements } from "../src/masks/selection.js";
import { resolveModelConfig, type ModelConfig } from "../src/model/config.js";
import { LlamaModel } from "../src/model/llama.js";
import type { Tokenizer } from "../src/model/tokenizer/tokenizer.js";

interface Figure {
  name: string;
  value: number;
  unit: string;
}

type Ratios = Record<string, number | Record<string, number>>;

interface SectionResult {
  figures: Figure[];
  /** Issue 8's headline numbers; merged into the top level of the JSON. */
  ratios?: Ratios;
}

interface BenchContext {
  device: Device;
  /** Run the PyTorch side (Debian's /usr/bin/python3 with torch). */
  torch: boolean;
  /**
   * The engine's best square-matmul GFLOP/s so far: the full matmul figures on first use, then
   * the best of every probe (other processes' load comes and goes; the best is the hardware's).
   */
  ceiling(): number;
  /** A short 2048² matmul measurement folded into ceiling(). */
  probeCeiling(): void;
}

interface BenchSection {
  name: string;
  run(ctx: BenchContext): SectionResult | Promise<SectionResult>;
}

/** Seconds per call of fn, the best of `rounds` rounds of `reps` calls after one warm-up round. */
function timeBest(fn: () => void, reps: number, rounds = 3): number {
  let best = Infinity;
  for (let round = 0; round <= rounds; round++) {
    const seconds =
      timeOnce(() => {
        for (let i = 0; i < reps; i++) fn();
      }) / reps;
    if (round > 0) best = Math.min(best, seconds);
  }
  return best;
}

function timeOnce(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function timeOnceAsync(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function llamaConfig(shape: LlamaShape): ModelConfig {
  return resolveModelConfig(
    {
      model_type: "llama",
      hidden_size: shape.hidden,
      intermediate_size: shape.intermediate,
      num_hidden_layers: shape.layers,
      num_attention_heads: shape.heads,
      num_key_value_heads: shape.kvHeads ?? shape.heads,
      vocab_size: shape.vocab,
      tie_word_embeddings: shape.tied,
      max_position_embeddings: 1024,
    },
    "bench",
  );
}

// ---------------------------------------------------------------------------------------------

function squareMatmulGflops(n: number, dtype: "f32" | "bf16", device: Device, reps: number, rounds = 3): number {
  return scope(() =>
    noGrad(() => {
      const a = Tensor.randn([n, n], { seed: 1, dtype, device });
      const b = Tensor.randn([n, n], { seed: 2, dtype, device });
      // item() waits for the device, so CUDA timings include the work, not just the launch.
      const seconds = timeBest(() => scope(() => void a.matmul(b).narrow(0, 0, 1).sum().item()), reps, rounds);
      return (2 * n ** 3) / seconds / 1e9;
    }),
  );
}

function matmulFigures(device: Device): Figure[] {
  const figures: Figure[] = [];
  for (const [n, dtype, reps] of [
    [1024, "f32", 10],
    [2048, "f32", 3],
    [2048, "bf16", 2],
  ] as const) {
    if (dtype === "bf16" && device === "cpu") continue; // CPU bf16 GEMM in libtorch 1.13 is a slow fallback
    figures.push({ name: `${n}x${n} ${dtype} @ ${n}x${n}`, value: squareMatmulGflops(n, dtype, device, reps), unit: "GFLOP/s" });
  }
  return figures;
}

/** The ceiling MFU is measured against: the best f32 square matmul (bf16 on a GPU). */
const matmulSection: BenchSection = {
  name: "matmul",
  run(ctx) {
    return { figures: [{ name: "ceiling so far (best square matmul)", value: ctx.ceiling(), unit: "GFLOP/s" }] };
  },
};

const opOverheadSection: BenchSection = {
  name: "op overhead",
  run({ device }) {
    return scope(() =>
      noGrad(() => {
        const x = Tensor.ones([4], { device });
        const seconds = timeBest(() => scope(() => void x.add(1)), 20_000);
        return { figures: [{ name: "add on a 4-element tensor (wrapper + dispatch + scope)", value: seconds * 1e6, unit: "µs/op" }] };
      }),
    );
  },
};

// ---------------------------------------------------------------------------------------------
// Forward + backward against PyTorch eager

interface LlamaShape {
  label: string;
  hidden: number;
  intermediate: number;
  layers: number;
  heads: number;
  kvHeads?: number;
  vocab: number;
  tied: boolean;
  batch: number;
  seq: number;
  rounds: number;
}

/** ~3M, ~25M and ~110M (stories110M's shape: llama2.c's largest TinyStories model). */
const LLAMA_SHAPES: LlamaShape[] = [
  { label: "3M", hidden: 256, intermediate: 704, layers: 4, heads: 4, vocab: 1024, tied: true, batch: 8, seq: 256, rounds: 3 },
  { label: "25M", hidden: 512, intermediate: 1376, layers: 8, heads: 8, vocab: 4096, tied: true, batch: 4, seq: 256, rounds: 3 },
  { label: "110M", hidden: 768, intermediate: 2048, layers: 12, heads: 12, vocab: 32000, tied: true, batch: 2, seq: 256, rounds: 2 },
];

/** On a GPU also TinyLlama-1.1B's shape (GQA 32/4 heads, untied head), bf16. */
const GPU_SHAPES: LlamaShape[] = [
  {
    label: "1.1B",
    hidden: 2048,
    intermediate: 5632,
    layers: 22,
    heads: 32,
    kvHeads: 4,
    vocab: 32000,
    tied: false,
    batch: 4,
    seq: 1024,
    rounds: 3,
  },
];

/**
 * scripts/bench-torch.py as a long-lived subprocess, one JSON line per request, so its steps
 * can be interleaved with the engine's: load from other processes then falls on both alike.
 */
class TorchWorker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;

  constructor(env: NodeJS.ProcessEnv) {
    this.child = spawn("/usr/bin/python3", [new URL("./bench-torch.py", import.meta.url).pathname], {
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child.stderr.on("data", (chunk: Buffer) => process.stderr.write(`bench-torch: ${chunk.toString()}`));
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async request(message: object): Promise<Record<string, unknown>> {
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
    const line = await this.lines.next();
    if (line.done) throw new Error("bench-torch.py exited early (is /usr/bin/python3 with torch installed?)");
    return JSON.parse(line.value) as Record<string, unknown>;
  }

  close(): void {
    this.child.stdin.end();
  }
}

/**
 * FLOPs per token of one forward + backward: 6·N for the matmul weights (N: every linear layer
 * and the output head; not the embedding lookup, not the norms) plus attention's
 * 12·L·T·C (q·kᵀ and p·v, forward 4·T·C per layer, backward twice that), counted over the full
 * T×T square as the usual MFU formula does although causal attention needs only half.
 */
function flopsPerToken(model: LlamaModel, shape: LlamaShape): number {
  let matmulParams = 0;
  for (const [name, t] of model.params) {
    if (name.endsWith("proj.weight") || name === "lm_head.weight") matmulParams += t.numel;
  }
  if (shape.tied) matmulParams += model.param("model.embed_tokens.weight").numel;
  return 6 * matmulParams + 12 * shape.layers * shape.seq * shape.hidden;
}

const llamaSection: BenchSection = {
  name: "llama",
  async run(ctx) {
    const figures: Figure[] = [];
    const vsTorch: Record<string, number> = {};
    const vsTorchPassive: Record<string, number> = {};
    const achievedGflops: Record<string, number> = {};
    const gpu = ctx.device !== "cpu";
    for (const shape of gpu ? [...LLAMA_SHAPES, ...GPU_SHAPES] : LLAMA_SHAPES) {
      process.stderr.write(`bench: llama ${shape.label}…\n`);
      ctx.probeCeiling();
      const model = LlamaModel.random(llamaConfig(shape), { seed: 1, device: ctx.device, dtype: gpu ? "bf16" : "f32" });
      const { batch, seq } = shape;
      const ids = Tensor.fromInt64(
        Array.from({ length: batch * seq }, (_, i) => (i * 7919) % shape.vocab),
        [batch, seq],
        { device: ctx.device },
      );
      // Stock PyTorch as a researcher runs it, and with the OpenMP wait policy the engine sets.
      const { OMP_WAIT_POLICY: _, ...stockEnv } = process.env;
      const workers = ctx.torch ? [new TorchWorker(stockEnv), new TorchWorker({ ...stockEnv, OMP_WAIT_POLICY: "PASSIVE" })] : [];
      try {
        const request = { ...shape, threads: engineInfo.threads };
        const built = await Promise.all(workers.map((w) => w.request({ build: request })));
        const size = `${shape.label} (${(model.numParameters / 1e6).toFixed(1)}M params), batch ${batch} × ${seq}`;
        const forward = timeBest(() => noGrad(() => scope(() => void model.forward(ids).narrow(1, 0, 1).sum().item())), 1, 1);
        model.setRequiresGrad(true);
        const step = () =>
          timeOnce(() => {
            scope(() => void model.loss(ids).backward());
            for (const p of model.params.values()) p.zeroGrad();
          });
        step(); // warm-up (the torch workers warmed up when building)
        let engineBest = Infinity;
        const torchBest = workers.map(() => Infinity);
        for (let round = 0; round < shape.rounds; round++) {
          engineBest = Math.min(engineBest, step());
          for (const [i, w] of workers.entries()) torchBest[i] = Math.min(torchBest[i]!, (await w.request({ step: 1 })).seconds as number);
        }
        const tokens = batch * seq;
        const flops = flopsPerToken(model, shape);
        const achieved = (flops * tokens) / engineBest / 1e9;
        achievedGflops[shape.label] = achieved;
        figures.push(
          { name: `forward, ${size}`, value: tokens / forward, unit: "tokens/s" },
          { name: `forward + backward, ${size}`, value: tokens / engineBest, unit: "tokens/s" },
          {
            name: `forward + backward achieved, ${shape.label} (${(flops / 1e6).toFixed(0)} MFLOP/token)`,
            value: achieved,
            unit: "GFLOP/s",
          },
        );
        if (workers.length > 0) {
          const [stock, passive] = torchBest as [number, number];
          vsTorch[shape.label] = stock / engineBest;
          vsTorchPassive[shape.label] = passive / engineBest;
          figures.push(
            {
              name: `PyTorch ${String(built[0]!.torch)} eager forward + backward, ${shape.label}`,
              value: tokens / stock,
              unit: "tokens/s",
            },
            { name: `  same, OMP_WAIT_POLICY=PASSIVE, ${shape.label}`, value: tokens / passive, unit: "tokens/s" },
            { name: `engine / PyTorch eager, ${shape.label}`, value: stock / engineBest, unit: "×" },
            { name: `engine / PyTorch eager (PASSIVE), ${shape.label}`, value: passive / engineBest, unit: "×" },
          );
        }
      } finally {
        for (const w of workers) w.close();
        model.dispose();
        ids.dispose();
      }
    }
    ctx.probeCeiling();
    const ceiling = ctx.ceiling();
    const mfu = Object.fromEntries(Object.entries(achievedGflops).map(([label, gflops]) => [label, gflops / ceiling]));
    for (const [label, value] of Object.entries(mfu))
      figures.push({ name: `MFU (achieved / best matmul ceiling), ${label}`, value, unit: "×" });
    const ratios: Ratios = { mfu };
    if (ctx.torch) Object.assign(ratios, { fwd_bwd_vs_torch: vsTorch, fwd_bwd_vs_torch_passive: vsTorchPassive });
    return { figures, ratios };
  },
};

// ---------------------------------------------------------------------------------------------
// Evaluation: naive vs shared context, and a mask's apply + restore against one cell

/** Token ids in, nothing else: the scoring paths never decode for multiple-choice items. */
function idTokenizer(vocabSize: number): Tokenizer {
  return {
    encode: () => [],
    decode: (ids) => ids.join(" "),
    bosId: 1,
    eosId: 2,
    vocabSize,
    hasChatTemplate: false,
    applyChatTemplate: () => null,
    source: { kind: "llama2c", path: "bench" },
  };
}

/**
 * 4-choice items on the ~3M model, shaped like HellaSwag (a context of 64–160 tokens, endings
 * of 12–32): the per-choice path as src/eval/score.ts runs it (requests batched 16 at a time
 * across items) against the shared-context path (context once, its cache expanded to the four
 * endings). Wall time over the same items. One cell of a profile is one such evaluation under
 * a mask, so the mask's apply + restore (k = 1e-2 over every weight) is set against it.
 */
const evalSection: BenchSection = {
  name: "eval",
  async run({ device }) {
    const shape = LLAMA_SHAPES[0]!;
    const model = LlamaModel.random(llamaConfig(shape), { seed: 2, device });
    try {
      const lm = new ModelScoringLM(model, idTokenizer(shape.vocab));
      const rng = new Xoshiro128(3);
      const tokens = (min: number, max: number) =>
        Array.from({ length: min + rng.nextBelow53(max - min + 1) }, () => 3 + rng.nextBelow53(shape.vocab - 3));
      const items = Array.from({ length: 24 }, () => ({
        context: tokens(64, 160),
        continuations: Array.from({ length: 4 }, () => tokens(12, 32)),
      }));
      const requests = items.flatMap(({ context, continuations }) => continuations.map((continuation) => ({ context, continuation })));
      const naiveTokens = requests.reduce((s, r) => s + r.context.length + r.continuation.length - 1, 0);
      const sharedTokens = items.reduce((s, i) => s + i.context.length + i.continuations.reduce((c, x) => c + x.length - 1, 0), 0);

      const naive = async () => {
        for (let start = 0; start < requests.length; start += 16) await lm.loglikelihood(requests.slice(start, start + 16));
      };
      const shared = async () => {
        for (const item of items) await lm.loglikelihoodSharedContexts([item]);
      };
      const sharedBatched = async () => {
        for (let start = 0; start < items.length; start += 16) await lm.loglikelihoodSharedContexts(items.slice(start, start + 16));
      };
      await naive(); // warm-up
      await shared();
      await sharedBatched();
      let naiveBest = Infinity;
      let sharedOneBest = Infinity;
      let sharedBest = Infinity;
      for (let round = 0; round < 3; round++) {
        naiveBest = Math.min(naiveBest, await timeOnceAsync(naive));
        sharedOneBest = Math.min(sharedOneBest, await timeOnceAsync(shared));
        sharedBest = Math.min(sharedBest, await timeOnceAsync(sharedBatched));
      }

      const rngScores = new Xoshiro128(4);
      const [selection] = selectElements({
        sources: [...model.params].map(([name, t]) =>
          scoresFromArray(
            name,
            Float32Array.from({ length: t.numel }, () => rngScores.nextUint32() / 2 ** 32),
          ),
        ),
        variant: "all",
        nTotal: model.numParameters,
        ks: [1e-2],
        method: "top",
        controls: [],
      });
      const shapes = new Map([...model.params].map(([n, t]) => [n, [...t.shape]]));
      const mask = { ...maskFromSelection(selection!, shapes, null), toolVersion: "bench" };
      const applyRestore = timeBest(() => applyMask(model.params, mask).restore(), 3);

      const size = `${shape.label}, ${items.length} 4-choice items`;
      return {
        figures: [
          { name: `per-choice (naive), ${size}`, value: naiveTokens / naiveBest, unit: "tokens fed/s" },
          { name: `shared context, 16 items per batch, ${size}`, value: sharedTokens / sharedBest, unit: "tokens fed/s" },
          { name: `per-choice (naive), ${size}`, value: items.length / naiveBest, unit: "items/s" },
          { name: `shared context, one item at a time, ${size}`, value: items.length / sharedOneBest, unit: "items/s" },
          { name: `shared context, 16 items per batch, ${size}`, value: items.length / sharedBest, unit: "items/s" },
          { name: "shared-context speedup (wall time, same items)", value: naiveBest / sharedBest, unit: "×" },
          { name: "16 items per batch over one at a time (shared context)", value: sharedOneBest / sharedBest, unit: "×" },
          { name: `one cell: shared-context evaluation of the ${items.length} items`, value: sharedBest * 1e3, unit: "ms" },
          { name: `apply + restore a k = 1e-2 mask (${selection!.count} elements)`, value: applyRestore * 1e3, unit: "ms" },
          { name: "apply + restore / one cell's evaluation", value: applyRestore / sharedBest, unit: "×" },
        ],
        ratios: {
          shared_context_speedup: naiveBest / sharedBest,
          shared_batching_speedup: sharedOneBest / sharedBest,
          apply_restore_share: applyRestore / sharedBest,
        },
      };
    } finally {
      model.dispose();
    }
  },
};

// ---------------------------------------------------------------------------------------------

/**
 * Importance (issue 5) on a random 8-layer Llama of ~30M parameters (signed-sum, taylor):
 * gradient tokens/s at batch 8 × 128 tokens; RSS over the parameter bytes, sampled after every
 * backward and while scoring, in a batch-1 run (so activations stay small next to the weights),
 * above the RSS before the model existed. First in SECTIONS, so that baseline is clean.
 */
const importanceSection: BenchSection = {
  name: "importance",
  run({ device }) {
    const baseline = process.memoryUsage.rss();
    const config = resolveModelConfig(
      {
        model_type: "llama",
        hidden_size: 512,
        intermediate_size: 1408,
        num_hidden_layers: 8,
        num_attention_heads: 8,
        vocab_size: 4096,
        max_position_embeddings: 256,
      },
      "bench",
    );
    const model = LlamaModel.random(config, { seed: 1, device });
    try {
      const paramBytes = [...model.params.values()].reduce((s, t) => s + t.byteSize, 0);
      const rng = new Xoshiro128(1);
      const items = (count: number) =>
        Array.from({ length: count }, (_, i) => {
          const inputIds = Array.from({ length: 128 }, () => rng.nextBelow53(config.vocabSize));
          return { id: `bench-${i}`, inputIds, lossMask: inputIds.map((_, t) => (t === 0 ? 0 : 1)) };
        });

      // Memory first: freed activations of a bigger batch would stay in RSS (the allocator keeps them).
      let peak = process.memoryUsage.rss();
      const sample = () => (peak = Math.max(peak, process.memoryUsage.rss()));
      computeImportanceScores(model, items(3), { aggregate: "signed-sum", score: "taylor", batchSize: 1, onProgress: sample });
      sample();

      const seconds = timeOnce(() => computeImportanceScores(model, items(16), { aggregate: "signed-sum", score: "taylor", batchSize: 8 }));
      const peakOverParams = (peak - baseline) / paramBytes;
      return {
        figures: [
          {
            name: `gradient importance, ${(model.numParameters / 1e6).toFixed(1)}M params, batch 8 × 128 tokens`,
            value: (16 * 128) / seconds,
            unit: "tokens/s",
          },
          { name: "peak RSS above pre-model RSS / parameter bytes (batch 1 × 128)", value: peakOverParams, unit: "×" },
        ],
        ratios: { peak_mem_over_params: peakOverParams },
      };
    } finally {
      model.dispose();
    }
  },
};

const SECTIONS: BenchSection[] = [importanceSection, matmulSection, opOverheadSection, llamaSection, evalSection];

async function main(): Promise<void> {
  const program = new Command()
    .name("bench")
    .option("--json", "print one JSON object instead of a table")
    .option("--device <device>", "cpu, cuda or cuda:N", "cpu")
    .option("--only <sections>", "run only the named sections (comma-separated)")
    .option("--no-torch", "skip the PyTorch side of the llama section")
    .parse();
  const opts = program.opts<{ json?: boolean; device: Device; only?: string; torch: boolean }>();
  const only = opts.only?.split(",");
  const sections = SECTIONS.filter((s) => only === undefined || only.includes(s.name));
  if (sections.length === 0) throw new Error(`no bench section named '${opts.only}' (have: ${SECTIONS.map((s) => s.name).join(", ")})`);

  const computeDtype = opts.device === "cpu" ? "f32" : "bf16";
  let ceiling: number | undefined;
  const matmul: Figure[] = [];
  const ctx: BenchContext = {
    device: opts.device,
    torch: opts.torch && opts.device === "cpu",
    ceiling: () => {
      if (ceiling === undefined) {
        matmul.push(...matmulFigures(opts.device));
        ceiling = Math.max(...matmul.filter((f) => f.name.includes(computeDtype)).map((f) => f.value));
      }
      return ceiling;
    },
    probeCeiling: () => {
      const probe = squareMatmulGflops(2048, computeDtype, opts.device, 2, 2);
      ceiling = Math.max(ctx.ceiling(), probe);
    },
  };

  const loadBefore = loadavg()[0]!;
  const figures: Record<string, Figure[]> = {};
  const ratios: Ratios = {};
  for (const section of sections) {
    process.stderr.write(`bench: ${section.name}…\n`);
    const result = await section.run(ctx);
    figures[section.name] = section === matmulSection ? [...matmul, ...result.figures] : result.figures;
    Object.assign(ratios, result.ratios);
    if (ceiling !== undefined) ratios.matmul_ceiling_gflops = ceiling;
    // Each section's rows as soon as it ends: a long run that fails later keeps what it measured.
    for (const f of figures[section.name]!) process.stderr.write(`  ${f.name}: ${formatValue(f.value)} ${f.unit}\n`);
  }
  const header = {
    libtorch: engineInfo.libtorchVersion,
    threads: engineInfo.threads,
    device: opts.device,
    cuda: engineInfo.cuda,
    cpu: `${cpus()[0]?.model ?? "unknown"} × ${availableParallelism()}`,
    // 1-minute load averages: other processes on the machine take cores from both sides alike.
    load_before: loadBefore,
    load_after: loadavg()[0]!,
  };
  if (opts.json) {
    console.log(JSON.stringify({ ...header, ...ratios, sections: figures }));
    return;
  }
  console.log(
    `libtorch ${header.libtorch}, ${header.threads} threads, device ${header.device}, ${header.cpu}; load ${header.load_before.toFixed(2)} → ${header.load_after.toFixed(2)}`,
  );
  const rows = Object.entries(figures).flatMap(([section, list]) => list.map((f) => [section, f.name, formatValue(f.value), f.unit]));
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows) {
    console.log(row.map((cell, c) => (c === 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  "));
  }
}

function formatValue(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(1) : value.toPrecision(2);
}

await main();
