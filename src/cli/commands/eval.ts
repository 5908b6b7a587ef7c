import type { Command } from "commander";
import { applyMask } from "../../masks/apply-mask.js";
import { summariseScores, writeEvaluation } from "../../eval/evaluate.js";
import { findBenchmarkSpec } from "../../eval/find-spec.js";
import { ModelScoringLM } from "../../eval/model-lm.js";
import { prepareBenchmark } from "../../eval/prepare.js";
import { scoreBenchmark } from "../../eval/score.js";
import { tokenizeBenchmark } from "../../eval/tokenize.js";
import { readMask } from "../../masks/mask.js";
import { loadModel } from "../../model/load.js";
import { createProgress } from "../../util/progress.js";
import { runCommand } from "../run-command.js";
import { parseDevice, parseDtype, parsePositiveInt } from "../option-parsers.js";

interface EvalFlags {
  model: string;
  benchmark: string;
  out: string;
  tokenizer?: string;
  data?: string;
  labels?: string;
  fewshotData?: string;
  mask?: string;
  limit?: string;
  skipBadRows?: boolean;
  sharedContext: boolean;
  bos: boolean;
  batchSize: string;
  device: string;
  dtype?: string;
}

export function registerEvalCommand(program: Command): void {
  program
    .command("eval")
    .description("Score a model on one benchmark as lm-evaluation-harness does; writes results.json and samples.jsonl")
    .requiredOption("--model <path>", "Hugging Face model directory or llama2.c checkpoint (.bin)")
    .requiredOption("--benchmark <spec>", "benchmark spec file, or the name of a shipped one (bprof benchmarks list)")
    .requiredOption("--out <dir>", "output folder for results.json and samples.jsonl")
    .option("--tokenizer <file>", "tokenizer.bin or tokenizer directory (default: next to the model)")
    .option("--data <path>", "your copy of the benchmark data, instead of the spec's data path")
    .option("--labels <path>", "line-aligned labels file (PIQA, WinoGrande), instead of the one next to the data")
    .option("--fewshot-data <path>", "few-shot source, instead of the spec's")
    .option("--mask <dir>", "ablate this mask in memory while evaluating (restored afterwards)")
    .option("--limit <n>", "score only the first N items")
    .option("--skip-bad-rows", "skip rows that cannot be read (counted in results.json) instead of failing")
    .option("--no-shared-context", "score each choice with its own forward pass instead of sharing the context's")
    .option("--no-bos", "do not start sequences with BOS (lm-eval's add_bos_token=False)")
    .option("--batch-size <n>", "requests per forward on the per-choice path", "16")
    .option("--device <device>", "cpu, cuda or cuda:N", "cpu")
    .option("--dtype <dtype>", "f32, bf16 or f16 (default: f32 on cpu, bf16 on cuda)")
    .action(runCommand(evalAction));
}

async function evalAction(flags: EvalFlags): Promise<void> {
  const limit = flags.limit === undefined ? undefined : parsePositiveInt(flags.limit, "--limit");
  const batchSize = parsePositiveInt(flags.batchSize, "--batch-size");
  // Everything that can fail on bad input is checked before the model loads.
  const loadedSpec = findBenchmarkSpec(flags.benchmark);
  const prepared = prepareBenchmark(loadedSpec, {
    limit,
    dataOverride: flags.data,
    labelsOverride: flags.labels,
    fewshotDataOverride: flags.fewshotData,
    skipBadRows: flags.skipBadRows,
  });
  const mask = flags.mask ? readMask(flags.mask) : null;
  if (prepared.skippedRows.length > 0) process.stderr.write(`eval: skipped ${prepared.skippedRows.length} bad rows\n`);

  const loaded = await loadModel(flags.model, { tokenizer: flags.tokenizer, device: parseDevice(flags.device), dtype: parseDtype(flags.dtype) });
  try {
    const lm = new ModelScoringLM(loaded.model, loaded.tokenizer);
    const tokenized = tokenizeBenchmark(lm, prepared, { addBos: flags.bos });
    const name = loadedSpec.spec.name;
    const total = tokenized.items.length;
    const progress = createProgress({ label: `eval ${name}`, total, unit: "items", intervalMs: 1000 });
    let reported = 0;
    // The mask is ablated in memory for the scoring only; restore() proves the weights are back.
    const ablation = mask ? applyMask(loaded.model.params, mask) : null;
    let scores;
    try {
      scores = await scoreBenchmark(lm, tokenized, {
        sharedContext: flags.sharedContext,
        batchSize,
        progress: (done) => {
          progress.tick(done - reported);
          reported = done;
        },
      });
    } finally {
      ablation?.restore();
    }
    progress.done();
    const evaluation = summariseScores(prepared, scores, {
      sharedContext: flags.sharedContext,
      addBos: tokenized.addBos,
      limit: limit ?? loadedSpec.spec.limit ?? null,
      skipBadRows: flags.skipBadRows ?? false,
    });
    evaluation.results.model = loaded.info.path;
    if (ablation) evaluation.results.mask = { dir: flags.mask!, touched: ablation.touched, checksum: ablation.checksum };
    const { resultsPath } = writeEvaluation(flags.out, evaluation);
    const { results } = evaluation;
    const scoresText = Object.entries(results.metrics)
      .map(([key, m]) => `${key} ${m.value.toFixed(4)}${m.stderr === null ? "" : ` ± ${m.stderr.toFixed(4)}`}`)
      .join(", ");
    process.stdout.write(`${name}: ${scoresText} (n=${results.n}, chance ${results.chance.toFixed(4)}) → ${resultsPath}\n`);
  } finally {
    loaded.dispose();
  }
}
