import { describe, expect, it } from "vitest";
import { BprofError } from "../../src/errors.js";
import { intersectionSize, jaccard, jaccardMatrix, maskLocation } from "../../src/stats/overlap.js";

const gate = (i: number): string => `model.layers.${i}.mlp.gate_proj.weight`;
const down = (i: number): string => `model.layers.${i}.mlp.down_proj.weight`;

describe("Jaccard overlap of masks", () => {
  it("counts (tensor, index) pairs (hand-computed)", () => {
    const a = { [gate(0)]: [1, 2, 3], [gate(1)]: [5] };
    const b = { [gate(0)]: [2, 3, 4], [down(1)]: [5] };
    // ∩ = {gate0:2, gate0:3}; ∪ = 4 + 4 − 2 = 6
    expect(jaccard(a, b)).toBeCloseTo(2 / 6, 15);
    expect(jaccard(a, a)).toBe(1);
    expect(jaccard(a, { [down(0)]: [1, 2, 3] })).toBe(0);
  });

  it("accepts typed arrays, BigInt64Array and Maps, mixed", () => {
    const a = new Map([[gate(0), Uint32Array.from([0, 7, 9, 4_000_000_000])]]);
    const b = { [gate(0)]: BigInt64Array.from([7n, 8n, 9n, 4_000_000_000n]) };
    expect(intersectionSize(a.get(gate(0))!, b[gate(0)]!)).toBe(3);
    expect(jaccard(a, b)).toBeCloseTo(3 / 5, 15);
  });

  it("is null for two empty masks and rejects unsorted indices", () => {
    expect(jaccard({}, { [gate(0)]: [] })).toBeNull();
    expect(() => jaccard({ [gate(0)]: [3, 1] }, { [gate(0)]: [0, 2] })).toThrow(BprofError);
    expect(() => jaccard({ [gate(0)]: [1, 1] }, { [gate(0)]: [5] })).toThrow(/not strictly ascending/);
  });

  it("builds a symmetric matrix", () => {
    const m = jaccardMatrix([{ [gate(0)]: [1, 2] }, { [gate(0)]: [2, 3] }, {}]);
    expect(m).toEqual([
      [1, 1 / 3, 0],
      [1 / 3, 1, 0],
      [0, 0, null],
    ]);
  });
});

describe("mask location", () => {
  it("gives the share per layer and per matrix type from HF names", () => {
    const loc = maskLocation({
      [gate(0)]: [0, 1, 2],
      [down(0)]: [4],
      [gate(2)]: [1, 2, 3, 4],
      "model.layers.2.self_attn.q_proj.weight": [],
      "model.embed_tokens.weight": [9, 10],
    });
    expect(loc.n_selected).toBe(10);
    expect(loc.layer_share).toEqual([
      { layer: 0, share: 0.4 },
      { layer: 2, share: 0.4 },
    ]);
    expect(loc.matrix_share).toEqual([
      { matrix: "mlp.down_proj", share: 0.1 },
      { matrix: "mlp.gate_proj", share: 0.7 },
      { matrix: "self_attn.q_proj", share: 0 },
    ]);
    expect(loc.other_share).toBe(0.2);
  });
});
