import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readManifest, readPlan } from "../../src/profile/run-manifest.js";
import { loadProfile } from "../../src/report/load-profile.js";
import type { Profile } from "../../src/stats/profile-schema.js";
import { ROOT, bprof, makeTinyRun, stageDirsWithoutMarker, type TinyRun } from "./profile-fixture.js";
import Ajv from "ajv";

const tmp = mkdtempSync(join(tmpdir(), "bprof-profile-e2e-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The per-item log of one evaluation: item id → score of the benchmark's metric. */
function itemScores(runDir: string, evalDir: string, metric: string): Map<string, number> {
  const lines = readFileSync(join(runDir, evalDir, "samples.jsonl"), "utf8")
    .trim()
    .split("\n");
  return new Map(lines.map((l) => JSON.parse(l) as { id: string; scores: Record<string, number> }).map((s) => [s.id, s.scores[metric]!]));
}

describe("bprof profile end to end on a tiny model", () => {
  let tiny: TinyRun;
  const run = join(tmp, "run");
  let profile: Profile;
  let first: ReturnType<typeof bprof>;

  beforeAll(async () => {
    tiny = await makeTinyRun(join(tmp, "fixture"));
    first = bprof("profile", ...tiny.args, "--out", run);
    expect(first.code, first.stderr).toBe(0);
    profile = loadProfile(join(run, "profile.json"));
  });

  it("writes a profile.json that validates, with the reports, and a manifest with timings", () => {
    expect(first.stdout).toMatch(
      /profile of tiny: 4 benchmarks × 2 abilities, 24 cells \(\d+ with a defined AIS\); 36 stages computed, 0 reused/,
    );
    for (const f of ["profile.csv", "report.md", "report.html", "plan.json", "manifest.json"])
      expect(existsSync(join(run, f)), f).toBe(true);
    expect(profile.benchmarks.map((b) => b.name)).toEqual([
      "favourite",
      "sample_story_words",
      "probes/analogical/test",
      "probes/inductive/test",
    ]);
    expect(profile.benchmarks.map((b) => b.self_ability)).toEqual([null, null, "analogical", "inductive"]);
    expect(profile.run.timings).toBeUndefined();
    expect(profile.selectivity).not.toBeNull();
    expect(profile.overlap).toHaveLength(1);
    expect(profile.masks).toHaveLength(2 * 2 + 2);
    // profile.schema.json beside it, generated from the zod schema, validates the real file.
    const validate = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync(join(run, "profile.schema.json"), "utf8")) as object);
    expect(validate(JSON.parse(readFileSync(join(run, "profile.json"), "utf8"))), JSON.stringify(validate.errors)).toBe(true);
    const manifest = readManifest(run);
    expect(manifest.status).toBe("complete");
    expect(Object.keys(manifest.stage_seconds)).toHaveLength(36);
    expect(manifest.timings.evaluation).toBeGreaterThan(0);
    expect(manifest.timings.importance).toBeGreaterThan(0);
    expect(stageDirsWithoutMarker(run)).toEqual([]);
  });

  it("reports progress on stderr as timestamped lines when stderr is not a terminal, stage by stage", () => {
    const lines = first.stderr.trim().split("\n");
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /);
    const text = first.stderr;
    expect(text).toMatch(/unit 1\/\d+: base/);
    expect(text).toMatch(/importance analogical: \d+ tokens in \d+s/);
    expect(text).toMatch(/eval inductive\.mlp-k0\.01-top-difference\.bottom: \d+\/\d+ items \(\d+%\), [\d.]+ items\/s, ETA /);
    expect(text).toMatch(/statistics \(200 bootstrap resamples\) and reports/);
  });

  it.skipIf(spawnSync("which", ["script"]).status !== 0)("draws a bar with the ETA per stage on a terminal", () => {
    // util-linux `script` runs the command on a pseudo-terminal.
    const command = [
      process.execPath,
      "--import",
      "tsx",
      join(ROOT, "src/cli/main.ts"),
      "profile",
      ...tiny.args,
      "--out",
      join(tmp, "tty-run"),
    ]
      .map((a) => `'${a}'`)
      .join(" ");
    const r = spawnSync("script", ["-qec", command, "/dev/null"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/\r\[#* *\] eval base: \d+\/\d+ items \(\d+%\), [\d.]+ items\/s, ETA /);
    expect(r.stdout).toMatch(/\rimportance inductive: \d+ tokens in \d+s\x1b\[K\r?\n/);
    expect(r.stdout).not.toMatch(/^\d{4}-\d\d-\d\dT/m);
  });

  it("every AIS equals the one recomputed from the per-item logs in the run directory", () => {
    const plan = readPlan(run);
    const margin = profile.run.options.statistics.min_margin;
    let defined = 0;
    for (const cell of profile.cells) {
      const bench = plan.benchmarks.find((b) => b.name === cell.benchmark)!;
      const mask = plan.masks.find(
        (m) =>
          m.ability === cell.ability && m.variant === cell.variant && m.k === cell.k && m.control === cell.control && m.seed === cell.seed,
      )!;
      const base = itemScores(run, plan.evaluations.find((e) => e.benchmark === bench.name && e.mask === null)!.dir, bench.metric);
      const ablated = itemScores(run, plan.evaluations.find((e) => e.benchmark === bench.name && e.mask === mask.key)!.dir, bench.metric);
      expect([...ablated.keys()].sort()).toEqual([...base.keys()].sort());
      const mean = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0) / m.size;
      const sBase = mean(base);
      const sAblated = mean(ablated);
      expect(cell.score).toBeCloseTo(sAblated, 12);
      expect(profile.benchmarks.find((b) => b.name === bench.name)!.base_score).toBeCloseTo(sBase, 12);
      if (sBase - bench.chance < margin) {
        expect(cell.ais).toBeNull();
      } else {
        defined++;
        expect(cell.ais).toBeCloseTo((sBase - sAblated) / (sBase - bench.chance), 12);
      }
    }
    // The favourite benchmark is scored 100 % by the base model: its AIS is defined.
    expect(defined).toBeGreaterThanOrEqual(6);
    expect(profile.cells.filter((c) => c.benchmark === "favourite").every((c) => c.ais !== null)).toBe(true);
  });

  it("every undefined cell says why", () => {
    const undefinedCells = profile.cells.filter((c) => c.ais === null || c.ais_ci === null);
    expect(undefinedCells.length).toBeGreaterThan(0);
    for (const c of undefinedCells) {
      expect(c.undefined_reason).toMatch(/chance|unbounded/);
      // An ability the tiny random model lacks (the gate) marks its cells not-possessed; the rest stay untested.
      const possessed = c.ability === null || profile.competence!.abilities.find((a) => a.ability === c.ability)!.possessed;
      expect(c.dependence).toBe(possessed ? "untested" : "not-possessed");
    }
    const story = profile.cells.find((c) => c.benchmark === "sample_story_words")!;
    expect(story.undefined_reason).toMatch(/base score 0\.\d{4} − chance 0\.3333/);
  });

  it("a second run reuses every stage and writes the same profile.json", () => {
    const before = readFileSync(join(run, "profile.json"));
    const again = bprof("profile", ...tiny.args, "--out", run, "--quiet");
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/0 stages computed, 3[0-9] reused/);
    expect(again.stderr).toBe("");
    expect(readFileSync(join(run, "profile.json")).equals(before)).toBe(true);
    expect(readManifest(run).invocations).toBe(2);
  });

  it("a changed option gets new stages for what it changes and keeps the rest", () => {
    const other = bprof("profile", ...tiny.args.map((a) => (a === "random:2,bottom" ? "random:3,bottom" : a)), "--out", run, "--quiet");
    expect(other.code, other.stderr).toBe(0);
    // One new random mask, and each of the 4 benchmarks evaluated under it.
    expect(other.stdout).toMatch(/5 stages computed/);
    expect(loadProfile(join(run, "profile.json")).run.options.controls.random_seeds).toEqual([0, 1, 2]);
  });

  it("--force recomputes every stage, to the same profile", () => {
    const before = readFileSync(join(run, "profile.json"));
    const forced = bprof(
      "profile",
      ...tiny.args.map((a) => (a === "random:2,bottom" ? "random:3,bottom" : a)),
      "--out",
      run,
      "--quiet",
      "--force",
    );
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/4[0-9] stages computed, 0 reused/);
    expect(readFileSync(join(run, "profile.json")).equals(before)).toBe(true);
    expect(stageDirsWithoutMarker(run)).toEqual([]);
  });
});
