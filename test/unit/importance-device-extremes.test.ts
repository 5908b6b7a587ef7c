import { describe, expect, it } from "vitest";
import { scope, Tensor } from "../../src/engine/index.js";
import { deviceExtremes } from "../../src/importance/device-extremes.js";
import { selectExtremes } from "../../src/masks/exact-select.js";
import { Xoshiro128 } from "../../src/util/prng.js";
import { scoresFromArray } from "../../src/importance/score-source.js";

/** Scores with many ties (few distinct values), and some tensors entirely tied. */
function tensorsOf(seed: number): { name: string; values: Float32Array; shape: number[] }[] {
  const rng = new Xoshiro128(seed);
  const shapes: [string, number[]][] = [
    ["model.layers.1.mlp.up_proj.weight", [7, 5]],
    ["model.layers.0.mlp.down_proj.weight", [4, 9]],
    ["model.layers.0.mlp.gate_proj.weight", [6, 6]],
    ["model.layers.10.self_attn.q_proj.weight", [3, 8]],
  ];
  return shapes.map(([name, shape], m) => {
    const numel = shape[0]! * shape[1]!;
    const values = Float32Array.from({ length: numel }, () => (m === 3 ? 2 : rng.nextBelow53(6) * 0.5));
    return { name, values, shape };
  });
}

describe("exact top-n / bottom-n on the device", () => {
  it.each([1, 2, 3])("selects what selectExtremes selects, ties by name then index, with the scores (seed %i)", (seed) => {
    const tensors = tensorsOf(seed);
    const total = tensors.reduce((s, t) => s + t.values.length, 0);
    for (const extreme of ["highest", "lowest"] as const) {
      for (const n of [0, 1, 7, 20, 41, 64, total - 1, total]) {
        const expected = selectExtremes(
          tensors.map((t) => ({ source: scoresFromArray(t.name, t.values), start: 0, length: t.values.length })),
          [n],
          extreme,
        )[0]!;
        const got = deviceExtremes(
          tensors.map((t) => ({ name: t.name, numel: t.values.length, scores: () => Tensor.fromFloat32(t.values, t.shape) })),
          n,
          extreme,
        );
        const asObject = (m: Map<string, Uint32Array>) =>
          Object.fromEntries([...m].filter(([, v]) => v.length > 0).map(([k, v]) => [k, [...v]]));
        expect(asObject(got.indices), `${extreme} n=${n}`).toEqual(asObject(expected));
        for (const t of tensors) {
          const idx = got.indices.get(t.name);
          if (idx) expect([...got.scores.get(t.name)!]).toEqual([...idx].map((i) => t.values[i]!));
        }
      }
    }
  });

  it("refuses non-finite scores, naming the tensor", () => {
    const values = Float32Array.of(1, Number.NaN, 2);
    expect(() =>
      deviceExtremes([{ name: "w", numel: 3, scores: () => scope(() => Tensor.fromFloat32(values, [3])) }], 1, "highest"),
    ).toThrow(/score of w is not finite/);
  });
});
