import type { Command } from "commander";
import { BprofError } from "../../errors.js";
import { selectTasks } from "../../eval/select-tasks.js";
import type { LoadedSpec } from "../../eval/spec.js";
import type { GradientAggregate, ScoreKind } from "../../importance/gradients.js";
import type { LossScope } from "../../importance/render.js";
import type { Contrast } from "../../masks/contrast.js";
import type { SelectionMethod } from "../../masks/selection.js";
import { ALLOW_UNUSED_FLAG } from "../../model/checkpoint-coverage.js";
import { DEFAULT_CONTROLS, DEFAULT_MODEL, PROFILE_OPTIONS, type KeepScores } from "../../profile/defaults.js";
import { PAPER_KS, PRESETS, type Preset } from "../../profile/presets.js";
import type { CheckpointChoice } from "../../profile/run-options.js";
import { profile } from "../../profile/run-profile.js";
import { addOption, parseDevice, parseDtype } from "../option-parsers.js";
import { runCommand } from "../run-command.js";

interface ProfileFlags {
  model?: string;
  tokenizer?: string;
  abilities: string;
  abilitiesDir?: string;
  probes?: string;
  benchmarks?: string[];
  tasks?: string;
  dataDir?: string;
  include_path?: string;
  num_fewshot?: string;
  variants?: string;
  k?: string;
  controls?: string;
  method?: string;
  selfProfile?: boolean;
  limit?: string;
  lossScope?: string;
  aggregate?: string;
  score?: string;
  contrast?: string;
  gate: boolean;
  gateMargin?: string;
  templateDate?: string;
  preset?: string;
  systemPrompt?: string;
  truncate?: boolean;
  importanceBatchSize?: string;
  batchTokens?: string;
  checkpointLayers?: string;
  deviceMemory?: string;
  keepScores?: string | boolean;
  evalBatchSize?: string;
  sharedContext: boolean;
  bootstrap?: string;
  bootstrapSeed?: string;
  confidence?: string;
  minMargin?: string;
  device: string;
  dtype?: string;
  allowUnusedTensors?: boolean;
  shard?: string;
  force?: boolean;
  quiet?: boolean;
  out?: string;
}

export function registerProfileCommand(program: Command): void {
  const o = PROFILE_OPTIONS;
  const command = program
    .command("profile")
    .description("Profile benchmarks by ability: importance → masks → ablated evaluation → AIS → reports, resumable (METHOD.md)")
    .option("--model <path>", `Hugging Face model directory or llama2.c checkpoint (default: ${DEFAULT_MODEL})`)
    .option("--abilities <ids>", "comma-separated ability ids, or all", "all")
    .option(
      "--benchmarks <specs...>",
      "spec files, shipped benchmark names or folders of specs (default: benchmarks/samples and benchmarks/planted)",
    )
    .option(
      "--tasks <list>",
      "lm-eval task files, folders or task/tag/group names (with --include_path), or shipped benchmark names; comma-separated",
    )
    .option("--data-dir <dir>", "Hub dataset clones (Parquet) and/or a datasets cache (Arrow) for the lm-eval tasks' data")
    .option("--include_path <dirs>", "comma-separated folders of lm-eval task files, searched for --tasks names")
    .option("--num_fewshot <n>", "few-shot examples per item for the --tasks benchmarks (overrides the task's)");
  addOption(command, o.variants);
  addOption(command, { ...o.ks, help: `${o.ks.help}; paper: ${PAPER_KS.join(",")}` });
  command
    .option(
      "--controls <list>",
      `random:N (N seeded random masks), bottom, or none; comma-separated (default: ${DEFAULT_CONTROLS}; paper: random:3,bottom)`,
    )
    .option("--self-profile", "also score each ability's own test split under every mask (the selectivity matrix)");
  addOption(command, o.limit);
  command
    .option("--out <dir>", "run directory (default: runs/<model name>)")
    .option("--shard <i/n>", "compute only shard i of n (0-based); combine shards with bprof merge")
    .option("--force", "recompute every stage, even those the run directory holds")
    .option("--quiet", "no progress on stderr")
    .option(
      "--preset <name>",
      `${PRESETS.join(" | ")}: paper = the original authors' choices (loss full, signed-sum, taylor, chunked, bottom control, their k sweep, no contrast); options given beside it win`,
    );
  addOption(command, { ...o.method, help: `${o.method.help}; paper: chunked` });
  addOption(command, { ...o.lossScope, help: `importance loss over: ${o.lossScope.help.split(": ").pop()}; paper: full` });
  for (const spec of [o.aggregate, o.score, o.contrast]) addOption(command, spec);
  command.option("--no-gate", "treat every ability as possessed (no competence gate on the test splits)");
  for (const spec of [o.gateMargin, o.templateDate, o.systemPrompt]) addOption(command, spec);
  command.option("--truncate", "cut probe items longer than the model's context (default: error)");
  for (const spec of [o.importanceBatchSize, o.importanceBatchTokens, o.checkpointLayers]) addOption(command, spec);
  command.option("--device-memory <GB>", "memory the plan may use (default: host RAM on cpu, 80 GB on cuda)");
  addOption(command, o.keepScores);
  addOption(command, o.evalBatchSize);
  command.option("--no-shared-context", "score each choice with its own forward pass");
  for (const spec of [o.bootstrapSamples, o.seed, o.confidence, o.minMargin]) addOption(command, spec);
  command
    .option("--abilities-dir <dir>", "ability definitions (default: the shipped abilities/)")
    .option("--probes <dir>", "probe splits as <dir>/<ability>/<split>.jsonl (default: the shipped probes/)")
    .option("--tokenizer <file>", "tokenizer.bin or tokenizer directory (default: next to the model)")
    .option("--device <device>", "cpu, cuda or cuda:N", "cpu")
    .option("--dtype <dtype>", "f32, bf16 or f16 (default: f32 on cpu, bf16 on cuda)")
    .option(ALLOW_UNUSED_FLAG, "load a checkpoint holding tensors the architecture does not use (default: error)")
    .action(runCommand(profileAction));
}

