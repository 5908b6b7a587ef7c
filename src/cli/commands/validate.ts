import { basename, resolve } from "node:path";
import type { Command } from "commander";
import { DEFAULT_MODEL, PROFILE_OPTIONS } from "../../profile/defaults.js";
import { PRESETS, type Preset } from "../../profile/presets.js";
import { formatOptionsTable, optionsRows, optionsTable, pickRows } from "../../organism/options-table.js";
import { DEFAULT_VALIDATE_K, DEFAULT_VALIDATE_LIMIT, formatValidation, validate, type ValidateOptions } from "../../organism/validate.js";
import type { GradientAggregate, ScoreKind } from "../../importance/gradients.js";
import { IMPORTANCE_OPTIONS } from "../../importance/options.js";
import type { LossScope } from "../../importance/render.js";
import type { Contrast } from "../../masks/contrast.js";
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
  preset?: string;
  lossScope?: string;
  aggregate?: string;
  score?: string;
  method?: string;
  contrast?: string;
  gate: boolean;
  randomSeeds: string;
  limit?: string;
  out?: string;
  json?: boolean;
  optionsTable?: boolean;
  optionsRows?: string;
  force?: boolean;
  quiet?: boolean;
}

export function registerValidateCommand(program: Command): void {
  const command = program
    .command("validate")
    .description(
      "Check the method on planted benchmarks (known ability mixtures), over the abilities the model possesses: Pearson r with the expected profile, top-ability match, selectivity, random-control |AIS|, slice purity (docs/method.md, validation)",
    )
    .option("--model <path>", `model directory (default: ${DEFAULT_MODEL})`)
    .option("--planted <dir>", "folder of planted benchmark specs (default: benchmarks/planted)");
  addOption(command, SELECTION_OPTIONS.variant);
  addOption(command, SELECTION_OPTIONS.k, DEFAULT_VALIDATE_K);
  command.option("--preset <name>", `${PRESETS.join(" | ")}: paper = the original authors' method choices at this k, random controls only`);
  for (const spec of [
    IMPORTANCE_OPTIONS.lossScope,
    IMPORTANCE_OPTIONS.aggregate,
    IMPORTANCE_OPTIONS.score,
    SELECTION_OPTIONS.method,
    PROFILE_OPTIONS.contrast,
  ])
    addOption(command, spec);
  command
    .option("--no-gate", "count every ability, possessed or not")
    .option("--random-seeds <n>", "random-control masks", "3")
    .option("--limit <n>", `at most N items of every benchmark and probe split, or all (default: ${DEFAULT_VALIDATE_LIMIT})`)
    .option("--out <dir>", "run directory (default: runs/validate-<model name>; finished stages are reused)")
    .option(
      "--options-table",
      `run the defaults and each option set of the model card's table (${optionsRows()
        .slice(1)
        .map((r) => r.flags)
        .join(", ")}) and print the table`,
    )
    .option(
      "--options-rows <names>",
      `with --options-table, only these rows (comma-separated: ${optionsRows()
        .map((r) => r.name)
        .join(", ")})`,
    )
    .option("--json", "print the figures as JSON (with --options-table: one object per row)")
    .option("--force", "recompute every stage")
    .option("--quiet", "no progress on stderr")
    .action(
      runCommand(async (flags: ValidateFlags) => {
        const model = flags.model ?? DEFAULT_MODEL;
        // Words go over as given (profile() checks them); the fraction is read by its declaration.
        const options: ValidateOptions = {
          model: flags.model,
          plantedDir: flags.planted,
          variant: flags.variant as AblationVariant | undefined,
          k: flags.k === undefined ? undefined : SELECTION_OPTIONS.k.parse(flags.k),
          preset: flags.preset as Preset | undefined,
          lossScope: flags.lossScope as LossScope | undefined,
          aggregate: flags.aggregate as GradientAggregate | undefined,
          score: flags.score as ScoreKind | undefined,
          method: flags.method as SelectionMethod | undefined,
          contrast: flags.contrast as Contrast | undefined,
          gate: flags.gate,
          randomSeeds: parsePositiveInt(flags.randomSeeds, "--random-seeds"),
          limit: flags.limit === undefined ? undefined : parseLimitOrAll(flags.limit),
          out: flags.out ?? resolve("runs", `validate-${basename(resolve(model))}`),
          force: flags.force,
          quiet: flags.quiet,
        };
        if (flags.optionsTable) {
          const names = flags.optionsRows === undefined ? null : flags.optionsRows.split(",").map((n) => n.trim());
          pickRows(names); // an unknown row name fails before any work
          const rows = await optionsTable(
            options,
            (row) => {
              if (!flags.quiet) process.stderr.write(`options table: ${row.flags} done in ${Math.round(row.seconds)} s\n`);
            },
            names,
          );
          process.stdout.write(
            flags.json
              ? JSON.stringify(
                  rows.map((r) => ({ flags: r.flags, seconds: r.seconds, ...r.validation })),
                  null,
                  2,
                ) + "\n"
              : formatOptionsTable(rows),
          );
          return;
        }
        const result = await validate(options);
        process.stdout.write(flags.json ? JSON.stringify(result, null, 2) + "\n" : formatValidation(result));
      }),
    );
}
