import { describe, expect, it } from "vitest";
import { BprofError } from "../../src/errors.js";
import { abilityImpactScore } from "../../src/stats/ais.js";
import { mean } from "../../src/stats/bootstrap.js";
import { computeProfile } from "../../src/stats/compute-profile.js";
import { ProfileSchema } from "../../src/stats/profile-schema.js";
import { NOT_POSSESSED, syntheticProfileInput } from "../helpers/synthetic-profile.js";

describe("computeProfile", () => {
  const input = syntheticProfileInput();
  const profile = computeProfile(input);

  it("validates against the profile.json schema", () => {
    const parsed = ProfileSchema.safeParse(JSON.parse(JSON.stringify(profile)));
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it("reports every AIS as recomputed from the per-item scores", () => {
    for (const ab of input.ablated) {
      const bench = input.benchmarks.find((b) => b.name === ab.benchmark)!;
      const base = mean(bench.base.values);
      const expected = abilityImpactScore(base, mean(ab.scores.values), bench.chance, 0.02).ais;
      const cell = profile.cells.find(
        (c) =>
          c.benchmark === ab.benchmark &&
          c.ability === ab.ability &&
          c.variant === ab.variant &&
          c.k === ab.k &&
          c.control === ab.control &&
          c.seed === ab.seed,
      )!;
      if (expected === null) expect(cell.ais).toBeNull();
      else expect(cell.ais).toBeCloseTo(expected, 12);
    }
    expect(profile.cells.length).toBe(input.ablated.length);
  });

  it("explains undefined cells of a benchmark at chance", () => {
    const nearChance = profile.cells.filter((c) => c.benchmark === "winogrande-near-chance");
    expect(nearChance.length).toBeGreaterThan(0);
    for (const c of nearChance) {
      expect(c.ais).toBeNull();
      expect(c.ais_ci).toBeNull();
      expect(c.dependence).toBe(c.ability === NOT_POSSESSED ? "not-possessed" : "untested");
      expect(c.undefined_reason).toMatch(/near chance|below chance/);
    }
  });

  it("flags the strong planted dependences and attaches a band from three seeds", () => {
    const cell = profile.cells.find(
      (c) => c.benchmark === "gsm8k" && c.ability === "quantitative" && c.variant === "mlp" && c.k === 1e-2 && c.control === "none",
    )!;
    expect(cell.ais!).toBeGreaterThan(0.6);
    expect(cell.null_band?.n_seeds).toBe(3);
    expect(cell.dependence).toBe("depends");
    const none = profile.cells.find(
      (c) => c.benchmark === "hellaswag" && c.ability === "deductive" && c.variant === "mlp" && c.k === 1e-2 && c.control === "none",
    )!;
    expect(none.dependence).toBe("none");
    const interference = profile.cells.find(
      (c) =>
        c.benchmark === "truthfulqa-mc2" &&
        c.ability === "commonsense-causal" &&
        c.variant === "all" &&
        c.k === 1e-2 &&
        c.control === "none",
    )!;
    expect(interference.ais!).toBeLessThan(0);
    expect(interference.dependence).toBe("interferes");
    for (const c of profile.cells.filter((x) => x.control === "random")) expect(c.dependence).toBe("untested");
  });

  it("builds a diagonal-dominant selectivity matrix and the overlap per (variant, k)", () => {
    expect(profile.selectivity).toHaveLength(6);
    const s = profile.selectivity!.find((x) => x.variant === "mlp" && x.k === 1e-2)!;
    expect(s.abilities).toEqual(input.abilities.map((a) => a.id));
    expect(s.index!).toBeGreaterThan(0.3);
    expect(profile.overlap).toHaveLength(6);
    const o = profile.overlap[0]!;
    o.jaccard.forEach((row, i) => row.forEach((v, j) => expect(v).toBe(o.jaccard[j]![i])));
    expect(o.jaccard[0]![0]).toBe(1);
    expect(profile.masks).toHaveLength(input.masks.length);
    for (const m of profile.masks) expect(m.layer_share.reduce((a, b) => a + b.share, 0) + m.other_share).toBeCloseTo(1, 12);
  });

  it("is deterministic and independent of input order", () => {
    const shuffled = { ...input, ablated: [...input.ablated].reverse(), masks: [...input.masks].reverse() };
    expect(JSON.stringify(computeProfile(shuffled))).toBe(JSON.stringify(profile));
  });

  it("has no selectivity without a self-profile", () => {
    expect(computeProfile(syntheticProfileInput({ selfProfile: false })).selectivity).toBeNull();
  });

  it("rejects ablated scores on other items than the base", () => {
    const bad = syntheticProfileInput({ selfProfile: false, kValues: [1e-3] });
    const first = bad.ablated[0]!;
    first.scores = { ids: [...first.scores.ids.slice(1), "stranger"], values: first.scores.values };
    expect(() => computeProfile(bad)).toThrow(BprofError);
    expect(() => computeProfile(bad)).toThrow(/item 'stranger' was not scored on the base model/);
    const unknown = syntheticProfileInput({ selfProfile: false, kValues: [1e-3] });
    unknown.ablated[0]!.ability = "telepathy";
    expect(() => computeProfile(unknown)).toThrow(/unknown ability 'telepathy'/);
  });
});
