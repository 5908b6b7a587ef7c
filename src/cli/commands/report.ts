import { join, resolve } from "node:path";
import type { Command } from "commander";
import { BprofError } from "../../errors.js";
import { DEFAULT_REPORT_OPTIONS } from "../../report/html-report.js";
import { loadProfile } from "../../report/load-profile.js";
import { writeProfileReports } from "../../report/write-reports.js";
import { runCommand } from "../run-command.js";

export function parseThreshold(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new BprofError(`not a number: '${value}'`, { field: "--flow-threshold" });
  return n;
}

export function registerReportCommand(program: Command): void {
  program
    .command("report")
    .description("rebuild profile.csv, slices.csv, report.md and report.html from RUNDIR/profile.json")
    .argument("<rundir>", "a run directory holding profile.json")
    .option("--out <dir>", "write the reports here instead of into RUNDIR")
    .option("--flow-threshold <ais>", "draw flow-chart ribbons for AIS at or above this", String(DEFAULT_REPORT_OPTIONS.flowThreshold))
    .action(
      runCommand((rundir: string, opts: { out?: string; flowThreshold: string }) => {
        const profilePath = join(resolve(rundir), "profile.json");
        const profile = loadProfile(profilePath);
        const written = writeProfileReports(profile, resolve(opts.out ?? rundir), { flowThreshold: parseThreshold(opts.flowThreshold) });
        for (const path of written) process.stdout.write(`${path}\n`);
      }),
    );
}
