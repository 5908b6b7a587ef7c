/**
 * A weight as it lies in a checkpoint file: little-endian bytes, a dtype named as in
 * safetensors, and a row-major shape. Loaders produce these without touching the
 * engine, so reading, validating and converting checkpoints needs no native code.
 */
export type FloatDtype = "F32" | "BF16" | "F16";

export const FLOAT_DTYPE_BYTES: Record<FloatDtype, number> = { F32: 4, BF16: 2, F16: 2 };

export function isFloatDtype(dtype: string): dtype is FloatDtype {
  return dtype === "F32" || dtype === "BF16" || dtype === "F16";
}

export interface RawTensor {
  dtype: FloatDtype;
  shape: number[];
  data: Uint8Array;
}

/** A checkpoint's tensors by name, read on demand (a sharded checkpoint is never read whole). */
export interface TensorSource {
  /** What the checkpoint is, for error messages: a file or directory path. */
  readonly path: string;
  names(): string[];
  /** Shape and dtype without reading the data; undefined when the tensor is absent. */
  describe(name: string): { dtype: string; shape: number[]; file: string } | undefined;
  read(name: string): RawTensor;
}

export function numelOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
