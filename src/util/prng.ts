import { createHash } from "node:crypto";

/**
 * Every seeded random stream of bprof. Nothing may call Math.random: probe files, few-shot
 * orders, random-control masks and bootstrap intervals must come out byte for byte the same on
 * every platform and Node version. Two generators, each kept because committed files and run
 * keys depend on its exact outputs:
 *
 * - sfc32 (Doty-Humphrey's small fast counting generator) for data: probe generation, the
 *   organism's training data, few-shot example order. Seeded from a string.
 * - xoshiro128** (Blackman & Vigna), seeded through splitmix32, for the method: random-control
 *   masks and the statistics' resamples. Seeded from a number (and a stream name).
 */

/** One sfc32 step over a 128-bit state (a, b, c, d): the standard algorithm. → uint32 */
function sfc32(state: Uint32Array): number {
  const [a, b, c, d] = state as unknown as [number, number, number, number];
  const t = (((a + b) | 0) + d) | 0;
  state[3] = d + 1;
  state[0] = b ^ (b >>> 9);
  state[1] = (c + (c << 3)) | 0;
  state[2] = (((c << 21) | (c >>> 11)) + t) | 0;
  return t >>> 0;
}

/**
 * sfc32 seeded through the cyrb128 string hash, with the helpers that generators need. The
 * counter starts one above cyrb128's fourth word: this generator used to add the counter after
 * incrementing it, which is standard sfc32 with the counter one ahead, so the streams (and the
 * committed probe files) are unchanged.
 */
export class Rng {
  private readonly state: Uint32Array;

  constructor(seed: string | number) {
    const [h1, h2, h3, h4] = cyrb128(String(seed));
    this.state = Uint32Array.of(h1, h2, h3, h4 + 1);
    // The first outputs of sfc32 are weakly mixed; discard them.
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  nextUint32(): number {
    return sfc32(this.state);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`Rng.int: bad range [${min}, ${max}]`);
    }
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("Rng.pick: empty list");
    return items[this.int(0, items.length - 1)] as T;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  /** k distinct elements in random order. */
  sample<T>(items: readonly T[], k: number): T[] {
    if (k > items.length) throw new RangeError(`Rng.sample: ${k} from ${items.length}`);
    return this.shuffle(items).slice(0, k);
  }
}

/** sfc32 seeded with the first 16 bytes of sha256(seed), no discards: uniform floats in [0, 1). */
export function seededUniform(seed: string): () => number {
  const digest = createHash("sha256").update(seed).digest();
  const state = Uint32Array.of(digest.readUInt32LE(0), digest.readUInt32LE(4), digest.readUInt32LE(8), digest.readUInt32LE(12));
  return () => sfc32(state) / 4294967296;
}

function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** xoshiro128** with its state filled by splitmix32 from a 32-bit seed. */
export class Xoshiro128 {
  private readonly s = new Uint32Array(4);

  constructor(seed: number) {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    // splitmix32's finaliser is a bijection, so four successive outputs are never all zero;
    // the guard only documents xoshiro's one forbidden state.
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 1;
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

  /** Uniform integer in [0, n) for n ≤ 2^32: one draw per try, rejection without modulo bias. */
  nextBelow(n: number): number {
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Uniform integer in [0, bound) for bound ≤ 2^53: two draws per try (53 bits), rejection. */
  nextBelow53(bound: number): number {
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
 * A xoshiro128** stream named by a numeric seed and a stream name, so each benchmark gets its
 * own stream and results do not depend on the order benchmarks are processed in (needed for
 * resumable runs).
 */
export function createRng(seed: number, stream = ""): Xoshiro128 {
  return new Xoshiro128((Math.trunc(seed) ^ fnv1a(stream)) >>> 0);
}

/** FNV-1a over the UTF-16 code units of a string: a stable stream id. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
