import { join } from "node:path";
import { BprofError } from "../errors.js";
import { createProgress, type Progress } from "../util/progress.js";
import { provenanceOf, writeMask, maskDirName, maskFromSelection } from "./mask.js";
import type { ContrastKind } from "./contrast.js";
import type { AblationVariant } from "./variant.js";
import { selectionScores } from "./selection-scores.js";
import { selectElements, type Control, type Selection, type SelectionMethod } from "./selection.js";

export interface SelectRunOptions {
  importance: string;
  variant: AblationVariant;
  ks: number[];
  method: SelectionMethod;
  controls: Control[];
  /** Other abilities' importance directories and the contrast to take against them (contrast.ts). */
  contrastWith?: { kind: ContrastKind; dirs: string[] };
  out: string;
  quiet?: boolean;
}

export interface WrittenMask {
  dir: string;
  selection: Selection;
}

/**
 * `bprof select`: one mask directory per (k, control) under `out`, named by maskDirName;
 * with `contrastWith`, ranked by the contrastive scores against those abilities.
 * All selections are made before the first mask is written.
 */
export function runSelect(opts: SelectRunOptions): WrittenMask[] {
  const contrastWith = opts.contrastWith && opts.contrastWith.dirs.length > 0 ? opts.contrastWith : null;
  const { manifest, sources, contrast } = selectionScores(opts.importance, contrastWith, opts.variant);
  let progress: Progress | undefined;
  const selections = selectElements({
    sources,
    variant: opts.variant,
    nTotal: manifest.nTotal,
    ks: opts.ks,
    method: opts.method,
    controls: opts.controls,
    onProgress: (elements, total) =>
      (progress ??= createProgress({ label: "select", total, unit: "scores", quiet: opts.quiet })).tick(elements),
  });
  progress?.done();
  const provenance = provenanceOf(manifest);
  const shapes = new Map(manifest.tensors.map((t) => [t.name, t.shape]));
  const names = new Set<string>();
  for (const s of selections) {
    const name = maskDirName(s);
    if (names.has(name)) throw new BprofError(`two selections would both be written to ${name} (repeated k or seed?)`, { field: "k" });
    names.add(name);
  }
  return selections.map((selection) => {
    const dir = join(opts.out, maskDirName(selection));
    writeMask(dir, maskFromSelection(selection, shapes, provenance, undefined, contrast));
    return { dir, selection };
  });
}
