import { basename, resolve } from "node:path";
import type { Command } from "commander";
import { BprofError } from "../../errors.js";
import { AGGREGATES, SCORES } from "../../importance/gradients.js";
import { LOSS_SCOPES } from "../../importance/render.js";
import { parseVariant } from "../../masks/variant.js";
import { parseMethod } from "../../masks/selection.js";
import { DEFAULT_MODEL } from "../../profile/defaults.js";
import { DEFAULT_VALIDATE_K, DEFAULT_VALIDATE_LIMIT, formatValidation, validate } from "../../organism/validate.js";
import { runCommand } from "../run-command.js";
import { parseLimitOrAll, parsePositiveInt } from "../option-parsers.js";
import { oneOf } from "./importance.js";

interface ValidateFlags {
  model?: string;
  planted?: string;
  variant: string;
  k: string;
  lossScope: string;
  aggregate: string;
  score: string;
  method: string;
  randomSeeds: string;
  limit?: string;
  out?: string;
  json?: boolean;
  force?: boolean;
  quiet?: boolean;
}

export function registerValidateCommand(program: Command): void {
  program
    .command("validate")
    .description("Check the method on planted benchmarks (known ability mixtures): Pearson r with the expected profile, top-ability match, selectivity, random-control |AIS|")
    .option("--model <path>", `model directory (default: ${DEFAULT_MODEL})`)
    .option("--planted <dir>", "folder of planted benchmark specs (default: benchmarks/planted)")
    .option("--variant <v>", "ablation scope: mlp or all", "mlp")
    .option("--k <fraction>", "ablation fraction", String(DEFAULT_VALIDATE_K))
    .option("--loss-scope <scope>", `importance loss scope: ${LOSS_SCOPES.join(", ")}`, "full")
    .option("--aggregate <a>", `gradient aggregation: ${AGGREGATES.join(", ")}`, "signed-sum")
    .option("--score <s>", `importance score: ${SCORES.join(", ")}`, "taylor")
    .option("--method <m>", "selection: top, per-matrix, chunked", "top")
    .option("--random-seeds <n>", "random-control masks", "3")
    .option("--limit <n>", `at most N items of every benchmark and probe split, or all (default: ${DEFAULT_VALIDATE_LIMIT})`)
    .option("--out <dir>", "run directory (default: runs/validate-<model name>; finished stages are reused)")
    .option("--json", "print the figures as one JSON object")
    .option("--force", "recompute every stage")
    .option("--quiet", "no progress on stderr")
    .action(
      runCommand(async (flags: ValidateFlags) => {
        const k = Number(flags.k);
        if (!Number.isFinite(k) || k <= 0 || k >= 1) throw new BprofError(`ablation fraction must be in (0, 1), got '${flags.k}'`, { field: "--k" });
        const model = flags.model ?? DEFAULT_MODEL;
        const result = await validate({
          model: flags.model,
          plantedDir: flags.planted,
          variant: parseVariant(flags.variant, { field: "--variant" }) as "mlp" | "all",
          k,
          lossScope: oneOf(flags.lossScope, LOSS_SCOPES, "--loss-scope"),
          aggregate: oneOf(flags.aggregate, AGGREGATES, "--aggregate"),
          score: oneOf(flags.score, SCORES, "--score"),
          method: parseMethod(flags.method),
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
