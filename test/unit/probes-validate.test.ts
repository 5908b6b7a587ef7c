import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { GENERATORS } from "../../src/probes/generators/index.js";
import { defaultProbesDir } from "../../src/probes/paths.js";
import { validateProbeDir } from "../../src/probes/validate.js";
import { loadProbeSet } from "../../src/probes/load.js";

const ROOT = resolve(import.meta.dirname, "../..");

describe("the committed probes", () => {
  const validation = validateProbeDir(defaultProbesDir());

  it("validate with no problems", () => {
    expect(validation.problems).toEqual([]);
    expect(validation.abilities.map((a) => a.ability).sort()).toEqual(GENERATORS.map((g) => g.ability).sort());
  });

  it("have at least 2000 / 200 / 500 items, exactly balanced gold, a quarter of test held out", () => {
    for (const a of validation.abilities) {
      expect(a.counts.train, a.ability).toBeGreaterThanOrEqual(2000);
      expect(a.counts.dev, a.ability).toBeGreaterThanOrEqual(200);
      expect(a.counts.test, a.ability).toBeGreaterThanOrEqual(500);
      for (const share of a.goldShares) expect(share).toBeCloseTo(0.25, 10);
      expect(a.heldOutTestShare).toBeGreaterThanOrEqual(0.2);
      expect(a.heldOutTestShare).toBeLessThanOrEqual(0.3);
    }
  });

  it("have four options, held-out items only in test, and stay short enough for a small model", () => {
    for (const { ability } of GENERATORS) {
      const set = loadProbeSet(defaultProbesDir(), ability);
      for (const item of [...set.train, ...set.dev]) expect(item.meta?.heldOut, item.id).toBeUndefined();
      const templatesInTrain = new Set(set.train.map((i) => i.meta?.template));
      const heldOut = set.test.filter((i) => i.meta?.heldOut === true);
      for (const item of heldOut) {
        expect(["template", "entities"]).toContain(item.meta?.heldOutBy);
        if (item.meta?.heldOutBy === "template") expect(templatesInTrain.has(item.meta?.template), item.id).toBe(false);
      }
      expect(templatesInTrain.size, `${ability}: surface templates in train`).toBeGreaterThanOrEqual(8);
      const all = [...set.train, ...set.dev, ...set.test];
      const lengths = all.map((i) => (i.context ?? "").length + i.question.length + i.options.join(" ").length).sort((a, b) => a - b);
      expect(lengths[Math.floor(lengths.length * 0.95)], `${ability}: 95th percentile length`).toBeLessThanOrEqual(350);
      for (const item of all) expect(item.options).toHaveLength(4);
    }
  });

  it("bprof probes validate prints the summary table and exits 0", () => {
    const out = execFileSync("npx", ["tsx", "src/cli/main.ts", "probes", "validate"], { cwd: ROOT, encoding: "utf8" });
    expect(out).toMatch(/deductive\s+2000\s+200\s+500\s+25\.0 \/ 25\.0 \/ 25\.0 \/ 25\.0\s+25\.0/);
    expect(out).toContain("ok: 10 abilities");
  });
});
