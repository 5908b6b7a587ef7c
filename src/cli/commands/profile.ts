import type { Command } from "commander";
import { BprofError } from "../../errors.js";
import { parseFractions } from "../../importance/ablation-count.js";
import { AGGREGATES, SCORES, type Aggregate, type ScoreKind } from "../../importance/gradients.js";
import { DEFAULT_SYSTEM_PROMPT, LOSS_SCOPES, type LossScope } from "../../importance/render.js";
import { parseVariant } from "../../importance/scope.js";
import { parseMethod } from "../../importance/selection.js";
import { DEFAULT_CONTROLS, DEFAULT_EVAL_BATCH_SIZE, DEFAULT_IMPORTANCE_BATCH_SIZE, DEFAULT_KS, DEFAULT_MODEL, DEFAULT_VARIANTS } from "../../profile/defaults.js";
import { profile } from "../../profile/run-profile.js";
import { CHECKPOINT_CHOICES, type CheckpointChoice, type KeepScores } from "../../profile/run-options.js";
import { DEFAULT_STATISTICS_OPTIONS } from "../../profile/schema.js";
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
  variants: string;
  k: string;
  controls: string;
  method: string;
  selfProfile?: boolean;
  limit?: string;
  lossScope: string;
  aggregate: string;
  score: string;
  systemPrompt: string;
  truncate?: boolean;
  batchSize: string;
  batchTokens?: string;
  checkpointLayers: string;
  deviceMemory?: string;
  keepScores?: string | boolean;
  evalBatchSize: string;
  sharedContext: boolean;
  bootstrap: string;
  seed: string;
  confidence: string;
  minMargin: string;
  device: string;
  dtype?: string;
  shard?: string;
  force?: boolean;
  quiet?: boolean;
  out?: string;
}

export function registerProfileCommand(program: Command): void {
  program
    .command("profile")
    .description("Profile benchmarks by ability: importance → masks → ablated evaluation → AIS → reports, resumable (METHOD.md)")
    .option("--model <path>", `Hugging Face model directory or llama2.c checkpoint (default: ${DEFAULT_MODEL})`)
    .option("--abilities <ids>", "comma-separated ability ids, or all", "all")
    .option("--benchmarks <specs...>", "spec files, shipped benchmark names or folders of specs (default: benchmarks/samples and benchmarks/planted)")
    .option("--variants <list>", "ablation scopes: mlp, all (comma-separated)", DEFAULT_VARIANTS.join(","))
    .option("--k <fractions>", "ablation fractions, comma-separated", DEFAULT_KS.join(","))
    .option("--controls <list>", "random:N (N seeded random masks), bottom, or none; comma-separated", DEFAULT_CONTROLS)
    .option("--self-profile", "also score each ability's own test split (the selectivity matrix)")
    .option("--limit <n>", "at most N items of every benchmark and probe split (a quick look)")
    .option("--out <dir>", "run directory (default: runs/<model name>)")
    .option("--shard <i/n>", "compute only shard i of n (0-based); combine shards with bprof merge")
    .option("--force", "recompute every stage, even those the run directory holds")
    .option("--quiet", "no progress on stderr")
    .option("--method <method>", "selection: top | per-matrix | chunked", "top")
    .option("--loss-scope <scope>", `importance loss over: ${LOSS_SCOPES.join(" | ")}`, "full")
    .option("--aggregate <how>", `gradient accumulation: ${AGGREGATES.join(" | ")}`, "signed-sum")
    .option("--score <kind>", `per-weight score: ${SCORES.join(" | ")}`, "taylor")
    .option("--system-prompt <text>", "system turn of the rendered probes", DEFAULT_SYSTEM_PROMPT)
    .option("--truncate", "cut probe items longer than the model's context (default: error)")
    .option("--batch-size <n>", "probe items per backward pass", String(DEFAULT_IMPORTANCE_BATCH_SIZE))
    .option("--batch-tokens <n>", "also at most N token slots (rows × longest row) per backward pass")
    .option("--checkpoint-layers <when>", `activation checkpointing per decoder layer: ${CHECKPOINT_CHOICES.join(" | ")} (auto: where the memory plan needs it)`, "auto")
    .option("--device-memory <GB>", "memory the plan may use (default: host RAM on cpu, 80 GB on cuda)")
    .option("--keep-scores [dtype]", "keep every importance score in the run directory (f32, the default dtype, or f16), not only the top-n candidates")
    .option("--eval-batch-size <n>", "requests per forward on the per-choice path", String(DEFAULT_EVAL_BATCH_SIZE))
    .option("--no-shared-context", "score each choice with its own forward pass")
    .option("--bootstrap <B>", "paired-bootstrap resamples", String(DEFAULT_STATISTICS_OPTIONS.bootstrap_samples))
    .option("--seed <n>", "bootstrap seed", String(DEFAULT_STATISTICS_OPTIONS.seed))
    .option("--confidence <level>", "two-sided interval level", String(DEFAULT_STATISTICS_OPTIONS.confidence))
    .option("--min-margin <m>", "AIS is undefined where base score − chance is below this", String(DEFAULT_STATISTICS_OPTIONS.min_margin))
    .option("--abilities-dir <dir>", "ability definitions (default: the shipped abilities/)")
    .option("--probes <dir>", "probe splits as <dir>/<ability>/<split>.jsonl (default: the shipped probes/)")
    .option("--tokenizer <file>", "tokenizer.bin or tokenizer directory (default: next to the model)")
    .option("--device <device>", "cpu, cuda or cuda:N", "cpu")
    .option("--dtype <dtype>", "f32, bf16 or f16 (default: f32 on cpu, bf16 on cuda)")
    .action(runCommand(profileAction));
}

