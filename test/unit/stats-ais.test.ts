import { describe, expect, it } from "vitest";
import { abilityImpactScore } from "../../src/stats/ais.js";

describe("abilityImpactScore", () => {
  it("is the drop over the margin above chance", () => {
    // (0.8 − 0.5) / (0.8 − 0.25) = 0.3 / 0.55
    expect(abilityImpactScore(0.8, 0.5, 0.25, 0.02).ais).toBeCloseTo(0.3 / 0.55, 12);
  });

  it("is exactly 1 when the ablation takes the model down to chance, 0 when nothing changes", () => {
    expect(abilityImpactScore(0.75, 0.25, 0.25, 0.02).ais).toBe(1);
    expect(abilityImpactScore(0.75, 0.75, 0.25, 0.02).ais).toBe(0);
  });

  it("is negative when the ablation helps (interference), not clipped", () => {
    // (0.6 − 0.7) / (0.6 − 0.2) = −0.25
    expect(abilityImpactScore(0.6, 0.7, 0.2, 0.02).ais).toBeCloseTo(-0.25, 12);
  });

  it("exceeds 1 when the ablated model falls below chance, not clipped", () => {
    // (0.5 − 0.1) / (0.5 − 0.25) = 1.6
    expect(abilityImpactScore(0.5, 0.1, 0.25, 0.02).ais).toBeCloseTo(1.6, 12);
  });

  it("is undefined with a reason near chance, at chance and below it", () => {
    const near = abilityImpactScore(0.26, 0.2, 0.25, 0.02);
    expect(near.ais).toBeNull();
    expect(near.reason).toMatch(/near chance/);
    expect(near.reason).toMatch(/0\.2600/);
    const below = abilityImpactScore(0.2, 0.1, 0.25, 0.02);
    expect(below.ais).toBeNull();
    expect(below.reason).toMatch(/below chance/);
    // A zero threshold still never divides by zero.
    expect(abilityImpactScore(0.25, 0.1, 0.25, 0).ais).toBeNull();
  });

  it("is defined exactly at the margin", () => {
    expect(abilityImpactScore(0.5, 0.375, 0.25, 0.25).ais).toBe(0.5);
    expect(abilityImpactScore(0.5, 0.375, 0.25, 0.2500001).ais).toBeNull();
  });
});
