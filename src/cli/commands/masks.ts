import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { BprofError } from "../../errors.js";
import { MASK_MANIFEST, readMask, type Mask } from "../../masks/mask.js";
import { runCommand } from "../run-command.js";

export function registerMasksCommand(program: Command): void {
  const masks = program.command("masks").description("Inspect masks written by bprof select");
  masks
    .command("show")
    .description("A mask's recipe and per-tensor counts (a directory of masks: each of them)")
    .argument("<dir>", "mask directory, or a directory of mask directories")
    .option("--json", 'print JSON: the recipe and {"tensors": {name: [flat indices]}}')
    .action(
      runCommand((dir: string, flags: { json?: boolean }) => {
        const dirs = maskDirs(dir);
        const shown = dirs.map((d) => ({ dir: d, mask: readMask(d) }));
        if (flags.json) {
          const json = shown.map(({ dir: d, mask }) => maskJson(d, mask));
          process.stdout.write(JSON.stringify(json.length === 1 && dirs[0] === dir ? json[0] : json) + "\n");
        } else {
          process.stdout.write(shown.map(({ dir: d, mask }) => maskText(d, mask)).join("\n"));
        }
      }),
    );
}

function maskDirs(dir: string): string[] {
  if (existsSync(join(dir, MASK_MANIFEST))) return [dir];
  if (!existsSync(dir)) throw new BprofError("no such mask directory", { file: dir });
  const inner = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, MASK_MANIFEST)))
    .map((e) => join(dir, e.name))
    .sort();
  if (inner.length === 0) throw new BprofError(`not a mask directory (no ${MASK_MANIFEST}, none in its subdirectories)`, { file: dir });
  return inner;
}

function maskJson(dir: string, mask: Mask) {
  return {
    dir,
    toolVersion: mask.toolVersion,
    ...mask.recipe,
    tensors: Object.fromEntries(mask.tensors.map((t) => [t.name, [...t.indices]])),
  };
}

function maskText(dir: string, mask: Mask): string {
  const r = mask.recipe;
  const control = r.control === "random" ? `random (seed ${r.seed})` : r.control;
  const lines = [
    `${dir}`,
    `  variant ${r.variant}, k ${r.k}, n = ⌊k · ${r.nTotal}⌋ = ${r.n}, selected ${r.count} of ${r.nScope} in scope`,
    `  method ${r.method}${r.chunkMinimum !== null ? ` (chunks ≥ ${r.chunkMinimum})` : ""}, control ${control}`,
  ];
  if (r.importance) {
    const i = r.importance;
    lines.push(`  importance: ${i.ability}/${i.split}, loss scope ${i.lossScope}, ${i.aggregate}, score ${i.score}`);
    lines.push(`  model ${i.modelHash.slice(0, 16)}…, probes ${i.probeHash.slice(0, 16)}…, bprof ${mask.toolVersion}`);
  }
  const width = Math.max(...mask.tensors.map((t) => t.name.length));
  for (const t of mask.tensors) {
    const numel = t.shape.reduce((a, b) => a * b, 1);
    lines.push(`  ${t.name.padEnd(width)}  ${String(t.indices.length).padStart(10)}  ${((100 * t.indices.length) / numel).toFixed(3)}%`);
  }
  return lines.join("\n") + "\n";
}
