import { createHash } from "node:crypto";
import type { Tensor } from "../engine/index.js";
import { BprofError } from "../errors.js";
import type { Mask } from "./mask.js";

/**
 * Ablation in memory (docs/method.md, step 3): the masked elements are set to exactly 0 in the live
 * parameters, their original values kept, and written back on restore. Model files are never
 * touched. The proof of an exact restore is cheap: a sha256 over the touched elements' values
 * (as float32, exact for f32/bf16/f16) before the ablation and again after the restore.
 */
export interface AppliedAblation {
  /** Elements set to zero. */
  readonly touched: number;
  /** sha256 of the touched elements' original values. */
  readonly checksum: string;
  /** Write the original values back and prove it; throws if the values differ. Idempotent. */
  restore(): void;
}

interface Touched {
  tensor: Tensor;
  name: string;
  indices: BigInt64Array;
  original: Float32Array;
}

export function applyMask(params: Map<string, Tensor>, mask: Mask): AppliedAblation {
  // Check every tensor before touching any, so a bad mask leaves the model as it was.
  const plan = mask.tensors
    .filter((t) => t.indices.length > 0)
    .map((t) => {
      const tensor = params.get(t.name);
      if (!tensor) throw new BprofError(`mask names ${t.name}, which the model does not have`, { field: t.name });
      if (tensor.shape.join("x") !== t.shape.join("x")) {
        throw new BprofError(`mask shape [${t.shape}] of ${t.name} differs from the model's [${tensor.shape}]`, { field: t.name });
      }
      return { tensor, name: t.name, indices: toInt64Indices(t.indices) };
    });
  const touched: Touched[] = plan.map((p) => ({ ...p, original: p.tensor.getFlat(p.indices) }));
  const checksum = digest(touched.map((t) => t.original));
  for (const t of touched) t.tensor.setFlat(t.indices, 0);

  let restored = false;
  return {
    touched: touched.reduce((s, t) => s + t.indices.length, 0),
    checksum,
    restore() {
      if (restored) return;
      for (const t of touched) t.tensor.setFlat(t.indices, t.original);
      const after = digest(touched.map((t) => t.tensor.getFlat(t.indices)));
      if (after !== checksum) throw new Error(`restore after ablation is not exact: checksum ${after} != ${checksum}`);
      restored = true;
    },
  };
}

/** Run `fn` on the ablated model; the weights are restored whatever `fn` does. */
export async function withAblation<T>(params: Map<string, Tensor>, mask: Mask, fn: () => T | Promise<T>): Promise<T> {
  const applied = applyMask(params, mask);
  try {
    return await fn();
  } finally {
    applied.restore();
  }
}

function digest(values: Float32Array[]): string {
  const hash = createHash("sha256");
  for (const v of values) hash.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  return hash.digest("hex");
}

/** uint32 mask indices as the engine's BigInt64Array, without a BigInt per element (little-endian halves). */
export function toInt64Indices(indices: Uint32Array): BigInt64Array {
  const out = new BigInt64Array(indices.length);
  const halves = new Uint32Array(out.buffer);
  for (let i = 0; i < indices.length; i++) halves[2 * i] = indices[i]!;
  return out;
}
