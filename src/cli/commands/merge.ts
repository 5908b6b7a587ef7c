import type { Command } from "commander";
import { mergeRuns } from "../../profile/merge-runs.js";
import { runCommand } from "../run-command.js";

export function registerMergeCommand(program: Command): void {
  program
    .command("merge")
    .description("combine the shards of a run (bprof profile --shard i/n) into one run directory with profile.json and the reports")
    .argument("<rundirs...>", "the shards' run directories, all n of them")
    .requiredOption("--out <dir>", "run directory to write the combined run into")
    .option("--quiet", "no progress on stderr")
    .action(
      runCommand((rundirs: string[], flags: { out: string; quiet?: boolean }) => {
        const result = mergeRuns(rundirs, flags.out, { quiet: flags.quiet });
        process.stdout.write(
          `merged ${result.manifest.merged_from.length} shards: ${result.profile.benchmarks.length} benchmarks × ` +
            `${result.profile.abilities.length} abilities, ${result.profile.cells.length} cells\n`,
        );
        for (const file of result.files) process.stdout.write(`${file}\n`);
      }),
    );
}
