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

/** Scores stored as raw little-endian float32 (the importance directory's per-tensor files). */
export function scoresFromFile(name: string, file: string, numel: number): ScoreSource {
  const fd = openSync(file, "r");
  const size = fstatSync(fd).size;
  closeSync(fd);
  if (size !== numel * 4) {
    throw new BprofError(`holds ${size} bytes, expected ${numel * 4} (${numel} float32 scores of ${name})`, { file });
  }
  return {
    name,
    numel,
    file,
    read(start, length) {
      const bytes = Buffer.allocUnsafe(length * 4);
      const handle = openSync(file, "r");
      try {
        let done = 0;
        while (done < bytes.length) {
          const got = readSync(handle, bytes, done, bytes.length - done, start * 4 + done);
          if (got === 0) throw new BprofError(`ended early while reading scores of ${name}`, { file });
          done += got;
        }
      } finally {
        closeSync(handle);
      }
      const out = new Float32Array(length);
      new Uint8Array(out.buffer).set(bytes);
      return out;
    },
  };
}
