import { Xoshiro128 } from "../util/prng.js";
import { IndexListBuilder, type SelectedIndices } from "./exact-select.js";

/**
 * `count` elements drawn uniformly without replacement from the scope's elements, numbered
 * end to end in the given (layer) order: positions are drawn one by one, redrawing any already
 * taken, which yields every subset with equal probability. When more than half the scope is
 * asked for, the excluded complement is drawn instead (fewer redraws). A bitmap of N_scope
 * bits records the draws (1/32 of the scores' float32 size).
 */
export function randomSelection(tensors: { name: string; numel: number }[], count: number, seed: number): SelectedIndices {
  const total = tensors.reduce((s, t) => s + t.numel, 0);
  if (!Number.isInteger(count) || count < 0 || count > total) throw new Error(`randomSelection: count ${count} outside [0, ${total}]`);
  const complement = count > total / 2;
  const draws = complement ? total - count : count;
  const bits = new Uint8Array(Math.ceil(total / 8));
  const random = new Xoshiro128(seed);
  for (let drawn = 0; drawn < draws;) {
    const p = random.nextBelow53(total);
    const byte = Math.floor(p / 8);
    const mask = 1 << (p % 8);
    if (bits[byte]! & mask) continue;
    bits[byte]! |= mask;
    drawn++;
  }

  // Bytes with no selected position are skipped whole.
  const skipByte = complement ? 0xff : 0;
  const selected: SelectedIndices = new Map();
  let base = 0;
  for (const t of tensors) {
    const list = new IndexListBuilder();
    const end = base + t.numel;
    for (let p = base; p < end;) {
      const byte = bits[Math.floor(p / 8)]!;
      if (p % 8 === 0 && p + 8 <= end && byte === skipByte) {
        p += 8;
        continue;
      }
      const set = (byte >> (p % 8)) & 1;
      if (set !== (complement ? 1 : 0)) list.push(p - base);
      p++;
    }
    const indices = list.finish();
    if (indices.length > 0) selected.set(t.name, indices);
    base += t.numel;
  }
  return selected;
}
