import { describe, expect, it } from "vitest";
import { createRng, Rng, seededUniform, Xoshiro128 } from "../../src/util/prng.js";

/**
 * The four generators bprof used to carry (sfc32 in probes/rng.ts and eval/seeded-random.ts,
 * xoshiro128** in profile/random.ts and importance/random-subset.ts) now live in util/prng.ts.
 * These outputs were printed by those four files at commit 4332671: every seeded stream
 * (probe files, few-shot order, random masks, bootstrap) must keep producing exactly them.
 */
describe("seeded generators keep their streams", () => {
  it("sfc32 seeded by cyrb128 (probe generation, organism data)", () => {
    const r = new Rng("probes:deductive:7");
    expect(Array.from({ length: 6 }, () => r.nextUint32())).toEqual([
      1306069399, 1536850482, 3721092327, 3622996327, 1803569050, 3442965729,
    ]);
    const n = new Rng(12345);
    expect([n.nextUint32(), n.int(0, 99), n.float(), ...n.shuffle([1, 2, 3, 4, 5, 6])]).toEqual([
      604279463, 50, 0.40979130333289504, 5, 4, 2, 3, 1, 6,
    ]);
  });

  it("sfc32 seeded by sha256 (few-shot order)", () => {
    const f = seededUniform("fewshot:arc:0");
    expect(Array.from({ length: 6 }, () => f())).toEqual([
      0.33921695523895323, 0.20571644813753664, 0.7825058265589178, 0.08444861741736531, 0.6150454794988036, 0.24958048877306283,
    ]);
  });

  it("xoshiro128** by seed and stream name (bootstrap)", () => {
    const x = createRng(0, "benchmark/story_words");
    expect([...Array.from({ length: 6 }, () => x.nextUint32()), x.nextBelow(1000), x.nextBelow(3)]).toEqual([
      3338734270, 1486566126, 2397907070, 4093431578, 1079966687, 964601341, 380, 0,
    ]);
    const big = createRng(4000000000, "");
    expect(Array.from({ length: 3 }, () => big.nextUint32())).toEqual([1399138455, 415515389, 1505414581]);
  });

  it("xoshiro128** by seed (random-control masks)", () => {
    const s = new Xoshiro128(3);
    expect([...Array.from({ length: 6 }, () => s.nextUint32()), s.nextBelow53(2 ** 40), s.nextBelow53(7)]).toEqual([
      3088717543, 2765602889, 1645471685, 4273001835, 2507546218, 1761432348, 837245829593, 1,
    ]);
    const max = new Xoshiro128(0xffffffff);
    expect(Array.from({ length: 3 }, () => max.nextUint32())).toEqual([835879718, 1921286648, 2356205009]);
  });
});
