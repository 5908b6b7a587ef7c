import type { ImportanceProvenance, Mask } from "./mask.js";
import { scopeNamesInLayerOrder } from "./variant.js";
import type { Selection } from "./selection.js";

/**
 * The mask of one selection: every tensor of the scope in layer order (those with no selected
 * element too, so per-tensor counts cover the whole scope), with the recipe that made it.
 */
export function maskFromSelection(
  selection: Selection,
  shapes: Map<string, number[]>,
  importance: ImportanceProvenance | null,
  chunkMinimum = 1_000_000,
): Omit<Mask, "toolVersion"> {
  const { control } = selection;
  return {
    recipe: {
      variant: selection.variant,
      k: selection.k,
      n: selection.n,
      count: selection.count,
      nTotal: selection.nTotal,
      nScope: selection.nScope,
      method: selection.method,
      control: control.kind,
      seed: control.kind === "random" ? control.seed : null,
      chunkMinimum: selection.method === "chunked" ? chunkMinimum : null,
      importance,
    },
    tensors: scopeNamesInLayerOrder(shapes.keys(), selection.variant).map((name) => ({
      name,
      shape: shapes.get(name)!,
      indices: selection.indices.get(name) ?? new Uint32Array(0),
    })),
  };
}

/** A directory name that says what the mask is: `mlp-k0.0001-top`, `all-k0.01-chunked.bottom`, `mlp-k0.01-top.random-s3`. */
export function maskDirName(selection: Selection): string {
  const c = selection.control;
  const control = c.kind === "none" ? "" : c.kind === "bottom" ? ".bottom" : `.random-s${c.seed}`;
  return `${selection.variant}-k${selection.k}-${selection.method}${control}`;
}
