import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readManifest } from "../../src/profile/run-manifest.js";
import { bprof, makeTinyRun, stageMarkers, type TinyRun } from "./profile-fixture.js";

const tmp = mkdtempSync(join(tmpdir(), "bprof-profile-shards-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let tiny: TinyRun;
const shardDir = (i: number) => join(tmp, `shard-${i}`);

// Without a contrast, so that each ability's importance is computed once in the whole run (with
// the default contrast a shard also computes the other abilities' importance its masks need).
const args = () => [...tiny.args, "--contrast", "none"];

beforeAll(async () => {
  tiny = await makeTinyRun(join(tmp, "fixture"));
  const single = bprof("profile", ...args(), "--out", join(tmp, "single"), "--quiet");
  expect(single.code, single.stderr).toBe(0);
  for (let i = 0; i < 3; i++) {
    const r = bprof("profile", ...args(), "--shard", `${i}/3`, "--out", shardDir(i), "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`shard ${i}/3 done .* combine all 3 shards with bprof merge`));
  }
});

describe("sharded runs", () => {
  it("each shard computes only its own units, every unit once, importance included", () => {
    const units = [0, 1, 2].map((i) => readManifest(shardDir(i)).units);
    const all = units.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(readManifest(join(tmp, "single")).units.sort());
    for (const u of units) expect(u.length).toBeGreaterThan(0);
    // Each ability's importance once in the whole run (no contrast: see args above).
    const importance = [0, 1, 2].flatMap((i) => stageMarkers(join(shardDir(i), "importance")));
    expect(importance).toHaveLength(2);
    for (let i = 0; i < 3; i++) expect(existsSync(join(shardDir(i), "profile.json"))).toBe(false);
  });

  it("3 shards merged give the single run's profile.json byte for byte", () => {
    const out = join(tmp, "merged");
    const r = bprof("merge", shardDir(2), shardDir(0), shardDir(1), "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/merged 3 shards: 4 benchmarks × 2 abilities, 24 cells/);
    expect(readFileSync(join(out, "profile.json")).equals(readFileSync(join(tmp, "single", "profile.json")))).toBe(true);
    expect(readFileSync(join(out, "report.html"), "utf8")).toBe(readFileSync(join(tmp, "single", "report.html"), "utf8"));
    const manifest = readManifest(out);
    expect(manifest.merged_from).toEqual([0, 1, 2].map(shardDir));
    expect(Object.keys(manifest.stage_seconds).length).toBeGreaterThanOrEqual(34);
    // The merged directory is a run like any other: `bprof report` rebuilds from it.
    const report = bprof("report", out);
    expect(report.code, report.stderr).toBe(0);
  });

  it.each([
    ["a missing shard", () => [shardDir(0), shardDir(1)], /shards 2\/3 are missing/],
    ["a shard given twice", () => [shardDir(0), shardDir(0), shardDir(1)], /shard 0\/3 is given twice/],
    [
      "a shard of another run",
      () => [shardDir(0), shardDir(1), otherRunShard()],
      /plan differs .*\(option controls\): not shards of the same run/,
    ],
    ["an unfinished shard", () => [shardDir(0), shardDir(1), unfinishedShard()], /shard 2\/3 has not finished/],
    ["a directory that is no run", () => [shardDir(0), tmp], /plan.json: missing/],
  ])("merge refuses %s, writing nothing", (_name, dirs, message) => {
    const out = join(tmp, `bad-merge-${Math.random()}`);
    const r = bprof("merge", ...dirs(), "--out", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });
});

/** Shard 2's plan with another option: it cannot be merged with shards 0 and 1. */
function otherRunShard(): string {
  const dir = join(tmp, "other-run-shard");
  if (!existsSync(dir)) {
    cpSync(shardDir(2), dir, { recursive: true });
    const plan = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8")) as { run: { options: { controls: { bottom: boolean } } } };
    plan.run.options.controls.bottom = false;
    writeFileSync(join(dir, "plan.json"), JSON.stringify(plan, null, 2) + "\n");
  }
  return dir;
}

function unfinishedShard(): string {
  const dir = join(tmp, "unfinished-shard");
  if (!existsSync(dir)) {
    cpSync(shardDir(2), dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { status: string };
    manifest.status = "running";
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  }
  return dir;
}
