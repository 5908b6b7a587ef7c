import type { Command } from "commander";
import { BprofError } from "../../errors.js";
import { SELECTION_OPTIONS } from "../../masks/options.js";
import { parseControl } from "../../masks/selection.js";
import { listOption } from "../../util/option-spec.js";
import { addOption } from "../option-parsers.js";
import { runSelect } from "../../masks/run-select.js";
import { runCommand } from "../run-command.js";

/** `--k`: one mask per fraction. */
const FRACTIONS = listOption(SELECTION_OPTIONS.k, "k", "<fractions>", [], "ablation fractions, comma-separated (e.g. 1e-4,1e-3)");

export function registerSelectCommand(program: Command): void {
  const o = SELECTION_OPTIONS;
  const command = program
    .command("select")
    .description("Masks of the n = ⌊k · N_total⌋ most important weights of a scope, with controls (docs/method.md, step 2)")
    .requiredOption("--importance <dir>", "importance directory (from bprof importance)")
    .requiredOption(`--k ${FRACTIONS.placeholder}`, FRACTIONS.help)
    .requiredOption("--out <dir>", "directory to write one mask directory per k and control into");
  addOption(command, o.variant);
  addOption(command, o.method);
  command
    .option("--control <control>", "also make a control: bottom | random:SEED[,SEED…] (repeatable)", collect, [])
    .option(
      "--contrast-with <dirs...>",
      "the other abilities' importance directories: rank by the contrastive scores against them (docs/method.md, contrast)",
    )
    .option("--contrast <kind>", `${o.contrast.help} (default: ratio when --contrast-with is given, else none)`)
    .option("--quiet", "no progress on stderr")
    .action(
      runCommand(
        (flags: {
          importance: string;
          k: string;
          out: string;
          variant?: string;
          method?: string;
          control: string[];
          contrast?: string;
          contrastWith?: string[];
          quiet?: boolean;
        }) => {
          const contrast = flags.contrast === undefined ? (flags.contrastWith ? "ratio" : "none") : o.contrast.parse(flags.contrast);
          if (contrast !== "none" && !flags.contrastWith) {
            throw new BprofError(`--contrast ${contrast} needs --contrast-with: the other abilities' importance directories`, {
              field: "--contrast",
            });
          }
          const written = runSelect({
            contrastWith: contrast !== "none" && flags.contrastWith ? { kind: contrast, dirs: flags.contrastWith } : undefined,
            importance: flags.importance,
            variant: o.variant.parse(flags.variant ?? o.variant.default),
            ks: FRACTIONS.parse(flags.k),
            method: o.method.parse(flags.method ?? o.method.default),
            controls: flags.control.flatMap(parseControl),
            out: flags.out,
            quiet: flags.quiet,
          });
          for (const { dir, selection } of written) {
            process.stdout.write(`${dir}: ${selection.count} of ${selection.nScope} elements (n = ${selection.n})\n`);
          }
        },
      ),
    );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
