import type { Command } from "commander";
import { runImportance } from "../../importance/run-importance.js";
import { defaultProbesDir } from "../../probes/paths.js";
import type { GradientAggregate, ScoreKind } from "../../importance/gradients.js";
import { IMPORTANCE_OPTIONS } from "../../importance/options.js";
import type { LossScope } from "../../importance/render.js";
import type { ProbeSplit } from "../../probes/schema.js";
import { addOption, parseDevice, parseDtype } from "../option-parsers.js";
import { runCommand } from "../run-command.js";
import { ALLOW_UNUSED_FLAG } from "../../model/checkpoint-coverage.js";

interface ImportanceFlags {
  model: string;
  tokenizer?: string;
  device: string;
  dtype?: string;
  allowUnusedTensors?: boolean;
  ability: string;
  probes?: string;
  split?: string;
  lossScope?: string;
  aggregate?: string;
  score?: string;
  batchSize?: string;
  batchTokens?: string;
  checkpointLayers?: boolean;
  limit?: string;
  systemPrompt?: string;
  templateDate?: string;
  truncate?: boolean;
  dumpTokens?: string;
  out: string;
  quiet?: boolean;
}

export function registerImportanceCommand(program: Command): void {
  const o = IMPORTANCE_OPTIONS;
  const command = program
    .command("importance")
    .description("Gradient importance of every decoder weight for one ability's probes (docs/method.md, step 1)")
    .requiredOption("--model <path>", "Hugging Face model directory or llama2.c checkpoint (.bin)")
    .requiredOption("--ability <id>", "ability whose probes drive the gradients")
    .requiredOption("--out <dir>", "importance directory to write")
    .option("--probes <dir>", "probe directory laid out as <dir>/<ability>/<split>.jsonl (default: the shipped probes)");
  for (const spec of [o.split, o.lossScope, o.aggregate, o.score, o.batchSize, o.batchTokens, o.limit, o.systemPrompt, o.templateDate])
    addOption(command, spec);
  command
    .option(
      "--checkpoint-layers",
      "activation checkpointing per decoder layer: same result, activations of one layer at a time, one more forward",
    )
    .option("--truncate", "cut items longer than the model's context to it (default: error)")
    .option("--dump-tokens <file>", 'write JSONL {"id","input_ids","loss_mask"} per item')
    .option("--tokenizer <file>", "tokenizer.bin or tokenizer directory (default: next to the model)")
    .option("--device <device>", "cpu, cuda or cuda:N", "cpu")
    .option("--dtype <dtype>", "f32, bf16 or f16 (default: f32 on cpu, bf16 on cuda)")
    .option(ALLOW_UNUSED_FLAG, "load a checkpoint holding tensors the architecture does not use (default: error)")
    .option("--quiet", "no progress on stderr");
  command.action(
    runCommand(async (flags: ImportanceFlags) => {
      const manifest = await runImportance({
        model: flags.model,
        tokenizer: flags.tokenizer,
        device: parseDevice(flags.device),
        dtype: parseDtype(flags.dtype),
        allowUnusedTensors: flags.allowUnusedTensors,
        ability: flags.ability,
        probesDir: flags.probes ?? defaultProbesDir(),
        // Words go over as given (runImportance checks them); numbers are read by their declaration.
        split: (flags.split ?? o.split.default) as ProbeSplit,
        lossScope: (flags.lossScope ?? o.lossScope.default) as LossScope,
        aggregate: (flags.aggregate ?? o.aggregate.default) as GradientAggregate,
        score: (flags.score ?? o.score.default) as ScoreKind,
        batchSize: o.batchSize.parse(flags.batchSize ?? o.batchSize.default),
        batchTokens: o.batchTokens.parse(flags.batchTokens),
        checkpointLayers: flags.checkpointLayers ?? false,
        limit: o.limit.parse(flags.limit) ?? undefined,
        systemPrompt: flags.systemPrompt ?? o.systemPrompt.default,
        templateDate: o.templateDate.parse(flags.templateDate ?? o.templateDate.default),
        truncate: flags.truncate ?? false,
        dumpTokens: flags.dumpTokens,
        out: flags.out,
        quiet: flags.quiet,
      });
      const { stats, probes, rendering } = manifest;
      process.stdout.write(
        `importance of ${probes.ability}/${probes.split}: ${probes.items} items (${rendering.format}), ${stats.tokens} tokens, ` +
          `mean loss ${stats.meanLoss.toFixed(4)}, ${stats.tokensPerSecond.toFixed(0)} tokens/s` +
          `${rendering.truncated.length ? `, ${rendering.truncated.length} truncated` : ""} → ${flags.out}\n`,
      );
    }),
  );
}