async function profileAction(flags: ProfileFlags): Promise<void> {
  const result = await profile({
    model: flags.model,
    tokenizer: flags.tokenizer,
    device: parseDevice(flags.device),
    dtype: parseDtype(flags.dtype),
    abilities: flags.abilities === "all" ? "all" : flags.abilities.split(",").map((s) => s.trim()),
    abilitiesDir: flags.abilitiesDir,
    probesDir: flags.probes,
    benchmarks: flags.benchmarks,
    variants: flags.variants.split(",").map((v) => parseVariant(v.trim(), { field: "--variants" })),
    ks: parseFractions(flags.k),
    method: parseMethod(flags.method),
    controls: flags.controls,
    selfProfile: flags.selfProfile ?? false,
    limit: flags.limit === undefined ? undefined : parsePositiveInt(flags.limit, "--limit"),
    lossScope: oneOf<LossScope>(flags.lossScope, LOSS_SCOPES, "--loss-scope"),
    aggregate: oneOf<Aggregate>(flags.aggregate, AGGREGATES, "--aggregate"),
    score: oneOf<ScoreKind>(flags.score, SCORES, "--score"),
    systemPrompt: flags.systemPrompt,
    truncate: flags.truncate ?? false,
    importanceBatchSize: parsePositiveInt(flags.batchSize, "--batch-size"),
    importanceBatchTokens: flags.batchTokens === undefined ? null : parsePositiveInt(flags.batchTokens, "--batch-tokens"),
    checkpointLayers: oneOf<CheckpointChoice>(flags.checkpointLayers, CHECKPOINT_CHOICES, "--checkpoint-layers"),
    keepScores: flags.keepScores === undefined ? "none" : oneOf<KeepScores>(typeof flags.keepScores === "string" ? flags.keepScores : "f32", ["f32", "f16"], "--keep-scores"),
    deviceMemory: flags.deviceMemory === undefined ? undefined : parseNumber(flags.deviceMemory, "--device-memory") * 1e9,
    evalBatchSize: parsePositiveInt(flags.evalBatchSize, "--eval-batch-size"),
    sharedContext: flags.sharedContext,
    statistics: {
      bootstrap_samples: parsePositiveInt(flags.bootstrap, "--bootstrap"),
      seed: parseNumber(flags.seed, "--seed"),
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

function parseNumber(value: string, option: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new BprofError(`not a number: '${value}'`, { field: option });
  return n;
}
