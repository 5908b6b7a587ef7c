import { BprofError } from "../errors.js";

/**
 * Map float32 scores to uint32 keys whose unsigned order is the scores' numeric order, so an
 * exact selection can histogram key bits instead of sorting: for a non-negative float the
 * key is its bits with the sign bit set; for a negative one, all bits flipped. −0 is keyed as
 * +0 (they are equal scores, so the (name, index) tie-break decides between them).
 * `lowest` flips every key, turning "n lowest" into "n highest" with the same tie-break.
 * Non-finite scores throw, naming the tensor and the flat index.
 */
export function scoresToKeys(
  scores: Float32Array,
  keys: Uint32Array,
  lowest: boolean,
  where: { name: string; file?: string; offset: number },
): void {
  const bits = new Uint32Array(scores.buffer, scores.byteOffset, scores.length);
  const flip = lowest ? 0xffffffff : 0;
  for (let i = 0; i < bits.length; i++) {
    let b = bits[i]!;
    if ((b & 0x7f800000) === 0x7f800000) {
      throw new BprofError(`score of ${where.name} at flat index ${where.offset + i} is ${scores[i]} (scores must be finite)`, {
        file: where.file,
        field: where.name,
      });
    }
    if (b === 0x80000000) b = 0;
    keys[i] = ((b & 0x80000000 ? ~b : b | 0x80000000) ^ flip) >>> 0;
  }
}
