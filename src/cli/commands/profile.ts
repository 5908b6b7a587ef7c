import type { Command } from "commander";
import { BprofError } from "../../errors.js";
import { parseFractions } from "../../importance/ablation-count.js";
import { AGGREGATES, SCORES, type Aggregate, type ScoreKind } from "../../importance/gradients.js";
import { CONTRASTS, parseContrast } from "../../importance/contrast.js";
import { DEFAULT_LOSS_SCOPE, DEFAULT_SYSTEM_PROMPT, LOSS_SCOPES, type LossScope } from "../../importance/render.js";
import { DEFAULT_TEMPLATE_DATE, parseTemplateDate } from "../../model/tokenizer/template-date.js";
import { PAPER_KS, PRESETS, type Preset } from "../../profile/presets.js";
import { parseVariant } from "../../importance/scope.js";
import { parseMethod } from "../../importance/selection.js";
import { ALLOW_UNUSED_FLAG } from "../../model/checkpoint-coverage.js";
import {
  DEFAULT_CONTRAST,
  DEFAULT_CONTROLS,
  DEFAULT_EVAL_BATCH_SIZE,
  DEFAULT_GATE_MARGIN,
  DEFAULT_IMPORTANCE_BATCH_SIZE,
  DEFAULT_KS,
  DEFAULT_MODEL,
  DEFAULT_VARIANTS,
} from "../../profile/defaults.js";
import { profile } from "../../profile/run-profile.js";
import { CHECKPOINT_CHOICES, type CheckpointChoice } from "../../profile/run-options.js";
import { DEFAULT_STATISTICS_OPTIONS } from "../../profile/schema.js";
import { selectTasks } from "../../eval/select-tasks.js";
import type { LoadedSpec } from "../../eval/spec.js";
import { runCommand } from "../run-command.js";
import { oneOf } from "./importance.js";
import { parseDevice, parseDtype, parsePositiveInt } from "../option-parsers.js";

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
  variants: string;
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
  gateMargin: string;
  templateDate: string;
  preset?: string;
  systemPrompt: string;
  truncate?: boolean;
  importanceBatchSize: string;
  batchTokens?: string;
  checkpointLayers: string;
  deviceMemory?: string;
  evalBatchSize: string;
  sharedContext: boolean;
  bootstrap: string;
  bootstrapSeed: string;
  confidence: string;
  minMargin: string;
  device: string;
  dtype?: string;
  allowUnusedTensors?: boolean;
  shard?: string;
  force?: boolean;
  quiet?: boolean;
  out?: string;
}

export function registerProfileCommand(program: Command): void {
  program
    .command("profile")
    .description("Profile benchmarks by ability: importance → masks → ablated evaluation → AIS → reports, resumable (docs/method.md)")
    .option("--model <path>", `Hugging Face model directory or llama2.c checkpoint (default: ${DEFAULT_MODEL})`)
    .option("--abilities <ids>", "comma-separated ability ids, or all", "all")
    .option("--benchmarks <specs...>", "spec files, shipped benchmark names or folders of specs (default: benchmarks/samples and benchmarks/planted)")
    .option("--tasks <list>", "lm-eval task files, folders or task/tag/group names (with --include_path), or shipped benchmark names; comma-separated")
    .option("--data-dir <dir>", "Hub dataset clones (Parquet) and/or a datasets cache (Arrow) for the lm-eval tasks' data")
    .option("--include_path <dirs>", "comma-separated folders of lm-eval task files, searched for --tasks names")
    .option("--num_fewshot <n>", "few-shot examples per item for the --tasks benchmarks (overrides the task's)")
    .option("--variants <list>", "ablation scopes: mlp, all (comma-separated)", DEFAULT_VARIANTS.join(","))
    .option("--k <fractions>", `ablation fractions, comma-separated (default: ${DEFAULT_KS.join(",")}; paper: ${PAPER_KS.join(",")})`)
    .option("--controls <list>", `random:N (N seeded random masks), bottom, or none; comma-separated (default: ${DEFAULT_CONTROLS}; paper: random:3,bottom)`)
    .option("--self-profile", "also score each ability's own test split under every mask (the selectivity matrix)")
    .option("--limit <n>", "at most N items of every benchmark and probe split (a quick look)")
    .option("--out <dir>", "run directory (default: runs/<model name>)")
    .option("--shard <i/n>", "compute only shard i of n (0-based); combine shards with bprof merge")
    .option("--force", "recompute every stage, even those the run directory holds")
    .option("--quiet", "no progress on stderr")
    .option("--preset <name>", "paper: the original authors' choices (loss full, signed-sum, taylor, chunked, bottom control, their k sweep, no contrast); options given beside it win")
    .option("--method <method>", "selection: top | per-matrix | chunked (default: top; paper: chunked)")
    .option("--loss-scope <scope>", `importance loss over: ${LOSS_SCOPES.join(" | ")} (default: ${DEFAULT_LOSS_SCOPE}; paper: full)`)
    .option("--aggregate <how>", `gradient accumulation: ${AGGREGATES.join(" | ")} (default: signed-sum)`)
    .option("--score <kind>", `per-weight score: ${SCORES.join(" | ")} (default: taylor)`)
    .option("--contrast <kind>", `select by the ability's scores relative to the other abilities': ${CONTRASTS.join(" | ")} (default: ${DEFAULT_CONTRAST}; paper: none)`)
    .option("--no-gate", "treat every ability as possessed (no competence gate on the test splits)")
    .option("--gate-margin <m>", "an ability is possessed when its test accuracy's lower 95% bound exceeds chance + m", String(DEFAULT_GATE_MARGIN))
    .option("--template-date <YYYY-MM-DD>", "the date a chat template that reads the current date is shown", DEFAULT_TEMPLATE_DATE)
    .option("--system-prompt <text>", "system turn of the rendered probes", DEFAULT_SYSTEM_PROMPT)
    .option("--truncate", "cut probe items longer than the model's context (default: error)")
    .option("--importance-batch-size <n>", "probe items per backward pass", String(DEFAULT_IMPORTANCE_BATCH_SIZE))
    .option("--batch-tokens <n>", "also at most N token slots (rows × longest row) per backward pass")
    .option("--checkpoint-layers <when>", `activation checkpointing per decoder layer: ${CHECKPOINT_CHOICES.join(" | ")} (auto: where the memory plan needs it)`, "auto")
    .option("--device-memory <GB>", "memory the plan may use (default: host RAM on cpu, 80 GB on cuda)")
    .option("--eval-batch-size <n>", "requests per forward on the per-choice path", String(DEFAULT_EVAL_BATCH_SIZE))
    .option("--no-shared-context", "score each choice with its own forward pass")
    .option("--bootstrap <B>", "paired-bootstrap resamples", String(DEFAULT_STATISTICS_OPTIONS.bootstrap_samples))
    .option("--bootstrap-seed <n>", "seed of the paired bootstrap", String(DEFAULT_STATISTICS_OPTIONS.seed))
    .option("--confidence <level>", "two-sided interval level", String(DEFAULT_STATISTICS_OPTIONS.confidence))
    .option("--min-margin <m>", "AIS is undefined where base score − chance is below this", String(DEFAULT_STATISTICS_OPTIONS.min_margin))
    .option("--abilities-dir <dir>", "ability definitions (default: the shipped abilities/)")
    .option("--probes <dir>", "probe splits as <dir>/<ability>/<split>.jsonl (default: the shipped probes/)")
    .option("--tokenizer <file>", "tokenizer.bin or tokenizer directory (default: next to the model)")
    .option("--device <device>", "cpu, cuda or cuda:N", "cpu")
    .option("--dtype <dtype>", "f32, bf16 or f16 (default: f32 on cpu, bf16 on cuda)")
    .option(ALLOW_UNUSED_FLAG, "load a checkpoint holding tensors the architecture does not use (default: error)")
    .action(runCommand(profileAction));
}

