import { describe, expect, it } from "vitest";
import { abilityImpactScore } from "../../src/stats/ais.js";
import {
  mean,
  pairedAisInterval,
  percentileInterval,
  planBootstrap,
  quantileSorted,
  resampledMeans,
  type BootstrapPlan,
} from "../../src/stats/bootstrap.js";
import { createRng } from "../../src/util/prng.js";

describe("bootstrap plan", () => {
  it("is deterministic per (seed, stream) and differs between streams and seeds", () => {
    const a = planBootstrap(50, 20, 7, "arc");
    expect(planBootstrap(50, 20, 7, "arc").indices).toEqual(a.indices);
    expect(planBootstrap(50, 20, 7, "hellaswag").indices).not.toEqual(a.indices);
    expect(planBootstrap(50, 20, 8, "arc").indices).not.toEqual(a.indices);
    expect(Math.max(...a.indices)).toBeLessThan(50);
    expect(a.indices.length).toBe(1000);
  });

  it("resamples with the plan's indices (hand-computed)", () => {
    const plan: BootstrapPlan = { nItems: 3, samples: 2, indices: Uint32Array.from([0, 0, 1, 2, 2, 2]) };
    expect([...resampledMeans(plan, [1, 0, 1])]).toEqual([2 / 3, 1]);
  });

  it("draws items uniformly", () => {
    const plan = planBootstrap(4, 25_000, 1, "u");
    const counts = [0, 0, 0, 0];
    for (const i of plan.indices) counts[i]!++;
    for (const c of counts) expect(Math.abs(c / 25_000 - 1)).toBeLessThan(0.02);
  });
});

describe("percentile intervals", () => {
  it("uses linear-interpolation quantiles", () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    const hundred = Array.from({ length: 101 }, (_, i) => 100 - i);
    const [lo, hi] = percentileInterval(hundred, 0.95);
    expect(lo).toBeCloseTo(2.5, 12);
    expect(hi).toBeCloseTo(97.5, 12);
  });

  it("gives the paired AIS interval (hand-computed, confidence 0.5)", () => {
    // AIS per resample: .3/.55, .1/.35, .2/.45, .4/.65 → sorted .2857, .4444, .5455, .6154
    const { ci, undefinedResamples } = pairedAisInterval(
      Float64Array.from([0.8, 0.6, 0.7, 0.9]),
      Float64Array.from([0.5, 0.5, 0.5, 0.5]),
      0.25,
      0.02,
      0.5,
    );
    expect(undefinedResamples).toBe(0);
    const s = [0.1 / 0.35, 0.2 / 0.45, 0.3 / 0.55, 0.4 / 0.65];
    expect(ci![0]).toBeCloseTo(s[0]! + 0.75 * (s[1]! - s[0]!), 12);
    expect(ci![1]).toBeCloseTo(s[2]! + 0.25 * (s[3]! - s[2]!), 12);
  });

  it("counts near-chance resamples as unbounded on both sides", () => {
    const base = Float64Array.from([0.26, 0.8, 0.8, 0.8]);
    const ablated = Float64Array.from([0.5, 0.5, 0.5, 0.5]);
    const wide = pairedAisInterval(base, ablated, 0.25, 0.02, 0.5);
    expect(wide.undefinedResamples).toBe(1);
    expect(wide.ci).toBeNull();
    // With a 20% interval the 40% and 60% quantiles stay clear of the one undefined resample.
    const narrow = pairedAisInterval(base, ablated, 0.25, 0.02, 0.2);
    expect(narrow.ci).not.toBeNull();
    expect(narrow.ci![0]).toBeCloseTo(0.3 / 0.55, 12);
  });
});

describe("paired bootstrap", () => {
  it("gives a zero-width interval when the ablation changes nothing", () => {
    const values = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 0 : 1));
    const plan = planBootstrap(40, 200, 3, "same");
    const means = resampledMeans(plan, values);
    expect(pairedAisInterval(means, resampledMeans(plan, values), 0.25, 0.02, 0.95).ci).toEqual([0, 0]);
  });

  it("is narrower than an unpaired bootstrap when items differ in difficulty", () => {
    const rng = createRng(11, "difficulty");
    const n = 300;
    const base: number[] = [];
    const ablated: number[] = [];
    for (let i = 0; i < n; i++) {
      const correct = rng.nextBelow(100) < 70 ? 1 : 0;
      base.push(correct);
      // The ablation flips one correct item in five to wrong, nothing else.
      ablated.push(correct === 1 && rng.nextBelow(5) === 0 ? 0 : correct);
    }
    const plan = planBootstrap(n, 1000, 0, "p");
    const other = planBootstrap(n, 1000, 0, "q");
    const paired = pairedAisInterval(resampledMeans(plan, base), resampledMeans(plan, ablated), 0.25, 0.02, 0.95).ci!;
    const unpaired = pairedAisInterval(resampledMeans(plan, base), resampledMeans(other, ablated), 0.25, 0.02, 0.95).ci!;
    expect(paired[1] - paired[0]).toBeLessThan(0.6 * (unpaired[1] - unpaired[0]));
  });

  it("covers the true AIS about 95% of the time (simulation)", () => {
    // Items: base correct with p 0.7; the ablation makes a correct item wrong with p 2/7,
    // so the ablated accuracy is 0.5 and the true AIS is (0.7 − 0.5) / (0.7 − 0.25) = 4/9.
    const truth = 0.2 / 0.45;
    const rng = createRng(5, "coverage");
    const datasets = 200;
    const n = 200;
    let covered = 0;
    for (let d = 0; d < datasets; d++) {
      const base = new Float64Array(n);
      const ablated = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        base[i] = rng.nextBelow(1000) < 700 ? 1 : 0;
        ablated[i] = base[i] === 1 && rng.nextBelow(7) >= 2 ? 1 : 0;
      }
      expect(abilityImpactScore(mean(base), mean(ablated), 0.25, 0.02).ais).not.toBeNull();
      const plan = planBootstrap(n, 400, d, "coverage");
      const ci = pairedAisInterval(resampledMeans(plan, base), resampledMeans(plan, ablated), 0.25, 0.02, 0.95).ci!;
      if (ci[0] <= truth && truth <= ci[1]) covered++;
    }
    expect(covered / datasets).toBeGreaterThan(0.88);
    expect(covered / datasets).toBeLessThan(0.99);
  });
});
