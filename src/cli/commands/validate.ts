import { basename, resolve } from "node:path";
import type { Command } from "commander";
import { DEFAULT_MODEL } from "../../profile/defaults.js";
import { DEFAULT_VALIDATE_K, DEFAULT_VALIDATE_LIMIT, formatValidation, validate } from "../../organism/validate.js";
import type { GradientAggregate, ScoreKind } from "../../importance/gradients.js";
import { IMPORTANCE_OPTIONS } from "../../importance/options.js";
import type { LossScope } from "../../importance/render.js";
import { SELECTION_OPTIONS } from "../../masks/options.js";
import type { SelectionMethod } from "../../masks/selection.js";
import type { AblationVariant } from "../../masks/variant.js";
import { addOption, parseLimitOrAll, parsePositiveInt } from "../option-parsers.js";
import { runCommand } from "../run-command.js";

interface ValidateFlags {
  model?: string;
  planted?: string;
  variant?: string;
  k?: string;
  lossScope?: string;
  aggregate?: string;
  score?: string;
  method?: string;
  randomSeeds: string;
  limit?: string;
  out?: string;
  json?: boolean;
  force?: boolean;
  quiet?: boolean;
}

export function registerValidateCommand(program: Command): void {
  const command = program
    .command("validate")
    .description("Check the method on planted benchmarks (known ability mixtures): Pearson r with the expected profile, top-ability match, selectivity, random-control |AIS|")
    .option("--model <path>", `model directory (default: ${DEFAULT_MODEL})`)
    .option("--planted <dir>", "folder of planted benchmark specs (default: benchmarks/planted)");
  addOption(command, SELECTION_OPTIONS.variant);
  addOption(command, SELECTION_OPTIONS.k, DEFAULT_VALIDATE_K);
  for (const spec of [IMPORTANCE_OPTIONS.lossScope, IMPORTANCE_OPTIONS.aggregate, IMPORTANCE_OPTIONS.score, SELECTION_OPTIONS.method]) addOption(command, spec);
  command
    .option("--random-seeds <n>", "random-control masks", "3")
    .option("--limit <n>", `at most N items of every benchmark and probe split, or all (default: ${DEFAULT_VALIDATE_LIMIT})`)
    .option("--out <dir>", "run directory (default: runs/validate-<model name>; finished stages are reused)")
    .option("--json", "print the figures as one JSON object")
    .option("--force", "recompute every stage")
    .option("--quiet", "no progress on stderr")
    .action(
      runCommand(async (flags: ValidateFlags) => {
        const model = flags.model ?? DEFAULT_MODEL;
        // Words go over as given (profile() checks them); the fraction is read by its declaration.
        const result = await validate({
          model: flags.model,
          plantedDir: flags.planted,
          variant: flags.variant as AblationVariant | undefined,
          k: flags.k === undefined ? undefined : SELECTION_OPTIONS.k.parse(flags.k),
          lossScope: flags.lossScope as LossScope | undefined,
          aggregate: flags.aggregate as GradientAggregate | undefined,
          score: flags.score as ScoreKind | undefined,
          method: flags.method as SelectionMethod | undefined,
          randomSeeds: parsePositiveInt(flags.randomSeeds, "--random-seeds"),
          limit: flags.limit === undefined ? undefined : parseLimitOrAll(flags.limit),
          out: flags.out ?? resolve("runs", `validate-${basename(resolve(model))}`),
          force: flags.force,
          quiet: flags.quiet,
        });
        process.stdout.write(flags.json ? JSON.stringify(result, null, 2) + "\n" : formatValidation(result));
      }),
    );
}
