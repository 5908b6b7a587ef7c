import type { Command } from "commander";
import { BprofError } from "../../errors.js";
import { AGGREGATES, SCORES, type GradientAggregate, type ScoreKind } from "../../importance/gradients.js";
import { DEFAULT_SYSTEM_PROMPT, LOSS_SCOPES, type LossScope } from "../../importance/render.js";
import { runImportance } from "../../importance/run-importance.js";
import { defaultProbesDir } from "../../probes/paths.js";
import { PROBE_SPLITS, type ProbeSplit } from "../../probes/schema.js";
import { runCommand } from "../run-command.js";
import { parseDevice, parseDtype, parsePositiveInt } from "../option-parsers.js";

interface ImportanceFlags {
  model: string;
  tokenizer?: string;
  device: string;
  dtype?: string;
  ability: string;
  probes?: string;
  split: string;
  lossScope: string;
  aggregate: string;
  score: string;
  batchSize: string;
  limit?: string;
  systemPrompt: string;
  truncate?: boolean;
  dumpTokens?: string;
  out: string;
  quiet?: boolean;
}

export function oneOf<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new BprofError(`'${value}' is not one of: ${allowed.join(", ")}`, { field: option });
}

export function registerImportanceCommand(program: Command): void {
  program
    .command("importance")
    .description("Gradient importance of every decoder weight for one ability's probes (METHOD.md step 1)")
    .requiredOption("--model <path>", "Hugging Face model directory or llama2.c checkpoint (.bin)")
    .requiredOption("--ability <id>", "ability whose probes drive the gradients")
    .requiredOption("--out <dir>", "importance directory to write")
    .option("--probes <dir>", "probe directory laid out as <dir>/<ability>/<split>.jsonl (default: the shipped probes)")
    .option("--split <split>", "probe split", "train")
    .option("--loss-scope <scope>", `${LOSS_SCOPES.join(" | ")}: tokens the per-item loss averages over`, "full")
    .option("--aggregate <how>", `${AGGREGATES.join(" | ")}: how per-item gradients accumulate`, "signed-sum")
    .option("--score <kind>", `${SCORES.join(" | ")}: per-weight score`, "taylor")
    .option("--batch-size <n>", "items per backward pass (does not change the result)", "8")
    .option("--limit <n>", "use only the first N items of the split")
    .option("--system-prompt <text>", "system turn of the rendered chat", DEFAULT_SYSTEM_PROMPT)
    .option("--truncate", "cut items longer than the model's context to it (default: error)")
    .option("--dump-tokens <file>", 'write JSONL {"id","input_ids","loss_mask"} per item')
    .option("--tokenizer <file>", "tokenizer.bin or tokenizer directory (default: next to the model)")
    .option("--device <device>", "cpu, cuda or cuda:N", "cpu")
    .option("--dtype <dtype>", "f32, bf16 or f16 (default: f32 on cpu, bf16 on cuda)")
    .option("--quiet", "no progress on stderr")
    .action(
      runCommand(async (flags: ImportanceFlags) => {
        const manifest = await runImportance({
          model: flags.model,
          tokenizer: flags.tokenizer,
          device: parseDevice(flags.device),
          dtype: parseDtype(flags.dtype),
          ability: flags.ability,
          probesDir: flags.probes ?? defaultProbesDir(),
          split: oneOf<ProbeSplit>(flags.split, PROBE_SPLITS, "--split"),
          lossScope: oneOf<LossScope>(flags.lossScope, LOSS_SCOPES, "--loss-scope"),
          aggregate: oneOf<GradientAggregate>(flags.aggregate, AGGREGATES, "--aggregate"),
          score: oneOf<ScoreKind>(flags.score, SCORES, "--score"),
          batchSize: parsePositiveInt(flags.batchSize, "--batch-size"),
          limit: flags.limit === undefined ? undefined : parsePositiveInt(flags.limit, "--limit"),
          systemPrompt: flags.systemPrompt,
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
