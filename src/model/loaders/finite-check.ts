import { BprofError } from "../../errors.js";
import type { RawTensor } from "./raw-tensor.js";

/**
 * Non-finite weights (NaN, ±Inf) are found when a checkpoint is read, before any forward
 * pass: a NaN weight otherwise turns into NaN log-likelihoods several layers later, and the
 * first error (if any) names a tensor that only received the NaNs. The test is on the
 * exponent bits, all ones in every IEEE format, so no value is converted.
 */
export function firstNonFinite(raw: RawTensor): number {
  const { data } = raw;
  if (raw.dtype === "F32") {
    const words = alignedView(data, 4, (buffer, offset, length) => new Uint32Array(buffer, offset, length));
    for (let i = 0; i < words.length; i++) if ((words[i]! & 0x7f800000) === 0x7f800000) return i;
    return -1;
  }
  const halves = alignedView(data, 2, (buffer, offset, length) => new Uint16Array(buffer, offset, length));
  const exponent = raw.dtype === "BF16" ? 0x7f80 : 0x7c00;
  for (let i = 0; i < halves.length; i++) if ((halves[i]! & exponent) === exponent) return i;
  return -1;
}

/** Throws a BprofError naming the tensor, its first non-finite element and how many there are. */
export function checkFinite(raw: RawTensor, name: string, file: string): void {
  const first = firstNonFinite(raw);
  if (first < 0) return;
  const index = unravel(first, raw.shape);
  throw new BprofError(
    `tensor '${name}' holds a non-finite value (${valueAt(raw, first)}) at index [${index.join(", ")}] (element ${first} of ${numel(raw.shape)}): ` +
      "the checkpoint is corrupt or was saved after a diverged update",
    { file, field: name },
  );
}

function alignedView<T>(data: Uint8Array, bytes: number, make: (buffer: ArrayBufferLike, offset: number, length: number) => T): T {
  if (data.byteOffset % bytes === 0) return make(data.buffer, data.byteOffset, data.byteLength / bytes);
  const copy = data.slice();
  return make(copy.buffer, 0, copy.byteLength / bytes);
}

function valueAt(raw: RawTensor, i: number): string {
  const view = new DataView(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength);
  let value: number;
  if (raw.dtype === "F32") value = view.getFloat32(4 * i, true);
  else {
    const bits = view.getUint16(2 * i, true);
    const mantissa = raw.dtype === "BF16" ? bits & 0x7f : bits & 0x3ff;
    value = mantissa !== 0 ? NaN : bits & 0x8000 ? -Infinity : Infinity;
  }
  return String(value);
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return index;
}

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
