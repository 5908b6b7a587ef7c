import { join, resolve } from "node:path";
import type { Command } from "commander";
import { BprofError } from "../../errors.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { compareProfiles, runLabels } from "../../report/compare.js";
import { renderCompareHtml, renderCompareMarkdown } from "../../report/compare-report.js";
import { loadProfile } from "../../report/load-profile.js";
import { runCommand } from "../run-command.js";

function parseKs(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  return value.split(",").map((s) => {
    const k = Number(s.trim());
    if (!(k > 0 && k <= 1)) throw new BprofError(`k must be in (0, 1], got '${s}'`, { field: "--k" });
    return k;
  });
}

export function registerCompareCommand(program: Command): void {
  program
    .command("compare")
    .description(
      "put the profiles of several runs side by side (compare.html, compare.md), highlighting differences that clear their intervals",
    )
    .argument("<rundirs...>", "run directories holding profile.json")
    .requiredOption("--out <dir>", "directory for compare.html and compare.md")
    .option("--variant <list>", "only these ablation variants (comma-separated)")
    .option("--k <list>", "only these ablation fractions (comma-separated)")
    .action(
      runCommand((rundirs: string[], opts: { out: string; variant?: string; k?: string }) => {
        const labels = runLabels(rundirs);
        const runs = rundirs.map((dir, i) => ({ label: labels[i]!, profile: loadProfile(join(resolve(dir), "profile.json")) }));
        const comparison = compareProfiles(runs, { variants: opts.variant?.split(",").map((s) => s.trim()), ks: parseKs(opts.k) });
        if (comparison.columns.length === 0) throw new BprofError("no profile matches the --variant/--k filter", { field: "--variant" });
        const html = renderCompareHtml(comparison);
        const md = renderCompareMarkdown(comparison);
        const out = resolve(opts.out);
        writeFileAtomic(join(out, "compare.html"), html);
        writeFileAtomic(join(out, "compare.md"), md);
        process.stdout.write(`${join(out, "compare.html")}\n${join(out, "compare.md")}\n`);
        process.stderr.write(
          `${comparison.columns.length} profiles, ${comparison.differences.length} differences that clear their intervals\n`,
        );
      }),
    );
}
