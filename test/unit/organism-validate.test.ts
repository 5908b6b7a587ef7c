import { describe, expect, it } from "vitest";
import { formatValidation, pearson, validationOf } from "../../src/organism/validate.js";
import type { Profile } from "../../src/stats/profile-schema.js";

const abilities = ["a", "b", "c", "d"];
const accuracy: Record<string, number> = { a: 0.85, b: 0.65, c: 0.95, d: 0.75 };

/** A profile whose AIS values are given; self-profile rows carry the per-ability accuracies. */
function fakeProfile(planted: { name: string; base: number; ais: Record<string, number | null>; random: number[] }[]): Profile {
  const cell = (benchmark: string, ability: string | null, ais: number | null, control: "none" | "random", seed: number | null) => ({
    benchmark,
    ability,
    variant: "mlp",
    k: 0.01,
    control,
    seed,
    ais,
  });
  return {
    run: { model: { name: "fake" }, options: { loss_scope: "full", aggregate: "signed-sum", score: "taylor", method: "top" } },
    abilities: abilities.map((id) => ({ id, name: id })),
    benchmarks: [
      ...planted.map((p) => ({ name: p.name, chance: 0.25, base_score: p.base, self_ability: null })),
      ...abilities.map((a) => ({ name: `probes/${a}/test`, chance: 0.25, base_score: accuracy[a]!, self_ability: a })),
    ],
    cells: planted.flatMap((p) => [
      ...Object.entries(p.ais).map(([a, x]) => cell(p.name, a, x, "none", null)),
      ...p.random.map((x, seed) => cell(p.name, null, x, "random", seed)),
    ]),
    selectivity: [{ variant: "mlp", k: 0.01, abilities, matrix: [], index_abilities: abilities, index: 0.42 }],
    competence: null,
    slices: { random_masks: 2, skipped: [], slices: [], items: [] },
  } as unknown as Profile;
}

describe("bprof validate figures", () => {
  it("compute the expected profile, Pearson r, top match, selectivity and random |AIS|", () => {
    const mixtures = new Map([
      ["p1", { mixture: { a: 1 }, sources: new Map<string, string>() }],
      ["p2", { mixture: { b: 0.5, c: 0.5 }, sources: new Map<string, string>() }],
    ]);
    const profile = fakeProfile([
      { name: "p1", base: 0.85, ais: { a: 0.9, b: 0.1, c: 0, d: -0.05 }, random: [0.02, -0.04] },
      { name: "p2", base: 0.8, ais: { a: 0.3, b: 0.2, c: 0.6, d: null }, random: [0.01, 0.03] },
    ]);
    const v = validationOf(profile, mixtures, "mlp", 0.01, "/runs/x");
    const [p1, p2] = v.benchmarks;
    expect(p1!.expected).toEqual({ a: 1, b: 0, c: 0, d: 0 });
    expect(p2!.expected.b).toBeCloseTo((0.5 * 0.4) / 0.55);
    expect(p2!.expected.c).toBeCloseTo((0.5 * 0.7) / 0.55);
    expect(p1!.top_match).toBe(true);
    expect(p2!.top).toEqual(["a", "c"]);
    expect(p2!.top_match).toBe(false);
    expect(p1!.pearson).toBeCloseTo(pearson([0.9, 0.1, 0, -0.05], [1, 0, 0, 0])!);
    expect(p2!.pearson).toBeCloseTo(pearson([0.3, 0.2, 0.6], [0, p2!.expected.b!, p2!.expected.c!])!); // d undefined: left out
    expect(v.top_match_share).toBe(0.5);
    expect(v.selectivity).toBe(0.42);
    expect(v.random_abs_ais).toBeCloseTo((0.03 + 0.02) / 2);
    expect(v.pearson_mean).toBeCloseTo((p1!.pearson! + p2!.pearson!) / 2);
    expect(v.ability_accuracy.c).toEqual({ acc: 0.95, chance: 0.25 });
    expect(formatValidation(v)).toContain("top match share      50%");
    expect(v.possessed).toEqual(abilities);
    expect(v.counted_benchmarks).toBe(2);
  });

  it("Pearson r is 1 for a positive linear relation and undefined for a constant side", () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(pearson([1, 2], [1, 2])).toBeNull();
  });
});

describe("the options table", () => {
  it("has the defaults, the other contrasts, the paper preset, signed-sum, variant all, the former defaults and the k around the default, pickable by name", async () => {
    const { optionsRows, pickRows } = await import("../../src/organism/options-table.js");
    expect(optionsRows().map((r) => r.name)).toEqual([
      "defaults",
      "contrast-ratio",
      "contrast-none",
      "paper",
      "signed-sum",
      "variant-all",
      "signed-sum-none",
      "k-1e-3",
      "k-1e-2",
      "k-2e-2",
      "k-8e-2",
      "k-1.6e-1",
    ]);
    expect(pickRows(["k-1e-3", "defaults"]).map((r) => r.name)).toEqual(["defaults", "k-1e-3"]);
    expect(() => pickRows(["fast"])).toThrow(/unknown options-table row 'fast'/);
  });

  it("prints one Markdown row per option set, with the four targets judged together", async () => {
    const { formatOptionsTable } = await import("../../src/organism/options-table.js");
    const base = {
      model: "m",
      variant: "mlp",
      k: 0.01,
      options: {
        loss_scope: "answer",
        aggregate: "signed-sum",
        score: "taylor",
        method: "top",
        contrast: "ratio",
        preset: null,
        gate: true,
      },
      pearson_mean: 0.85,
      top_match_share: 1,
      selectivity: 0.4,
      random_abs_ais: 0.02,
      possessed: ["a", "b"],
      not_possessed: [],
      counted_benchmarks: 3,
      planted_benchmarks: 4,
      slice_purity: 0.9,
      ability_accuracy: {},
      benchmarks: [],
      run_dir: "/r",
    };
    const text = formatOptionsTable([
      { flags: "(defaults)", validation: base, seconds: 61.2 },
      { flags: "--contrast none", validation: { ...base, selectivity: 0.1 }, seconds: 30 },
    ]);
    const lines = text.trim().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe(
      "| `(defaults)` | answer | signed-sum | top | ratio | mlp | 0.01 | 2 | 3 of 4 | 0.85 | 3 of 3 | 0.400 | 0.020 | 0.90 | yes | 61 s |",
    );
    expect(lines[3]).toContain("| 0.100 |");
    expect(lines[3]).toContain("| no |");
  });
});
