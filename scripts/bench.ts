// npm run bench [-- --json] [-- --device cuda] [-- --only <section>]
// Engine and model throughput. Each section returns named figures; the table (or with --json
// one JSON object) is what goes into notes and issue reports. Add a section by appending to
// SECTIONS.
import { Command } from "commander";
import { Tensor, engineInfo, noGrad, scope, type Device } from "../src/engine/index.js";
import { applyMask } from "../src/ablation/apply-mask.js";
import { computeImportanceScores } from "../src/importance/compute-importance.js";
import { maskFromSelection } from "../src/importance/mask-from-selection.js";
import { SeededRandom } from "../src/importance/random-subset.js";
import { scoresFromArray } from "../src/importance/score-source.js";
import { selectElements } from "../src/importance/selection.js";
import { resolveModelConfig } from "../src/model/config.js";
import { LlamaModel } from "../src/model/llama.js";

interface Figure {
  name: string;
  value: number;
  unit: string;
}

interface BenchSection {
  name: string;
  run(opts: { device: Device }): Figure[];
}

/** Seconds per call of fn, the best of `rounds` rounds of `reps` calls after one warm-up round. */
function timeBest(fn: () => void, reps: number, rounds = 3): number {
  let best = Infinity;
  for (let round = 0; round <= rounds; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) fn();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9 / reps;
    if (round > 0) best = Math.min(best, seconds);
  }
  return best;
}

const matmulSection: BenchSection = {
  name: "matmul",
  run({ device }) {
    const figures: Figure[] = [];
    for (const [n, dtype, reps] of [[1024, "f32", 10], [2048, "f32", 3], [2048, "bf16", 2]] as const) {
      if (dtype === "bf16" && device === "cpu") continue; // CPU bf16 GEMM in libtorch 1.13 is a slow fallback
      scope(() =>
        noGrad(() => {
          const a = Tensor.randn([n, n], { seed: 1, dtype, device });
          const b = Tensor.randn([n, n], { seed: 2, dtype, device });
          // item() waits for the device, so CUDA timings include the work, not just the launch.
          const seconds = timeBest(() => scope(() => void a.matmul(b).narrow(0, 0, 1).sum().item()), reps);
          figures.push({ name: `${n}x${n} ${dtype} @ ${n}x${n}`, value: (2 * n ** 3) / seconds / 1e9, unit: "GFLOP/s" });
        }),
      );
    }
    return figures;
  },
};

const opOverheadSection: BenchSection = {
  name: "op overhead",
  run({ device }) {
    return scope(() =>
      noGrad(() => {
        const x = Tensor.ones([4], { device });
        const seconds = timeBest(() => scope(() => void x.add(1)), 20_000);
        return [{ name: "add on a 4-element tensor (wrapper + dispatch + scope)", value: seconds * 1e6, unit: "µs/op" }];
      }),
    );
  },
};

/**
 * Importance (issue 5) on a random 8-layer Llama of ~30M parameters (signed-sum, taylor):
 * gradient tokens/s at batch 8 × 128 tokens; RSS over the parameter bytes, sampled after every
 * backward and while scoring, in a batch-1 run (so activations stay small next to the weights),
 * above the RSS before the model existed (run with --only importance for a clean baseline); and
 * the time to apply and restore a k = 1e-2 mask over the `all` scope.
 */
