import type { Command } from "commander";
import { applyMask } from "../../masks/apply-mask.js";
import { BprofError } from "../../errors.js";
import { summariseScores } from "../../eval/evaluate.js";
import { writeRunOutputs, type TaskRun } from "../../eval/lm-eval-output.js";
import { ModelScoringLM } from "../../eval/model-lm.js";
import { prepareBenchmark } from "../../eval/prepare.js";
import { scoreBenchmark } from "../../eval/score.js";
import { selectTasks } from "../../eval/select-tasks.js";
import { tokenizeBenchmark } from "../../eval/tokenize.js";
import { readMask } from "../../masks/mask.js";
import { ALLOW_UNUSED_FLAG } from "../../model/checkpoint-coverage.js";
import { loadModel } from "../../model/load.js";
import { checkBenchmarkFits, warnOverlong } from "../../profile/run-profile.js";
import { createProgress } from "../../util/progress.js";
import { runCommand } from "../run-command.js";
import { parseDevice, parseDtype, parseLimit, parsePositiveInt } from "../option-parsers.js";

interface EvalFlags {
  model: string;
  benchmark?: string;
  tasks?: string;
  out?: string;
  output_path?: string;
  tokenizer?: string;
  data?: string;
  dataDir?: string;
  include_path?: string;
  labels?: string;
  fewshotData?: string;
  mask?: string;
  limit?: string;
  num_fewshot?: string;
  apply_chat_template?: boolean;
  system_instruction?: string;
  skipBadRows?: boolean;
  sharedContext: boolean;
  bos: boolean;
  batchSize: string;
  device: string;
  dtype?: string;
  allowUnusedTensors?: boolean;
}

export function registerEvalCommand(program: Command): void {
  program
    .command("eval")
    .description(
      "Score a model on benchmarks as lm-evaluation-harness does; writes results.json and samples in lm-eval's shape and bprof's",
    )
    .requiredOption("--model <path>", "Hugging Face model directory or llama2.c checkpoint (.bin)")
    .option(
      "--tasks <list>",
      "comma-separated lm-eval task files, folders, task/tag/group names (--include_path) or shipped benchmark names",
    )
    .option("--benchmark <spec>", "one benchmark spec file, or the name of a shipped one (bprof benchmarks list)")
    .option("--out <dir>", "output folder for results.json and the samples")
    .option("--output_path <dir>", "the same as --out (lm-eval's name)")
    .option("--data-dir <dir>", "Hub dataset clones (Parquet) and/or a datasets cache (Arrow) where lm-eval tasks' dataset_path is found")
    .option("--include_path <dirs>", "comma-separated folders of lm-eval task files, searched for --tasks names")
    .option("--num_fewshot <n>", "few-shot examples per item, for every task (overrides the task's)")
    .option("--apply_chat_template", "wrap each prompt in the model's chat template")
    .option(
      "--system_instruction <text>",
      "system instruction before every prompt (the chat template's system turn with --apply_chat_template)",
    )
    .option("--tokenizer <file>", "tokenizer.bin or tokenizer directory (default: next to the model)")
    .option("--data <path>", "your copy of the benchmark data (jsonl, json, csv, parquet, arrow), instead of the spec's data path")
    .option("--labels <path>", "line-aligned labels file (PIQA, WinoGrande), instead of the one next to the data")
    .option("--fewshot-data <path>", "few-shot source, instead of the spec's")
    .option("--mask <dir>", "ablate this mask in memory while evaluating (restored afterwards)")
    .option("--limit <n>", "score only the first N items of each benchmark, or a fraction of them (0.1)")
    .option("--skip-bad-rows", "skip rows that cannot be read (counted in results.json) instead of failing")
    .option("--no-shared-context", "score each choice with its own forward pass instead of sharing the context's")
    .option("--no-bos", "do not start sequences with BOS (lm-eval's add_bos_token=False)")
    .option("--batch-size <n>", "requests per forward on the per-choice path (lm-eval's --batch_size)", "16")
    .option("--device <device>", "cpu, cuda or cuda:N", "cpu")
    .option("--dtype <dtype>", "f32, bf16 or f16 (default: f32 on cpu, bf16 on cuda)")
    .option(ALLOW_UNUSED_FLAG, "load a checkpoint holding tensors the architecture does not use (default: error)")
    .action(runCommand(evalAction));
}

