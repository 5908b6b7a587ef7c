import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Profile } from "../../src/stats/profile-schema.js";
import { loadProfile } from "../../src/report/load-profile.js";
import { requireShared, sharedPath } from "../helpers/shared.js";
import { ROOT, bprof } from "./profile-fixture.js";

/**
 * The competence gate on a model that has none of the abilities: stories260K, a 260k-parameter
 * model of children's stories, answers the probes' multiple-choice questions at chance. Every
 * ability must come out not possessed, with its accuracy, and none may appear as a dependence
 * in profile.json, report.md or report.html.
 */
describe.skipIf(!requireShared("competence gate on stories260K"))("competence gate on stories260K", () => {
  const tmp = mkdtempSync(join(tmpdir(), "bprof-gate-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const run = join(tmp, "run");
  let profile: Profile;

  beforeAll(() => {
    const r = bprof(
      "profile",
      "--model",
      sharedPath("models/stories260K/stories260K.bin"),
      "--tokenizer",
      sharedPath("models/stories260K/tok512.bin"),
      "--abilities",
      "analogical,commonsense-causal,deductive",
      "--benchmarks",
      join(ROOT, "benchmarks/samples/story_words.yaml"),
      "--limit",
      "60",
      "--controls",
      "random:2",
      "--bootstrap",
      "200",
      "--quiet",
      "--out",
      run,
    );
    expect(r.code, r.stderr).toBe(0);
    profile = loadProfile(join(run, "profile.json"));
  }, 600_000);

  it("marks every ability not possessed, with its accuracy, interval and reason", () => {
    const c = profile.competence!;
    expect(c.enabled).toBe(true);
    expect(c.abilities.map((a) => a.ability)).toEqual(["analogical", "commonsense-causal", "deductive"]);
    for (const a of c.abilities) {
      expect(a.n_items).toBe(60);
      expect(a.possessed).toBe(false);
      expect(a.accuracy).toBeGreaterThanOrEqual(0);
      expect(a.accuracy).toBeLessThan(0.45);
      expect(a.ci[0]).toBeLessThanOrEqual(a.chance + c.margin);
      expect(a.reason).toContain(`test accuracy ${a.accuracy.toFixed(3)}`);
    }
    console.log(
      `[gate] stories260K: ${c.abilities.map((a) => `${a.ability} ${a.accuracy.toFixed(3)} [${a.ci[0].toFixed(3)}, ${a.ci[1].toFixed(3)}]`).join("; ")}`,
    );
    // Without --self-profile the test splits are scored on the base model only: no such benchmarks.
    expect(profile.benchmarks.map((b) => b.name)).toEqual(["sample_story_words"]);
  });

  it("lists no not-possessed ability as a dependence in profile.json, report.md or report.html", () => {
    const abilityCells = profile.cells.filter((c) => c.ability !== null && c.control !== "random");
    expect(abilityCells.length).toBeGreaterThan(0);
    for (const c of abilityCells) expect(c.dependence).toBe("not-possessed");
    expect(profile.slices.slices).toEqual([]);
    const md = readFileSync(join(run, "report.md"), "utf8");
    expect(md).not.toMatch(/\] ▲/); // no cell flagged as a dependence (the legend names the flag)
    expect(md).not.toMatch(/depends on/);
    expect(md).toContain("Abilities the model does not possess");
    const page = readFileSync(join(run, "report.html"), "utf8");
    expect(page).not.toMatch(/class="cell depends/);
    expect(page).not.toMatch(/<li class="depends">/);
    const summary = page.slice(page.indexOf('<section id="summary">'), page.indexOf("</section>", page.indexOf('<section id="summary">')));
    expect(summary).not.toMatch(/depends on/);
    expect(summary).toContain("Not possessed");
  });
});
