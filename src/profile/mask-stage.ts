import { ablationCount } from "../importance/ablation-count.js";
import { candidateScoreSources, importanceScoreSources, provenanceOf, readImportanceManifest } from "../importance/importance-store.js";
import { writeMask } from "../importance/mask.js";
import { maskFromSelection } from "../importance/mask-from-selection.js";
import type { ScoreSource } from "../importance/score-source.js";
import type { AblationVariant } from "../importance/scope.js";
import { selectElements, type Control, type Selection } from "../importance/selection.js";
import { createProgress, type Progress } from "../io/progress.js";
import type { RunContext } from "./run-context.js";
import { planRef, type PlanMask } from "./run-plan.js";

/**
 * An ability's top (and bottom) masks in the store, selected from its importance where
 * missing; the importance is asked for (and computed if need be) only then.
 */
export async function ensureAbilityMasks(ctx: RunContext, importance: () => Promise<string>, masks: PlanMask[]): Promise<void> {
  const pending = masks.filter((m) => !ctx.isDone(planRef("mask", m)));
  if (pending.length === 0) return;
  const importanceDir = await importance();
  const manifest = readImportanceManifest(importanceDir);
  const shapes = new Map(manifest.tensors.map((t) => [t.name, t.shape]));
  const provenance = provenanceOf(manifest);
  let allScores: ScoreSource[] | undefined;
  for (const variant of distinct(pending.map((m) => m.variant))) {
    const ofVariant = pending.filter((m) => m.variant === variant);
    const started = performance.now();
    const label = `select ${manifest.probes.ability} ${variant}`;
    // The top and the bottom masks from the stored candidates of the scope when they hold
    // enough elements (the same selection as from every score), else from every score.
    const selections: Selection[] = [];
    for (const [extreme, masks] of [["highest", ofVariant.filter((m) => m.control === "none")], ["lowest", ofVariant.filter((m) => m.control === "bottom")]] as const) {
      if (masks.length === 0) continue;
      const n = Math.max(...masks.map((m) => ablationCount(m.k, manifest.nTotal, Number.MAX_SAFE_INTEGER)));
      const sources = candidateScoreSources(importanceDir, manifest, variant, extreme, n) ?? (allScores ??= importanceScoreSources(importanceDir, manifest));
      const controls: Control[] = extreme === "lowest" ? [{ kind: "bottom" }] : [];
      const made = select(ctx, label, sources, variant, manifest.nTotal, masks, controls);
      selections.push(...made.filter((s) => (extreme === "lowest" ? s.control.kind === "bottom" : s.control.kind === "none")));
    }
    // One pass over the scores selects every mask of the variant: each is charged its share.
    const share = (performance.now() - started) / 1000 / ofVariant.length;
    for (const mask of ofVariant) {
      const selection = selections.find((s) => s.k === mask.k && s.control.kind === mask.control)!;
      await ctx.commit(planRef("mask", mask), (dir) => writeMask(dir, maskFromSelection(selection, shapes, provenance)), share);
    }
  }
}

/**
 * A random-control mask in the store. It depends on no ability: n (or what the method
 * selects, the same for any scores) elements drawn from the scope, so it is selected against
 * scores of zero read lazily, which costs no memory.
 */
export async function ensureRandomMask(ctx: RunContext, mask: PlanMask): Promise<void> {
  const ref = planRef("mask", mask);
  if (ctx.isDone(ref)) return;
  const { model, info } = ctx.loaded;
  const shapes = new Map([...model.params].map(([name, t]) => [name, [...t.shape]]));
  const zeros: ScoreSource[] = [...shapes].map(([name, shape]) => ({
    name,
    numel: shape.reduce((a, b) => a * b, 1),
    read: (_start: number, length: number) => new Float32Array(length),
  }));
  const started = performance.now();
  const selections = select(ctx, `select ${mask.name}`, zeros, mask.variant, info.numParameters, [mask], [{ kind: "random", seed: mask.seed! }]);
  const selection = selections.find((s) => s.control.kind === "random")!;
  await ctx.commit(ref, (dir) => writeMask(dir, maskFromSelection(selection, shapes, null)), (performance.now() - started) / 1000);
}

function select(
  ctx: RunContext,
  label: string,
  sources: ScoreSource[],
  variant: AblationVariant,
  nTotal: number,
  masks: PlanMask[],
  controls: Control[],
): Selection[] {
  let progress: Progress | undefined;
  const selections = selectElements({
    sources,
    variant,
    nTotal,
    ks: distinct(masks.map((m) => m.k)),
    method: masks[0]!.method,
    controls,
    onProgress: (elements, total) => (progress ??= createProgress({ label, total, unit: "scores", quiet: ctx.options.quiet })).tick(elements),
  });
  progress?.done();
  return selections;
}

function distinct<T>(values: T[]): T[] {
  return [...new Set(values)];
}
