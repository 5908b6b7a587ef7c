import type { Command } from "commander";
import { profile } from "../../profile/run-profile.js";
import type { GradientAggregate, ScoreKind } from "../../importance/gradients.js";
import type { LossScope } from "../../importance/render.js";
import type { SelectionMethod } from "../../masks/selection.js";
import { DEFAULT_CONTROLS, DEFAULT_MODEL, PROFILE_OPTIONS } from "../../profile/defaults.js";
import { addOption, parseDevice, parseDtype } from "../option-parsers.js";
import { runCommand } from "../run-command.js";

interface ProfileFlags {
  model?: string;
  tokenizer?: string;
  abilities: string;
  abilitiesDir?: string;
  probes?: string;
  benchmarks?: string[];
  variants?: string;
  k?: string;
  controls?: string;
  method?: string;
  selfProfile?: boolean;
  limit?: string;
  lossScope?: string;
  aggregate?: string;
  score?: string;
  systemPrompt?: string;
  truncate?: boolean;
  batchSize?: string;
  evalBatchSize?: string;
  sharedContext: boolean;
  bootstrap?: string;
  seed?: string;
  confidence?: string;
  minMargin?: string;
  device: string;
  dtype?: string;
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
    .option("--benchmarks <specs...>", "spec files, shipped benchmark names or folders of specs (default: benchmarks/samples and benchmarks/planted)");
  addOption(command, o.variants);
  addOption(command, o.ks);
  command
    .option("--controls <list>", `random:N (N seeded random masks), bottom, or none; comma-separated (default: ${DEFAULT_CONTROLS})`)
    .option("--self-profile", "also score each ability's own test split (the selectivity matrix)");
  addOption(command, o.limit);
  command
    .option("--out <dir>", "run directory (default: runs/<model name>)")
    .option("--shard <i/n>", "compute only shard i of n (0-based); combine shards with bprof merge")
    .option("--force", "recompute every stage, even those the run directory holds")
    .option("--quiet", "no progress on stderr");
  for (const spec of [o.method, o.lossScope, o.aggregate, o.score, o.systemPrompt]) addOption(command, spec);
  command.option("--truncate", "cut probe items longer than the model's context (default: error)");
  for (const spec of [o.importanceBatchSize, o.evalBatchSize]) addOption(command, spec);
  command.option("--no-shared-context", "score each choice with its own forward pass");
  for (const spec of [o.bootstrapSamples, o.seed, o.confidence, o.minMargin]) addOption(command, spec);
  command
    .option("--abilities-dir <dir>", "ability definitions (default: the shipped abilities/)")
    .option("--probes <dir>", "probe splits as <dir>/<ability>/<split>.jsonl (default: the shipped probes/)")
    .option("--tokenizer <file>", "tokenizer.bin or tokenizer directory (default: next to the model)")
    .option("--device <device>", "cpu, cuda or cuda:N", "cpu")
    .option("--dtype <dtype>", "f32, bf16 or f16 (default: f32 on cpu, bf16 on cuda)")
    .action(runCommand(profileAction));
}

async function profileAction(flags: ProfileFlags): Promise<void> {
  const o = PROFILE_OPTIONS;
  const result = await profile({
    model: flags.model,
    tokenizer: flags.tokenizer,
    device: parseDevice(flags.device),
    dtype: parseDtype(flags.dtype),
    abilities: flags.abilities === "all" ? "all" : flags.abilities.split(",").map((s) => s.trim()),
    abilitiesDir: flags.abilitiesDir,
    probesDir: flags.probes,
    benchmarks: flags.benchmarks,
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
    systemPrompt: flags.systemPrompt,
    truncate: flags.truncate ?? false,
    importanceBatchSize: flags.batchSize,
    evalBatchSize: flags.evalBatchSize,
    sharedContext: flags.sharedContext,
    statistics: {
      bootstrap_samples: flags.bootstrap === undefined ? undefined : o.bootstrapSamples.parse(flags.bootstrap),
      seed: flags.seed === undefined ? undefined : o.seed.parse(flags.seed),
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
