import { existsSync } from "node:fs";
import { relative } from "node:path";
import type { Command } from "commander";
import { BprofError } from "../../errors.js";
import { prepareBenchmark } from "../../eval/prepare.js";
import { findSpecFiles, shippedBenchmarksDir } from "../../eval/shipped-specs.js";
import { loadBenchmarkSpec, resolveSpecPath, type LoadedSpec } from "../../eval/spec.js";
import { runCommand } from "../run-command.js";

interface ValidateFlags {
  data?: string;
  labels?: string;
  fewshotData?: string;
  skipBadRows?: boolean;
}

export function registerBenchmarksCommand(program: Command): void {
  const benchmarks = program.command("benchmarks").description("Benchmark specs: list them, check them against their data");

  benchmarks
    .command("list")
    .description("list benchmark specs with their task, adapter and the items found (or 'data missing')")
    .option("--dir <dir>", "folder of spec files", shippedBenchmarksDir())
    .action(
      runCommand((flags: { dir: string }) => {
        const rows = findSpecFiles(flags.dir).map((file) => listRow(file, flags.dir));
        printTable(["spec", "name", "task", "adapter", "items"], rows);
      }),
    );

  benchmarks
    .command("validate")
    .description("check specs (schema) and read their data; reports item counts, skipped rows and the first error")
    .argument("[spec...]", "spec files (default: every shipped spec; those without data are reported, not failed)")
    .option("--data <path>", "data file or folder to use instead of the spec's (one spec only)")
    .option("--labels <path>", "line-aligned labels file (PIQA, WinoGrande) instead of the default")
    .option("--fewshot-data <path>", "few-shot source instead of the spec's")
    .option("--skip-bad-rows", "skip rows that cannot be read (and count them) instead of failing")
    .action(
      runCommand((specs: string[], flags: ValidateFlags) => {
        const explicit = specs.length > 0;
        const files = explicit ? specs : findSpecFiles(shippedBenchmarksDir());
        if (flags.data && files.length !== 1) throw new BprofError("--data applies to exactly one spec");
        let failures = 0;
        for (const file of files) {
          const message = validateOne(file, flags, explicit);
          if (message.startsWith("error")) failures++;
          process.stdout.write(`${file}: ${message}\n`);
        }
        if (failures > 0) throw new BprofError(`${failures} of ${files.length} specs failed validation`);
      }),
    );
}

function listRow(file: string, dir: string): string[] {
  const shown = relative(dir, file);
  let loaded: LoadedSpec;
  try {
    loaded = loadBenchmarkSpec(file);
  } catch (err) {
    return [shown, "-", "-", "-", `invalid spec: ${(err as Error).message}`];
  }
  const { spec } = loaded;
  let items: string;
  if (!existsSync(resolveSpecPath(loaded, spec.data))) items = "data missing";
  else {
    try {
      const prepared = prepareBenchmark(loaded);
      items = String(prepared.available);
    } catch (err) {
      items = `error: ${(err as Error).message}`;
    }
  }
  return [shown, spec.name, spec.task, spec.adapter, items];
}

function validateOne(file: string, flags: ValidateFlags, explicit: boolean): string {
  try {
    const loaded = loadBenchmarkSpec(file);
    const dataPath = flags.data ?? resolveSpecPath(loaded, loaded.spec.data);
    if (!flags.data && !explicit && !existsSync(dataPath)) return `spec ok; data missing (${dataPath}), not read`;
    const prepared = prepareBenchmark(loaded, {
      dataOverride: flags.data,
      labelsOverride: flags.labels,
      fewshotDataOverride: flags.fewshotData,
      skipBadRows: flags.skipBadRows,
    });
    const skipped = prepared.skippedRows.length
      ? `, ${prepared.skippedRows.length} bad rows skipped (first: ${prepared.skippedRows[0]!.message})`
      : "";
    return `ok: ${prepared.available} items (${loaded.spec.task}, chance ${prepared.chance.toFixed(4)})${skipped}`;
  } catch (err) {
    if (err instanceof BprofError) return `error: ${err.message}`;
    throw err;
  }
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  process.stdout.write([line(header), ...rows.map(line)].join("\n") + "\n");
}
