import { describe, expect, it } from "vitest";
import { BprofError } from "../../src/errors.js";
import { computeProfile } from "../../src/stats/compute-profile.js";
import { competenceOf, possessedAbilities } from "../../src/stats/competence-gate.js";
import { ProfileSchema } from "../../src/stats/profile-schema.js";
import { renderProfileHtml } from "../../src/report/html-report.js";
import { renderProfileMarkdown } from "../../src/report/markdown-report.js";
import { NOT_POSSESSED, syntheticProfileInput } from "../helpers/synthetic-profile.js";

const gateOptions = { enabled: true, margin: 0.05, confidence: 0.95, bootstrapSamples: 500, seed: 0 };

/** n items of which `correct` are right, as per-item accuracy. */
function split(ability: string, n: number, correct: number) {
  const ids = Array.from({ length: n }, (_, i) => `${ability}-${i}`);
  return { ability, benchmark: `probes/${ability}/test`, chance: 0.25, scores: { ids, values: ids.map((_, i) => (i < correct ? 1 : 0)) } };
}

describe("competence gate", () => {
  it("marks an ability possessed only when the lower end of its interval clears chance + margin", () => {
    const c = competenceOf([split("strong", 200, 160), split("chance", 200, 52), split("borderline", 200, 64)], gateOptions);
    const [strong, atChance, borderline] = c.abilities;
    expect(strong!.accuracy).toBe(0.8);
    expect(strong!.possessed).toBe(true);
    expect(strong!.reason).toBeNull();
    expect(strong!.ci[0]).toBeGreaterThan(0.7);
    expect(atChance!.accuracy).toBe(0.26);
    expect(atChance!.possessed).toBe(false);
    expect(atChance!.reason).toMatch(/test accuracy 0\.260/);
    expect(atChance!.reason).toMatch(/chance 0\.250 \+ 0\.05 = 0\.300/);
    // 0.32 is above chance + 0.05, but its interval's lower end is not.
    expect(borderline!.accuracy).toBe(0.32);
    expect(borderline!.ci[0]).toBeLessThan(0.3);
    expect(borderline!.possessed).toBe(false);
  });

  it("with the gate off records the accuracies and treats every ability as possessed", () => {
    const c = competenceOf([split("chance", 100, 25)], { ...gateOptions, enabled: false });
    expect(c.abilities[0]!.clears_gate).toBe(false);
    expect(c.abilities[0]!.possessed).toBe(true);
    expect(possessedAbilities(c, ["chance"]).has("chance")).toBe(true);
    expect(possessedAbilities(null, ["a", "b"])).toEqual(new Set(["a", "b"]));
  });

  it("keeps a not-possessed ability out of every dependence and out of the selectivity index", () => {
    const profile = ProfileSchema.parse(computeProfile(syntheticProfileInput()));
    const record = profile.competence!.abilities.find((a) => a.ability === NOT_POSSESSED)!;
    expect(record.possessed).toBe(false);
    expect(record.accuracy).toBeLessThan(0.35);
    expect(profile.competence!.abilities.filter((a) => a.possessed)).toHaveLength(4);
    const cells = profile.cells.filter((c) => c.ability === NOT_POSSESSED);
    expect(cells.length).toBeGreaterThan(0);
    for (const c of cells) expect(c.dependence).toBe("not-possessed");
    // Its AIS is still measured and reported.
    expect(cells.some((c) => c.ais !== null)).toBe(true);
    for (const s of profile.selectivity!) {
      expect(s.abilities).toContain(NOT_POSSESSED);
      expect(s.index_abilities).not.toContain(NOT_POSSESSED);
    }
    expect(profile.slices.slices.some((s) => s.ability === NOT_POSSESSED)).toBe(false);
  });

  it("--no-gate leaves every ability in play", () => {
    const profile = computeProfile(syntheticProfileInput({ gate: false }));
    expect(profile.competence!.enabled).toBe(false);
    expect(profile.cells.some((c) => c.dependence === "not-possessed")).toBe(false);
    expect(profile.selectivity![0]!.index_abilities).toContain(NOT_POSSESSED);
  });

  it("records the gate without a self-profile (test splits on the base model only)", () => {
    const input = syntheticProfileInput({ selfProfile: false });
    const profile = ProfileSchema.parse(computeProfile(input));
    expect(profile.selectivity).toBeNull();
    expect(profile.benchmarks.some((b) => b.self_ability !== null)).toBe(false);
    expect(profile.competence!.abilities.map((a) => a.ability)).toEqual(input.abilities.map((a) => a.id));
    expect(profile.cells.filter((c) => c.ability === NOT_POSSESSED).every((c) => c.dependence === "not-possessed")).toBe(true);
  });

  it("refuses a profile whose gate is on but whose test splits were never scored", () => {
    const input = { ...syntheticProfileInput(), gate: [] };
    expect(() => computeProfile(input)).toThrow(BprofError);
  });

  it("never shows a not-possessed ability as a dependence in report.md or report.html", () => {
    const profile = computeProfile(syntheticProfileInput());
    const name = profile.abilities.find((a) => a.id === NOT_POSSESSED)!.name;
    const md = renderProfileMarkdown(profile);
    const page = renderProfileHtml(profile);
    expect(md).toContain("not possessed");
    expect(page).toContain("not possessed");
    // The findings list dependences by ability name: the not-possessed one is never among them.
    const findings = page.slice(page.indexOf('id="findings-0"'), page.indexOf("</figure>", page.indexOf('id="findings-0"')));
    expect(findings).not.toContain(name);
    // The Markdown dependences section names no not-possessed ability either.
    const dependences = md.slice(md.indexOf("## Dependences"), md.indexOf("\n## ", md.indexOf("## Dependences") + 3));
    const listed = dependences.split("\n").filter((l) => l.startsWith("- **"));
    expect(listed.length).toBeGreaterThan(0);
    for (const line of listed) expect(line).not.toContain(name);
    // It is named only in the note that says it is not possessed.
    expect(dependences).toMatch(/Abilities the model does not possess/);
  });
});
