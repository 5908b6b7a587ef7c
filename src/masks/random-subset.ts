import { IndexListBuilder } from "./index-list.js";
import type { SelectedIndices } from "./exact-select.js";

/**
 * xoshiro128** (Blackman & Vigna) seeded through splitmix32: small, fast, and the same stream
 * on every platform, so a `random:SEED` mask is reproducible from its recipe.
 */
export class SeededRandom {
  private s = new Uint32Array(4);

  constructor(seed: number) {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform integer in [0, bound) for bound ≤ 2^53, exactly (rejection, no modulo bias). */
  below(bound: number): number {
    const limit = TWO_53 - (TWO_53 % bound);
    for (;;) {
      const r = (this.nextUint32() >>> 11) * 2 ** 32 + this.nextUint32();
      if (r < limit) return r % bound;
    }
  }
}

const TWO_53 = 2 ** 53;

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

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
  const random = new SeededRandom(seed);
  for (let drawn = 0; drawn < draws; ) {
    const p = random.below(total);
    const byte = Math.floor(p / 8);
    const mask = 1 << p % 8;
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
    for (let p = base; p < end; ) {
      const byte = bits[Math.floor(p / 8)]!;
      if (p % 8 === 0 && p + 8 <= end && byte === skipByte) {
        p += 8;
        continue;
      }
      const set = (byte >> p % 8) & 1;
      if (set !== (complement ? 1 : 0)) list.push(p - base);
      p++;
    }
    const indices = list.finish();
    if (indices.length > 0) selected.set(t.name, indices);
    base += t.numel;
  }
  return selected;
}