const importanceSection: BenchSection = {
  name: "importance",
  run({ device }) {
    const baseline = process.memoryUsage.rss();
    const config = resolveModelConfig(
      { model_type: "llama", hidden_size: 512, intermediate_size: 1408, num_hidden_layers: 8, num_attention_heads: 8, vocab_size: 4096, max_position_embeddings: 256 },
      "bench",
    );
    const model = LlamaModel.random(config, { seed: 1, device });
    try {
      const paramBytes = [...model.params.values()].reduce((s, t) => s + t.byteSize, 0);
      const rng = new SeededRandom(1);
      const items = (count: number) =>
        Array.from({ length: count }, (_, i) => {
          const inputIds = Array.from({ length: 128 }, () => rng.below(config.vocabSize));
          return { id: `bench-${i}`, inputIds, lossMask: inputIds.map((_, t) => (t === 0 ? 0 : 1)) };
        });

      // Memory first: freed activations of a bigger batch would stay in RSS (the allocator keeps them).
      let peak = process.memoryUsage.rss();
      const sample = () => (peak = Math.max(peak, process.memoryUsage.rss()));
      computeImportanceScores(model, items(3), { aggregate: "signed-sum", score: "taylor", batchSize: 1, onProgress: sample });
      sample();

      const start = process.hrtime.bigint();
      const { scores } = computeImportanceScores(model, items(16), { aggregate: "signed-sum", score: "taylor", batchSize: 8 });
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;

      const shapes = new Map([...model.params].map(([n, t]) => [n, [...t.shape]]));
      const [selection] = selectElements({
        sources: [...scores].map(([n, s]) => scoresFromArray(n, s)),
        variant: "all",
        nTotal: model.numParameters,
        ks: [1e-2],
        method: "top",
        controls: [],
      });
      const mask = { ...maskFromSelection(selection!, shapes, null), toolVersion: "bench" };
      const applyRestore = timeBest(() => applyMask(model.params, mask).restore(), 3);
      return [
        { name: `gradient importance, ${(model.numParameters / 1e6).toFixed(1)}M params, batch 8 × 128 tokens`, value: (16 * 128) / seconds, unit: "tokens/s" },
        { name: "peak RSS above pre-model RSS / parameter bytes (batch 1 × 128)", value: (peak - baseline) / paramBytes, unit: "×" },
        { name: `apply + restore a k = 1e-2 mask (${selection!.count} elements)`, value: applyRestore * 1e3, unit: "ms" },
      ];
    } finally {
      model.dispose();
    }
  },
};

/**
 * Model throughput on a random Llama of the "~25M" shape (hidden 512, 8 layers,
 * 8 heads, MLP 1376, vocab 8000; untied head): forward (no grad) and forward + backward
 * of the mean next-token loss w.r.t. every weight, batch 4 × 256 tokens.
 */
const llamaSection: BenchSection = {
  name: "llama",
  run({ device }) {
    const config = resolveModelConfig(
      { model_type: "llama", hidden_size: 512, intermediate_size: 1376, num_hidden_layers: 8, num_attention_heads: 8, vocab_size: 8000, max_position_embeddings: 256 },
      "bench",
    );
    const [batch, seq] = [4, 256];
    const model = LlamaModel.random(config, { seed: 1, device });
    const ids = Tensor.fromInt64(Array.from({ length: batch * seq }, (_, i) => (i * 7919) % config.vocabSize), [batch, seq], { device });
    try {
      const size = `${(model.numParameters / 1e6).toFixed(1)}M params, ${model.dtype}, batch ${batch} × ${seq}`;
      const forward = timeBest(() => noGrad(() => scope(() => void model.forward(ids).narrow(1, 0, 1).sum().item())), 1, 2);
      model.setRequiresGrad(true);
      const backward = timeBest(() => {
        scope(() => model.loss(ids).backward());
        for (const p of model.params.values()) p.zeroGrad();
      }, 1, 2);
      return [
        { name: `forward, ${size}`, value: (batch * seq) / forward, unit: "tokens/s" },
        { name: `forward + backward, ${size}`, value: (batch * seq) / backward, unit: "tokens/s" },
      ];
    } finally {
      model.dispose();
      ids.dispose();
    }
  },
};

const SECTIONS: BenchSection[] = [matmulSection, opOverheadSection, importanceSection, llamaSection];

function main(): void {
  const program = new Command()
    .name("bench")
    .option("--json", "print one JSON object instead of a table")
    .option("--device <device>", "cpu, cuda or cuda:N", "cpu")
    .option("--only <section>", "run only the named section")
    .parse();
  const opts = program.opts<{ json?: boolean; device: Device; only?: string }>();
  const sections = SECTIONS.filter((s) => opts.only === undefined || s.name === opts.only);
  if (sections.length === 0) throw new Error(`no bench section named '${opts.only}' (have: ${SECTIONS.map((s) => s.name).join(", ")})`);

  const results: Record<string, Figure[]> = {};
  for (const section of sections) {
    process.stderr.write(`bench: ${section.name}…\n`);
    results[section.name] = section.run({ device: opts.device });
  }
  const header = {
    libtorch: engineInfo.libtorchVersion,
    threads: engineInfo.threads,
    device: opts.device,
    cuda: engineInfo.cuda,
  };
  if (opts.json) {
    console.log(JSON.stringify({ ...header, sections: results }));
    return;
  }
  console.log(`libtorch ${header.libtorch}, ${header.threads} threads, device ${header.device}`);
  const rows = Object.entries(results).flatMap(([section, figures]) => figures.map((f) => [section, f.name, formatValue(f.value), f.unit]));
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows) {
    console.log(row.map((cell, c) => (c === 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  "));
  }
}

function formatValue(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(1) : value.toPrecision(2);
}

main();
