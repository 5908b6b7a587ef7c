import { BprofError } from "../errors.js";

/** Sorted flat indices (row-major, ascending, no repeats) of the selected elements of one tensor. */
export type MaskIndices = Uint32Array | BigInt64Array | BigUint64Array | readonly number[];

/** A mask: per tensor name (HF checkpoint names), its selected flat indices. */
export type TensorMask = ReadonlyMap<string, MaskIndices> | Readonly<Record<string, MaskIndices>>;

function entries(mask: TensorMask): [string, MaskIndices][] {
  return mask instanceof Map ? [...mask.entries()] : Object.entries(mask as Record<string, MaskIndices>);
}

function at(indices: MaskIndices, i: number): number {
  const v = indices[i]!;
  return typeof v === "bigint" ? Number(v) : v;
}

/** |a ∩ b| of two ascending index lists, by a linear merge; rejects unsorted input. */
export function intersectionSize(a: MaskIndices, b: MaskIndices, tensor = "?"): number {
  let i = 0;
  let j = 0;
  let count = 0;
  let prevA = -1;
  let prevB = -1;
  while (i < a.length && j < b.length) {
    const x = at(a, i);
    const y = at(b, j);
    if (x <= prevA || y <= prevB) throw unsorted(tensor);
    if (x === y) {
      count++;
      prevA = x;
      prevB = y;
      i++;
      j++;
    } else if (x < y) {
      prevA = x;
      i++;
    } else {
      prevB = y;
      j++;
    }
  }
  // The tails are not compared but must still be sorted for the count to have been right.
  for (; i < a.length; i++) {
    const x = at(a, i);
    if (x <= prevA) throw unsorted(tensor);
    prevA = x;
  }
  for (; j < b.length; j++) {
    const y = at(b, j);
    if (y <= prevB) throw unsorted(tensor);
    prevB = y;
  }
  return count;
}

function unsorted(tensor: string): BprofError {
  return new BprofError(`mask indices of tensor '${tensor}' are not strictly ascending`, { field: tensor });
}

export function maskSize(mask: TensorMask): number {
  let n = 0;
  for (const [, indices] of entries(mask)) n += indices.length;
  return n;
}

/**
 * Jaccard similarity |A ∩ B| / |A ∪ B| of two masks, over (tensor, index) pairs.
 * null when both masks are empty (the ratio is 0/0).
 */
export function jaccard(a: TensorMask, b: TensorMask): number | null {
  const bByName = new Map(entries(b));
  let intersection = 0;
  for (const [name, indices] of entries(a)) {
    const other = bByName.get(name);
    if (other) intersection += intersectionSize(indices, other, name);
  }
  const union = maskSize(a) + maskSize(b) - intersection;
  return union === 0 ? null : intersection / union;
}

/** Symmetric Jaccard matrix of several masks (diagonal 1 for non-empty masks). */
export function jaccardMatrix(masks: readonly TensorMask[]): (number | null)[][] {
  const m: (number | null)[][] = masks.map(() => masks.map(() => null));
  for (let i = 0; i < masks.length; i++) {
    for (let j = i; j < masks.length; j++) {
      const v = jaccard(masks[i]!, masks[j]!);
      m[i]![j] = v;
      m[j]![i] = v;
    }
  }
  return m;
}

const DECODER_MATRIX = /^model\.layers\.(\d+)\.([A-Za-z_]+\.[A-Za-z_0-9]+)\.weight$/;

export interface MaskLocationShares {
  n_selected: number;
  layer_share: { layer: number; share: number }[];
  matrix_share: { matrix: string; share: number }[];
  other_share: number;
}

/**
 * Where a mask lives: the share of its elements in each decoder layer and in each matrix type,
 * read from HF tensor names (`model.layers.{i}.mlp.gate_proj.weight` → layer i, `mlp.gate_proj`).
 * Layers and matrix types with no selected element are listed with share 0 when another
 * tensor of theirs appears in the mask, so maps of several masks line up.
 */
export function maskLocation(mask: TensorMask): MaskLocationShares {
  const perLayer = new Map<number, number>();
  const perMatrix = new Map<string, number>();
  let other = 0;
  let total = 0;
  for (const [name, indices] of entries(mask)) {
    const n = indices.length;
    total += n;
    const m = DECODER_MATRIX.exec(name);
    if (!m) {
      other += n;
      continue;
    }
    const layer = Number(m[1]);
    perLayer.set(layer, (perLayer.get(layer) ?? 0) + n);
    perMatrix.set(m[2]!, (perMatrix.get(m[2]!) ?? 0) + n);
  }
  const share = (n: number): number => (total === 0 ? 0 : n / total);
  return {
    n_selected: total,
    layer_share: [...perLayer.entries()].sort((x, y) => x[0] - y[0]).map(([layer, n]) => ({ layer, share: share(n) })),
    matrix_share: [...perMatrix.entries()]
      .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
      .map(([matrix, n]) => ({ matrix, share: share(n) })),
    other_share: share(other),
  };
}