async function evalAction(flags: EvalFlags): Promise<void> {
  const started = Date.now();
  const limit = flags.limit === undefined ? undefined : parseLimit(flags.limit, "--limit");
  const batchSize = parsePositiveInt(flags.batchSize, "--batch-size");
  const out = flags.out ?? flags.output_path;
  if (!out) throw new BprofError("say where to write the results: --out DIR (or --output_path DIR)", { field: "--out" });
  if (flags.out && flags.output_path && flags.out !== flags.output_path)
    throw new BprofError("--out and --output_path name different folders", { field: "--output_path" });
  if ((flags.tasks === undefined) === (flags.benchmark === undefined))
    throw new BprofError("name the benchmarks with --tasks (or one with --benchmark)", { field: "--tasks" });
  // Everything that can fail on bad input is checked before the model loads.
  const specs = selectTasks([flags.tasks ?? flags.benchmark!], {
    dataDir: flags.dataDir,
    includePaths: flags.include_path?.split(",").filter(Boolean),
    numFewshot: flags.num_fewshot === undefined ? undefined : parseCount(flags.num_fewshot, "--num_fewshot"),
    applyChatTemplate: flags.apply_chat_template,
    systemInstruction: flags.system_instruction,
  });
  if (specs.length > 1 && (flags.data || flags.labels || flags.fewshotData)) {
    throw new BprofError("--data, --labels and --fewshot-data apply to one benchmark; several were selected", { field: "--data" });
  }
  const prepared = specs.map((loadedSpec) =>
    prepareBenchmark(loadedSpec, {
      limit,
      dataOverride: flags.data,
      labelsOverride: flags.labels,
      fewshotDataOverride: flags.fewshotData,
      skipBadRows: flags.skipBadRows,
    }),
  );
  const mask = flags.mask ? readMask(flags.mask) : null;
  for (const p of prepared)
    if (p.skippedRows.length > 0) process.stderr.write(`eval ${p.loaded.spec.name}: skipped ${p.skippedRows.length} bad rows\n`);

  const loaded = await loadModel(flags.model, {
    tokenizer: flags.tokenizer,
    device: parseDevice(flags.device),
    dtype: parseDtype(flags.dtype),
    allowUnusedTensors: flags.allowUnusedTensors,
  });
  try {
    const lm = new ModelScoringLM(loaded.model, loaded.tokenizer, { stopIds: loaded.info.stopIds });
    const tokenized = prepared.map((p) => tokenizeBenchmark(lm, p, { addBos: flags.bos }));
    for (const [i, benchmark] of prepared.entries()) {
      const overlong = checkBenchmarkFits(tokenized[i]!, loaded.info.config.maxPositionEmbeddings);
      if (overlong > 0) warnOverlong(overlong, benchmark.items.length, benchmark.loaded.spec.name);
    }
    const runs: TaskRun[] = [];
    for (const [i, benchmark] of prepared.entries()) {
      const name = benchmark.loaded.spec.name;
      // The mask is ablated in memory for the scoring only; restore() proves the weights are back.
      const ablation = mask ? applyMask(loaded.model.params, mask) : null;
      let scores;
      try {
        scores = await scoreBenchmark(lm, tokenized[i]!, {
          sharedContext: flags.sharedContext,
          batchSize,
          progress: progressReporter(name, tokenized[i]!.items.length),
        });
      } finally {
        ablation?.restore();
      }
      const evaluation = summariseScores(benchmark, scores, {
        sharedContext: flags.sharedContext,
        addBos: tokenized[i]!.addBos,
        limit: limit ?? benchmark.loaded.spec.limit ?? null,
        skipBadRows: flags.skipBadRows ?? false,
      });
      evaluation.results.model = loaded.info.path;
      if (ablation) evaluation.results.mask = { dir: flags.mask!, touched: ablation.touched, checksum: ablation.checksum };
      runs.push({ prepared: benchmark, evaluation });
    }
    const [resultsPath] = writeRunOutputs(out, runs, {
      model: loaded.info.path,
      device: flags.device,
      batchSize,
      limit: limit ?? null,
      systemInstruction: flags.system_instruction ?? null,
      applyChatTemplate: flags.apply_chat_template ?? false,
      startTime: started,
      endTime: Date.now(),
    });
    for (const { evaluation } of runs) {
      const { results } = evaluation;
      const scoresText = Object.entries(results.metrics)
        .map(([key, m]) => `${key} ${m.value.toFixed(4)}${m.stderr === null ? "" : ` ± ${m.stderr.toFixed(4)}`}`)
        .join(", ");
      process.stdout.write(`${results.benchmark}: ${scoresText} (n=${results.n}, chance ${results.chance.toFixed(4)})\n`);
    }
    process.stdout.write(`→ ${resultsPath}\n`);
  } finally {
    loaded.dispose();
  }
}

function parseCount(value: string, option: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 0)
    throw new BprofError(`'${value}' is not a count (0, 1, 2, …)`, { field: option });
  return n;
}

/** Progress on stderr (util/progress.ts), drawn at most about once a second, and always at the end. */
function progressReporter(name: string, total: number): (done: number) => void {
  const progress = createProgress({ label: `eval ${name}`, total, unit: "items", intervalMs: 1000 });
  let reported = 0;
  return (done) => {
    progress.tick(done - reported);
    reported = done;
    if (done >= total) progress.done();
  };
}
