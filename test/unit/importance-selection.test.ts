import { describe, expect, it } from "vitest";
import { BprofError } from "../../src/errors.js";
import { ablationCount, apportion } from "../../src/masks/ablation-count.js";
import { scoresFromArray, type ScoreSource } from "../../src/importance/score-source.js";
import { Xoshiro128 } from "../../src/util/prng.js";
import { selectElements, type Selection, type SelectionMethod } from "../../src/masks/selection.js";
import { variantNamesInLayerOrder } from "../../src/masks/variant.js";

// A toy 3-layer Llama's decoder matrices, plus tensors that are never in a scope.
const SHAPES: Record<string, number> = {
  "model.embed_tokens.weight": 64,
  "model.norm.weight": 8,
  "lm_head.weight": 64,
};
for (let l = 0; l < 3; l++) {
  for (const m of ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj"]) {
    SHAPES[`model.layers.${l}.${m}.weight`] = 40 + 7 * l;
  }
  for (const m of ["mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]) SHAPES[`model.layers.${l}.${m}.weight`] = 90 + 13 * l;
  SHAPES[`model.layers.${l}.input_layernorm.weight`] = 8;
}
const N_TOTAL = Object.values(SHAPES).reduce((a, b) => a + b, 0);

// Few distinct values, so most comparisons are ties; includes −0, negatives, tiny and huge.
const VALUES = [-2.5, -1e-30, -0, 0, 0.25, 0.25, 1, 3.4e38, 1e-40];

function randomScores(seed: number): Map<string, Float32Array> {
  const rng = new Xoshiro128(seed);
  const out = new Map<string, Float32Array>();
  for (const [name, numel] of Object.entries(SHAPES)) {
    out.set(
      name,
      Float32Array.from({ length: numel }, () => VALUES[rng.nextBelow53(VALUES.length)]!),
    );
  }
  return out;
}

function sources(scores: Map<string, Float32Array>): ScoreSource[] {
  return [...scores].map(([name, s]) => scoresFromArray(name, s));
}

interface Element {
  name: string;
  index: number;
  score: number;
}

/** The specified total order, by brute-force sort: score, then name, then index. */
function bruteForce(elements: Element[], count: number, lowest: boolean): Map<string, number[]> {
  const sorted = [...elements].sort(
    (a, b) => (lowest ? a.score - b.score : b.score - a.score) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || a.index - b.index,
  );
  return group(sorted.slice(0, count));
}

function group(elements: Element[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const e of elements) out.set(e.name, [...(out.get(e.name) ?? []), e.index]);
  for (const v of out.values()) v.sort((a, b) => a - b);
  return out;
}

function asPlain(sel: Selection): Map<string, number[]> {
  return new Map([...sel.indices].map(([n, v]) => [n, [...v]]));
}

function scopeElements(scores: Map<string, Float32Array>, variant: "mlp" | "all"): Element[][] {
  return variantNamesInLayerOrder(scores.keys(), variant).map((name) =>
    [...scores.get(name)!].map((score, index) => ({ name, index, score })),
  );
}

function sortedEntries(m: Map<string, number[]>) {
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

const KS = [0.01, 0.05, 0.2];

describe("selection vs brute-force full sort (random scores with ties)", () => {
  for (const seed of [1, 2, 3]) {
    for (const variant of ["mlp", "all"] as const) {
      const scores = randomScores(seed);
      const tensors = scopeElements(scores, variant);
      const flat = tensors.flat();
      const nScope = flat.length;

      for (const lowest of [false, true]) {
        it(`top, ${variant}, seed ${seed}, ${lowest ? "bottom" : "top"}`, () => {
          const sels = selectElements({
            sources: sources(scores),
            variant,
            nTotal: N_TOTAL,
            ks: KS,
            method: "top",
            controls: lowest ? [{ kind: "bottom" }] : [],
          }).filter((s) => s.control.kind === (lowest ? "bottom" : "none"));
          expect(sels).toHaveLength(KS.length);
          for (const sel of sels) {
            const n = Math.floor(sel.k * N_TOTAL + 1e-9);
            expect(sel.n).toBe(n);
            expect(sel.count).toBe(n);
            expect(sel.nScope).toBe(nScope);
            expect(sortedEntries(asPlain(sel))).toEqual(sortedEntries(bruteForce(flat, n, lowest)));
          }
        });

        it(`per-matrix, ${variant}, seed ${seed}, ${lowest ? "bottom" : "top"}`, () => {
          const sels = selectElements({
            sources: sources(scores),
            variant,
            nTotal: N_TOTAL,
            ks: KS,
            method: "per-matrix",
            controls: lowest ? [{ kind: "bottom" }] : [],
          }).filter((s) => s.control.kind === (lowest ? "bottom" : "none"));
          for (const sel of sels) {
            // Expected quotas: exact n·N_m/N_scope, floors + largest remainders in name order.
            const byName = [...tensors].sort((a, b) => (a[0]!.name < b[0]!.name ? -1 : 1));
            const exact = byName.map((t) => (sel.n * t.length) / nScope);
            const quotas = exact.map(Math.floor);
            const order = exact.map((q, i) => ({ i, r: q - Math.floor(q) })).sort((a, b) => b.r - a.r || a.i - b.i);
            for (let left = sel.n - quotas.reduce((a, b) => a + b, 0), j = 0; left > 0; left--, j++) quotas[order[j]!.i]!++;
            const expected = new Map<string, number[]>();
            byName.forEach((t, m) => {
              for (const [name, idx] of bruteForce(t, quotas[m]!, lowest)) expected.set(name, idx);
            });
            expect(sel.count).toBe(sel.n);
            expect(sortedEntries(asPlain(sel))).toEqual(sortedEntries(expected));
          }
        });

        it(`chunked, ${variant}, seed ${seed}, ${lowest ? "bottom" : "top"}`, () => {
          const chunkMinimum = 50;
          const sels = selectElements({
            sources: sources(scores),
            variant,
            nTotal: N_TOTAL,
            ks: KS,
            method: "chunked",
            controls: lowest ? [{ kind: "bottom" }] : [],
            chunkMinimum,
          }).filter((s) => s.control.kind === (lowest ? "bottom" : "none"));
          for (const sel of sels) {
            const f = sel.n / nScope;
            const size = Math.max(chunkMinimum, Math.floor(Math.sqrt(nScope / f) + 1e-9));
            const expected: Element[] = [];
            let expectedCount = 0;
            for (let start = 0; start < nScope; start += size) {
              const chunk = flat.slice(start, start + size);
              const take = Math.ceil((sel.n * chunk.length) / nScope - 1e-9);
              expectedCount += take;
              for (const [name, idx] of bruteForce(chunk, take, lowest)) for (const index of idx) expected.push({ name, index, score: 0 });
            }
            expect(sel.count).toBe(expectedCount);
            expect(sel.count).toBeGreaterThanOrEqual(sel.n);
            expect(sortedEntries(asPlain(sel))).toEqual(sortedEntries(group(expected)));
          }
        });
      }
    }
  }

  it("chunked at the real 10⁶ minimum over a 3M-element scope cuts real chunks", () => {
    const rng = new Xoshiro128(9);
    const numel = 1_000_000;
    const scores = new Map<string, Float32Array>();
    for (const m of ["gate_proj", "up_proj", "down_proj"]) {
      scores.set(
        `model.layers.0.mlp.${m}.weight`,
        Float32Array.from({ length: numel }, () => rng.nextBelow53(1000) / 7),
      );
    }
    // n = 4 → f = 4/3e6, c = ⌊√(N/f)⌋ = 1.5e6: two chunks, each giving up ⌈4 · m / N⌉ = 2.
    const [sel] = selectElements({
      sources: sources(scores),
      variant: "mlp",
      nTotal: 3_000_000,
      ks: [4 / 3_000_000 + 1e-12],
      method: "chunked",
      controls: [],
    });
    expect(sel!.n).toBe(4);
    expect(sel!.count).toBe(4);
    const flat = scopeElements(scores, "mlp").flat();
    const expected = [...bruteForce(flat.slice(0, 1_500_000), 2, false), ...bruteForce(flat.slice(1_500_000), 2, false)];
    expect(sortedEntries(asPlain(sel!))).toEqual(
      sortedEntries(group(expected.flatMap(([name, idx]) => idx.map((index) => ({ name, index, score: 0 }))))),
    );
  });
});

describe("n and controls", () => {
  it("n = ⌊k · N_total⌋ exactly, with N_total over all parameters", () => {
    expect(ablationCount(0.01, 260_000, 1e6)).toBe(2600);
    expect(ablationCount(1.6e-4, 8_030_261_248, 8e9)).toBe(1_284_841);
    expect(ablationCount(0.07, 100, 100)).toBe(7); // 0.07 · 100 = 7.000000000000001 in binary
    expect(ablationCount(0.29, 100, 100)).toBe(29); // 0.29 · 100 = 28.999999999999996 in binary
  });

  it("bottom and random masks have the same n and scope as the top mask", () => {
    const scores = randomScores(4);
    for (const method of ["top", "per-matrix", "chunked"] as SelectionMethod[]) {
      const sels = selectElements({
        sources: sources(scores),
        variant: "mlp",
        nTotal: N_TOTAL,
        ks: [0.05, 0.1],
        method,
        chunkMinimum: 40,
        controls: [{ kind: "bottom" }, { kind: "random", seed: 1 }, { kind: "random", seed: 2 }],
      });
      expect(sels).toHaveLength(8);
      for (const k of [0.05, 0.1]) {
        const group = sels.filter((s) => s.k === k);
        const count = group[0]!.count;
        for (const sel of group) {
          expect(sel.count).toBe(count);
          for (const [name, idx] of sel.indices) {
            expect(name).toMatch(/^model\.layers\.\d+\.mlp\.(gate|up|down)_proj\.weight$/);
            expect(idx.every((i, j) => i < scores.get(name)!.length && (j === 0 || idx[j - 1]! < i))).toBe(true);
          }
        }
        const [a, b] = group.filter((s) => s.control.kind === "random");
        expect(asPlain(a!)).not.toEqual(asPlain(b!));
      }
    }
  });

  it("random control is reproducible per seed and roughly uniform", () => {
    const scores = randomScores(5);
    const run = (seed: number) =>
      selectElements({
        sources: sources(scores),
        variant: "all",
        nTotal: N_TOTAL,
        ks: [0.3],
        method: "top",
        controls: [{ kind: "random", seed }],
      })[1]!;
    expect(asPlain(run(7))).toEqual(asPlain(run(7)));
    // Complement path: more than half the scope (k high) still gives exactly n distinct elements.
    const big = selectElements({
      sources: sources(scores),
      variant: "mlp",
      nTotal: N_TOTAL,
      ks: [0.4],
      method: "top",
      controls: [{ kind: "random", seed: 3 }],
    })[1]!;
    expect(big.count).toBe(big.n);
    // Each element is picked with probability p = n / N_scope: check a per-position frequency.
    const hits = new Map<string, number>();
    const trials = 200;
    for (let seed = 0; seed < trials; seed++) {
      for (const [name, idx] of run(seed).indices) for (const i of idx) hits.set(`${name}:${i}`, (hits.get(`${name}:${i}`) ?? 0) + 1);
    }
    const sel = run(0);
    const p = sel.count / sel.nScope;
    const first = [...hits.entries()].filter(([key]) => key.startsWith("model.layers.0.self_attn.q_proj.weight:"));
    const mean = first.reduce((a, [, h]) => a + h, 0) / 40 / trials;
    expect(Math.abs(mean - p)).toBeLessThan(0.05);
  });

  it("bad inputs: k ≤ 0, k ≥ 1, n = 0, n above the scope", () => {
    const scores = sources(randomScores(6));
    const bad = (ks: number[]) => () =>
      selectElements({ sources: scores, variant: "mlp", nTotal: N_TOTAL, ks, method: "top", controls: [] });
    expect(bad([0])).toThrow(BprofError);
    expect(bad([-0.1])).toThrow(/k must be in \(0, 1\)/);
    expect(bad([1])).toThrow(/k must be in \(0, 1\)/);
    expect(bad([1e-9])).toThrow(/selects no parameter/);
    expect(bad([0.9])).toThrow(/scope holds only/);
    expect(bad([])).toThrow(BprofError);
  });

  it("non-finite scores are refused, naming the tensor", () => {
    const scores = randomScores(7);
    scores.get("model.layers.1.mlp.up_proj.weight")![5] = NaN;
    expect(() =>
      selectElements({ sources: sources(scores), variant: "mlp", nTotal: N_TOTAL, ks: [0.01], method: "top", controls: [] }),
    ).toThrow(/model\.layers\.1\.mlp\.up_proj\.weight at flat index 5 is NaN/);
  });

  it("apportion sums exactly and follows the quotas", () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(7, [5, 3, 2]).reduce((a, b) => a + b)).toBe(7);
  });
});
