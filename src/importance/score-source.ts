import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { BprofError } from "../errors.js";

/**
 * Where one tensor's importance scores can be read from, a range at a time, so that selection
 * never holds every score of an 8B-parameter scope in JS memory. Indices are flat row-major
 * positions in the checkpoint's own layout.
 */
export interface ScoreSource {
  readonly name: string;
  readonly numel: number;
  /** The file the scores come from, for error messages. */
  readonly file?: string;
  /** Scores [start, start + length) as float32. */
  read(start: number, length: number): Float32Array;
}

export function scoresFromArray(name: string, scores: Float32Array): ScoreSource {
  return { name, numel: scores.length, read: (start, length) => scores.subarray(start, start + length) };
}

/** Scores stored as raw little-endian float32 (or float16) (the importance directory's per-tensor files). */
export function scoresFromFile(name: string, file: string, numel: number, dtype: "f32" | "f16" = "f32"): ScoreSource {
  const fd = openSync(file, "r");
  const size = fstatSync(fd).size;
  closeSync(fd);
  const width = dtype === "f32" ? 4 : 2;
  if (size !== numel * width) {
    throw new BprofError(
      `holds ${size} bytes, expected ${numel * width} (${numel} ${dtype === "f32" ? "float32" : "float16"} scores of ${name})`,
      { file },
    );
  }
  return {
    name,
    numel,
    file,
    read(start, length) {
      const bytes = Buffer.allocUnsafe(length * width);
      const handle = openSync(file, "r");
      try {
        let done = 0;
        while (done < bytes.length) {
          const got = readSync(handle, bytes, done, bytes.length - done, start * width + done);
          if (got === 0) throw new BprofError(`ended early while reading scores of ${name}`, { file });
          done += got;
        }
      } finally {
        closeSync(handle);
      }
      if (dtype === "f16") return halfToFloat(bytes);
      const out = new Float32Array(length);
      new Uint8Array(out.buffer).set(bytes);
      return out;
    },
  };
}

/** IEEE half-precision little-endian bytes → float32 values (exact: every half is a float). */
function halfToFloat(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) {
    const h = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    out[i] =
      exponent === 0
        ? sign * fraction * 2 ** -24
        : exponent === 31
          ? fraction
            ? Number.NaN
            : sign * Infinity
          : sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }
  return out;
}

/** Per tensor name, the selected flat indices, ascending. */
export type SelectedIndices = Map<string, Uint32Array>;

/** Which end of the score order a selection takes. */
export type Extreme = "highest" | "lowest";

/** Code-unit order of tensor names: the tie-break order of every selection. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