async function profileAction(flags: ProfileFlags): Promise<void> {
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
    variants: flags.variants.split(",").map((v) => parseVariant(v.trim(), { field: "--variants" })),
    ks: flags.k === undefined ? undefined : parseFractions(flags.k),
    method: flags.method === undefined ? undefined : parseMethod(flags.method),
    controls: flags.controls,
    selfProfile: flags.selfProfile ?? false,
    limit: flags.limit === undefined ? undefined : parsePositiveInt(flags.limit, "--limit"),
    lossScope: flags.lossScope === undefined ? undefined : oneOf<LossScope>(flags.lossScope, LOSS_SCOPES, "--loss-scope"),
    aggregate: flags.aggregate === undefined ? undefined : oneOf<Aggregate>(flags.aggregate, AGGREGATES, "--aggregate"),
    score: flags.score === undefined ? undefined : oneOf<ScoreKind>(flags.score, SCORES, "--score"),
    contrast: flags.contrast === undefined ? undefined : parseContrast(flags.contrast, "--contrast"),
    gate: flags.gate,
    gateMargin: parseNumber(flags.gateMargin, "--gate-margin"),
    templateDate: parseTemplateDate(flags.templateDate, "--template-date"),
    preset: flags.preset === undefined ? undefined : oneOf<Preset>(flags.preset, PRESETS, "--preset"),
    systemPrompt: flags.systemPrompt,
    truncate: flags.truncate ?? false,
    importanceBatchSize: parsePositiveInt(flags.importanceBatchSize, "--importance-batch-size"),
    importanceBatchTokens: flags.batchTokens === undefined ? null : parsePositiveInt(flags.batchTokens, "--batch-tokens"),
    checkpointLayers: oneOf<CheckpointChoice>(flags.checkpointLayers, CHECKPOINT_CHOICES, "--checkpoint-layers"),
    deviceMemory: flags.deviceMemory === undefined ? undefined : parseNumber(flags.deviceMemory, "--device-memory") * 1e9,
    evalBatchSize: parsePositiveInt(flags.evalBatchSize, "--eval-batch-size"),
    sharedContext: flags.sharedContext,
    statistics: {
      bootstrap_samples: parsePositiveInt(flags.bootstrap, "--bootstrap"),
      seed: parseNumber(flags.bootstrapSeed, "--bootstrap-seed"),
      confidence: parseNumber(flags.confidence, "--confidence"),
      min_margin: parseNumber(flags.minMargin, "--min-margin"),
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
  if (numFewshot !== undefined && !(Number.isInteger(numFewshot) && numFewshot >= 0)) throw new BprofError(`'${flags.num_fewshot}' is not a count (0, 1, 2, …)`, { field: "--num_fewshot" });
  const tasks = selectTasks([flags.tasks], { dataDir: flags.dataDir, includePaths: flags.include_path?.split(",").filter(Boolean), numFewshot });
  return [...(flags.benchmarks ?? []), ...tasks];
}

function parseNumber(value: string, option: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new BprofError(`not a number: '${value}'`, { field: option });
  return n;
}
