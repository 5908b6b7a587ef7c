import type { Command } from "commander";
import { BprofError } from "../../errors.js";
import { DEFAULT_PROBE_SEED, generateProbeFiles, writeProbeFiles } from "../../probes/generate.js";
import { defaultProbesDir } from "../../probes/paths.js";
import { formatProbeSummary, validateProbeDir } from "../../probes/validate.js";
import { runCommand } from "../run-command.js";

function parseSeed(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new BprofError(`--seed must be an integer, got ${JSON.stringify(value)}`, { field: "seed" });
  return Number(value);
}

/** `bprof probes generate|validate`: thin shell over src/probes. */
export function registerProbesCommand(program: Command): void {
  const probes = program.command("probes").description("generate and validate the ability probe sets");

  probes
    .command("generate")
    .description("regenerate the built-in probe sets (the default seed reproduces the shipped files byte for byte)")
    .option("--seed <n>", "random seed", String(DEFAULT_PROBE_SEED))
    .option("--out <dir>", "output directory", defaultProbesDir())
    .action(
      runCommand((options: { seed: string; out: string }) => {
        const seed = parseSeed(options.seed);
        const files = generateProbeFiles(seed, undefined, (message) => process.stderr.write(`${message}\n`));
        writeProbeFiles(options.out, files);
        process.stderr.write(`wrote ${files.size} files to ${options.out} (seed ${seed})\n`);
      }),
    );

  probes
    .command("validate [dir]")
    .description("check a probe directory: schema, ids, duplicates and leakage across splits, gold balance, manifest")
    .action(
      runCommand((dir: string | undefined) => {
        const validation = validateProbeDir(dir ?? defaultProbesDir());
        process.stdout.write(`${formatProbeSummary(validation)}\n`);
        for (const problem of validation.problems) process.stderr.write(`problem: ${problem}\n`);
        if (validation.problems.length > 0) {
          throw new BprofError(`${validation.problems.length} problem(s) in ${validation.dir}`);
        }
        process.stdout.write(`ok: ${validation.abilities.length} abilities in ${validation.dir}\n`);
      }),
    );
}
