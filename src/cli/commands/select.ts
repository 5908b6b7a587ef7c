import type { Command } from "commander";
import { parseFractions } from "../../masks/ablation-count.js";
import { parseVariant } from "../../masks/variant.js";
import { parseControl, parseMethod } from "../../masks/selection.js";
import { runSelect } from "../../masks/run-select.js";
import { runCommand } from "../run-command.js";

export function registerSelectCommand(program: Command): void {
  program
    .command("select")
    .description("Masks of the n = ⌊k · N_total⌋ most important weights of a scope, with controls (METHOD.md step 2)")
    .requiredOption("--importance <dir>", "importance directory (from bprof importance)")
    .requiredOption("--k <fractions>", "ablation fractions, comma-separated (e.g. 1e-4,1e-3)")
    .requiredOption("--out <dir>", "directory to write one mask directory per k and control into")
    .option("--variant <scope>", "mlp | all", "mlp")
    .option("--method <method>", "top | per-matrix | chunked", "top")
    .option("--control <control>", "also make a control: bottom | random:SEED[,SEED…] (repeatable)", collect, [])
    .option("--quiet", "no progress on stderr")
    .action(
      runCommand((flags: { importance: string; k: string; out: string; variant: string; method: string; control: string[]; quiet?: boolean }) => {
        const written = runSelect({
          importance: flags.importance,
          variant: parseVariant(flags.variant, { field: "--variant" }),
          ks: parseFractions(flags.k),
          method: parseMethod(flags.method),
          controls: flags.control.flatMap(parseControl),
          out: flags.out,
          quiet: flags.quiet,
        });
        for (const { dir, selection } of written) {
          process.stdout.write(`${dir}: ${selection.count} of ${selection.nScope} elements (n = ${selection.n})\n`);
        }
      }),
    );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
