import { describe, expect, it } from "vitest";
import { BprofError } from "../../src/errors.js";
import { contrastBlock, contrastSources, scopeMean } from "../../src/masks/contrast.js";
import { scoresFromArray } from "../../src/importance/score-source.js";
import { selectElements } from "../../src/masks/selection.js";

const MLP = ["model.layers.0.mlp.gate_proj.weight", "model.layers.0.mlp.down_proj.weight"];

/** S_a written out element by element from docs/method.md, in float64. */
function reference(own: number[], others: number[][], kind: "ratio" | "difference" = "ratio"): number[] {
  const meanOf = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const ownHat = own.map((x) => x / meanOf(own));
  const othersHat = others.map((o) => o.map((x) => x / meanOf(o)));
  const otherMean = own.map((_, i) => othersHat.reduce((s, o) => s + o[i]!, 0) / others.length);
  const epsilon = 1e-3 * meanOf(otherMean);
  return ownHat.map((x, i) => (kind === "ratio" ? x / (otherMean[i]! + epsilon) : x - otherMean[i]!));
}

describe("contrastive importance", () => {
  const own = [4, 1, 0, 3, 2, 6];
  const others = [
    [1, 1, 0, 5, 2, 3],
    [10, 0, 0, 20, 5, 1],
  ];
  /** contrastBlock of `kind` on the arrays above, checked element by element against the reference. */
  const checked = (kind: "ratio" | "difference"): Float32Array => {
    const meanOf = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const got = contrastBlock(
      kind,
      Float32Array.from(own),
      meanOf(own),
      others.map((o) => Float32Array.from(o)),
      others.map(meanOf),
    );
    const want = reference(own, others, kind);
    got.forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 5));
    return got;
  };

  it("matches the formula: own normalised score over the others' mean normalised score plus ε", () => {
    // Element 2: no ability needs it, so the ratio is 0 / ε = 0, not NaN.
    expect(checked("ratio")[2]).toBe(0);
  });

  it("difference: own normalised score minus the others' mean normalised score", () => {
    // Element 3 matters more to the others (their 5 and 20 are large for them): negative.
    expect(checked("difference")[3]).toBeLessThan(0);
  });

  it("the ratio picks a weight no ability needs; the difference picks the one this ability needs most beyond the others", () => {
    // Element 0: a needs it most (8 of a's mean-2 scale), the others need it a little. Element 1:
    // nobody needs it, a slightly more than the others (the ratio's 0.01 / ~0 is huge).
    const a = [8, 0.01, 1, 1, 0];
    const b = [2, 0.00001, 1, 1, 1];
    const sources = (xs: number[]) => [scoresFromArray(MLP[0]!, Float32Array.from(xs))];
    const pick = (kind: "ratio" | "difference") => {
      const s = contrastSources(kind, { ability: "a", sources: sources(a) }, [{ ability: "b", sources: sources(b) }], "mlp");
      const [picked] = selectElements({ sources: s, variant: "mlp", nTotal: 100, ks: [0.01], method: "top", controls: [] });
      return [...picked!.indices.get(MLP[0]!)!];
    };
    expect(pick("ratio")).toEqual([1]);
    expect(pick("difference")).toEqual([0]);
  });

  it("ranks a weight only this ability needs above one every ability needs", () => {
    // Element 0 is shared (large for all), element 1 is a's own (moderate for a, tiny elsewhere).
    const a = [10, 4, 1, 1];
    const b = [10, 0.01, 1, 1];
    const c = [10, 0.01, 1, 1];
    const sources = (xs: number[]) => [scoresFromArray(MLP[0]!, Float32Array.from(xs))];
    const s = contrastSources(
      "ratio",
      { ability: "a", sources: sources(a) },
      [
        { ability: "b", sources: sources(b) },
        { ability: "c", sources: sources(c) },
      ],
      "mlp",
    );
    const [picked] = selectElements({ sources: s, variant: "mlp", nTotal: 100, ks: [0.01], method: "top", controls: [] });
    expect([...picked!.indices.get(MLP[0]!)!]).toEqual([1]);
    const [plain] = selectElements({ sources: sources(a), variant: "mlp", nTotal: 100, ks: [0.01], method: "top", controls: [] });
    expect([...plain!.indices.get(MLP[0]!)!]).toEqual([0]);
  });

  it("streams block by block to the same scores as the whole arrays, over the scope's tensors", () => {
    const make = (seed: number, n: number) => Float32Array.from({ length: n }, (_, i) => ((i * 7919 + seed * 104729) % 1000) / 100);
    const own = MLP.map((name, t) => scoresFromArray(name, make(1 + t, 300)));
    const other = MLP.map((name, t) => scoresFromArray(name, make(5 + t, 300)));
    const attention = scoresFromArray("model.layers.0.self_attn.q_proj.weight", make(9, 50));
    const s = contrastSources(
      "ratio",
      { ability: "a", sources: [...own, attention] },
      [{ ability: "b", sources: [...other, attention] }],
      "mlp",
    );
    expect(s.map((x) => x.name)).toEqual(["model.layers.0.mlp.gate_proj.weight", "model.layers.0.mlp.down_proj.weight"]);
    const ownAll = [...own[0]!.read(0, 300), ...own[1]!.read(0, 300)];
    const otherAll = [...other[0]!.read(0, 300), ...other[1]!.read(0, 300)];
    const want = reference(ownAll, [otherAll]);
    const got = [...s[0]!.read(0, 300), ...s[1]!.read(0, 100), ...s[1]!.read(100, 200)];
    got.forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 4));
    expect(scopeMean(own, "mlp")).toBeCloseTo(ownAll.reduce((a, b) => a + b, 0) / 600, 6);
  });

  it("refuses a contrast without other abilities, of another model, or of all-zero scores", () => {
    const src = [scoresFromArray(MLP[0]!, Float32Array.from([1, 2, 3]))];
    expect(() => contrastSources("ratio", { ability: "a", sources: src }, [], "mlp")).toThrow(BprofError);
    const wrongSize = [scoresFromArray(MLP[0]!, Float32Array.from([1, 2]))];
    expect(() => contrastSources("ratio", { ability: "a", sources: src }, [{ ability: "b", sources: wrongSize }], "mlp")).toThrow(
      /not the same model/,
    );
    const zeros = [scoresFromArray(MLP[0]!, new Float32Array(3))];
    expect(() => contrastSources("ratio", { ability: "a", sources: src }, [{ ability: "b", sources: zeros }], "mlp")).toThrow(/all 0/);
  });
});