async function profileAction(flags: ProfileFlags): Promise<void> {
  const o = PROFILE_OPTIONS;
  const result = await profile({
    model: flags.model,
    tokenizer: flags.tokenizer,
    device: parseDevice(flags.device),
    dtype: parseDtype(flags.dtype),
    allowUnusedTensors: flags.allowUnusedTensors ?? false,
    abilities: flags.abilities === "all" ? "all" : flags.abilities.split(",").map((s) => s.trim()),
    abilitiesDir: flags.abilitiesDir,
    probesDir: flags.probes,
    benchmarks: benchmarkSelection(flags),
    // The option values go to the library as text: profile() parses each (defaults.ts).
    variants: flags.variants,
    ks: flags.k,
    method: flags.method as SelectionMethod | undefined,
    controls: flags.controls,
    selfProfile: flags.selfProfile ?? false,
    limit: flags.limit,
    lossScope: flags.lossScope as LossScope | undefined,
    aggregate: flags.aggregate as GradientAggregate | undefined,
    score: flags.score as ScoreKind | undefined,
    contrast: flags.contrast as Contrast | undefined,
    gate: flags.gate,
    gateMargin: flags.gateMargin === undefined ? undefined : o.gateMargin.parse(flags.gateMargin),
    templateDate: flags.templateDate,
    preset: flags.preset as Preset | undefined,
    systemPrompt: flags.systemPrompt,
    truncate: flags.truncate ?? false,
    importanceBatchSize: flags.importanceBatchSize,
    importanceBatchTokens: flags.batchTokens,
    checkpointLayers: flags.checkpointLayers as CheckpointChoice | undefined,
    // A bare --keep-scores keeps f32.
    keepScores: (flags.keepScores === true ? "f32" : flags.keepScores) as KeepScores | undefined,
    deviceMemory: flags.deviceMemory === undefined ? undefined : parseGigabytes(flags.deviceMemory),
    evalBatchSize: flags.evalBatchSize,
    sharedContext: flags.sharedContext,
    statistics: {
      bootstrap_samples: flags.bootstrap === undefined ? undefined : o.bootstrapSamples.parse(flags.bootstrap),
      seed: flags.bootstrapSeed === undefined ? undefined : o.seed.parse(flags.bootstrapSeed),
      confidence: flags.confidence === undefined ? undefined : o.confidence.parse(flags.confidence),
      min_margin: flags.minMargin === undefined ? undefined : o.minMargin.parse(flags.minMargin),
    },
    shard: flags.shard,
    force: flags.force ?? false,
    quiet: flags.quiet ?? false,
    out: flags.out,
  });
  const stages = `${result.computed} stages computed, ${result.reused} reused`;
  if (result.profile === null) {
    const { index, count } = result.manifest.shard;
    process.stdout.write(`shard ${index}/${count} done (${stages}) → ${result.dir}; combine all ${count} shards with bprof merge\n`);
    return;
  }
  const defined = result.profile.cells.filter((c) => c.ais !== null).length;
  process.stdout.write(
    `profile of ${result.profile.run.model.name}: ${result.profile.benchmarks.length} benchmarks × ${result.profile.abilities.length} abilities, ` +
      `${result.profile.cells.length} cells (${defined} with a defined AIS); ${stages}\n`,
  );
  for (const file of result.files) process.stdout.write(`${file}\n`);
}

/** --benchmarks as given, then the --tasks selection (lm-eval tasks loaded with their data); undefined: the defaults. */
function benchmarkSelection(flags: ProfileFlags): (string | LoadedSpec)[] | undefined {
  if (flags.tasks === undefined) return flags.benchmarks;
  const numFewshot = flags.num_fewshot === undefined ? undefined : Number(flags.num_fewshot);
  if (numFewshot !== undefined && !(Number.isInteger(numFewshot) && numFewshot >= 0))
    throw new BprofError(`'${flags.num_fewshot}' is not a count (0, 1, 2, …)`, { field: "--num_fewshot" });
  const tasks = selectTasks([flags.tasks], {
    dataDir: flags.dataDir,
    includePaths: flags.include_path?.split(",").filter(Boolean),
    numFewshot,
  });
  return [...(flags.benchmarks ?? []), ...tasks];
}

/** `--device-memory GB` → bytes. */
function parseGigabytes(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new BprofError(`not a number: '${value}'`, { field: "--device-memory" });
  return n * 1e9;
}
