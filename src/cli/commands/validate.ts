import { basename, resolve } from "node:path";
import type { Command } from "commander";
import { BprofError } from "../../errors.js";
import { CONTRASTS, parseContrast } from "../../importance/contrast.js";
import { AGGREGATES, SCORES } from "../../importance/gradients.js";
import { DEFAULT_LOSS_SCOPE, LOSS_SCOPES } from "../../importance/render.js";
import { parseVariant } from "../../importance/scope.js";
import { parseMethod } from "../../importance/selection.js";
import { formatOptionsTable, optionsTable, pickRows } from "../../organism/options-table.js";
import { DEFAULT_VALIDATE_K, DEFAULT_VALIDATE_LIMIT, formatValidation, validate, type ValidateOptions } from "../../organism/validate.js";
import { DEFAULT_CONTRAST, DEFAULT_MODEL } from "../../profile/defaults.js";
import { PRESETS, type Preset } from "../../profile/presets.js";
import { runCommand } from "../run-command.js";
import { parseLimitOrAll, parsePositiveInt } from "../option-parsers.js";
import { oneOf } from "./importance.js";

interface ValidateFlags {
  model?: string;
  planted?: string;
  variant: string;
  k: string;
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
  program
    .command("validate")
    .description(
      "Check the method on planted benchmarks (known ability mixtures), over the abilities the model possesses: Pearson r with the expected profile, top-ability match, selectivity, random-control |AIS|, slice purity (docs/method.md, validation)",
    )
    .option("--model <path>", `model directory (default: ${DEFAULT_MODEL})`)
    .option("--planted <dir>", "folder of planted benchmark specs (default: benchmarks/planted)")
    .option("--variant <v>", "ablation scope: mlp or all", "mlp")
    .option("--k <fraction>", "ablation fraction", String(DEFAULT_VALIDATE_K))
    .option("--preset <name>", "paper: the original authors' method choices at this k, random controls only")
    .option("--loss-scope <scope>", `importance loss scope: ${LOSS_SCOPES.join(", ")} (default: ${DEFAULT_LOSS_SCOPE})`)
    .option("--aggregate <a>", `gradient aggregation: ${AGGREGATES.join(", ")} (default: signed-sum)`)
    .option("--score <s>", `importance score: ${SCORES.join(", ")} (default: taylor)`)
    .option("--method <m>", "selection: top, per-matrix, chunked (default: top)")
    .option("--contrast <kind>", `${CONTRASTS.join(", ")} (default: ${DEFAULT_CONTRAST})`)
    .option("--no-gate", "count every ability, possessed or not")
    .option("--random-seeds <n>", "random-control masks", "3")
    .option("--limit <n>", `at most N items of every benchmark and probe split, or all (default: ${DEFAULT_VALIDATE_LIMIT})`)
    .option("--out <dir>", "run directory (default: runs/validate-<model name>; finished stages are reused)")
    .option("--options-table", "run the defaults and each option of the model card's table (contrast, --preset paper, abs-sum, variant all, k 1e-3) and print the table")
    .option("--options-rows <names>", "with --options-table, only these rows (comma-separated: defaults, contrast, paper, abs-sum, variant-all, k-1e-3)")
    .option("--json", "print the figures as JSON (with --options-table: one object per row)")
    .option("--force", "recompute every stage")
    .option("--quiet", "no progress on stderr")
    .action(
      runCommand(async (flags: ValidateFlags) => {
        const k = Number(flags.k);
        if (!Number.isFinite(k) || k <= 0 || k >= 1) throw new BprofError(`ablation fraction must be in (0, 1), got '${flags.k}'`, { field: "--k" });
        const model = flags.model ?? DEFAULT_MODEL;
        const options: ValidateOptions = {
          model: flags.model,
          plantedDir: flags.planted,
          variant: parseVariant(flags.variant, { field: "--variant" }),
          k,
          preset: flags.preset === undefined ? undefined : oneOf<Preset>(flags.preset, PRESETS, "--preset"),
          lossScope: flags.lossScope === undefined ? undefined : oneOf(flags.lossScope, LOSS_SCOPES, "--loss-scope"),
          aggregate: flags.aggregate === undefined ? undefined : oneOf(flags.aggregate, AGGREGATES, "--aggregate"),
          score: flags.score === undefined ? undefined : oneOf(flags.score, SCORES, "--score"),
          method: flags.method === undefined ? undefined : parseMethod(flags.method),
          contrast: flags.contrast === undefined ? undefined : parseContrast(flags.contrast, "--contrast"),
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
              ? JSON.stringify(rows.map((r) => ({ flags: r.flags, seconds: r.seconds, ...r.validation })), null, 2) + "\n"
              : formatOptionsTable(rows),
          );
          return;
        }
        const result = await validate(options);
        process.stdout.write(flags.json ? JSON.stringify(result, null, 2) + "\n" : formatValidation(result));
      }),
    );
}
