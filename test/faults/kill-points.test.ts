import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTinyRun } from "../integration/profile-fixture.js";
import { runBprofWith, strayFiles } from "./fault-helpers.js";

/**
 * kill -9 at chosen points of a profile run (kill-at-write.mjs: just before a file or a
 * finished stage is moved into place, or half way through writing a file), then a resume:
 * the profile and every report come out byte-identical to those of a run never interrupted,
 * and nothing unfinished (temporary files, partial stages, the lock) is left. Ten points
 * are drawn at random over the whole run, ten lie in the writing of profile.json, the reports
 * and the manifest.
 */

const tmp = mkdtempSync(join(tmpdir(), "bprof-faults-kill-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const PRELOAD = join(import.meta.dirname, "kill-at-write.mjs");
const OUTPUTS = ["profile.json", "profile.csv", "report.md", "report.html"];
/** profile.json, the reports and the manifest, or their temporary files (`.<name>.<pid>.<ms>.tmp`). */
const REPORT_FILES = /\/\.?(profile\.json|profile\.csv|report\.md|report\.html|manifest\.json)(\.\d+\.\d+\.tmp)?$/;

let args: string[];
let reference: Map<string, Buffer>;
type Point = { kind: "rename" | "write"; n: number; path: string };
let random: Point[];
let reportPoints: Point[];

beforeAll(async () => {
  const tiny = await makeTinyRun(join(tmp, "fixture"));
  args = [
    "profile",
    "--model",
    tiny.model,
    "--abilities",
    "analogical",
    "--benchmarks",
    tiny.favourite,
    "sample_story_words",
    "--k",
    "0.01",
    "--controls",
    "random:1",
    "--limit",
    "4",
    "--bootstrap",
    "50",
    "--quiet",
  ];
  const log = join(tmp, "points.log");
  const r = await runBprofWith(PRELOAD, [...args, "--out", join(tmp, "uninterrupted")], { BPROF_FAULT_LOG: log });
  expect(r.code, r.stderr).toBe(0);
  reference = new Map(OUTPUTS.map((f) => [f, readFileSync(join(tmp, "uninterrupted", f))]));
  const points = readFileSync(log, "utf8")
    .trim()
    .split("\n")
    .map((line): Point => {
      const [kind, n, path] = line.split("\t");
      return { kind: kind as Point["kind"], n: Number(n), path: path! };
    });
  random = draw(points, 10);
  console.log(`${points.length} kill points in the run; drawn: ${random.map((p) => `${p.kind}:${p.n}`).join(", ")}`);
  // The last writes of the run: profile.json, its CSV, the Markdown and HTML reports, the final manifest.
  const reports = points.filter((p) => REPORT_FILES.test(p.path));
  reportPoints = [...reports.filter((p) => p.kind === "write").slice(-5), ...reports.filter((p) => p.kind === "rename").slice(-5)];
});

async function killThenResume(kind: "rename" | "write", n: number, name: string): Promise<void> {
  const out = join(tmp, name);
  const killed = await runBprofWith(PRELOAD, [...args, "--out", out], { BPROF_FAULT_KILL: `${kind}:${n}` });
  expect(killed.signal, `${kind}:${n} did not kill: ${killed.stderr}`).toBe("SIGKILL");
  const resumed = await runBprofWith(null, [...args, "--out", out]);
  expect(resumed.code, resumed.stderr).toBe(0);
  for (const file of OUTPUTS) expect(readFileSync(join(out, file)).equals(reference.get(file)!), `${file} after ${kind}:${n}`).toBe(true);
  expect(strayFiles(out)).toEqual([]);
  expect(existsSync(join(out, ".bprof-lock"))).toBe(false);
}

function draw<T>(items: T[], count: number): T[] {
  const pool = [...items];
  const picked: T[] = [];
  while (picked.length < count && pool.length > 0) picked.push(pool.splice(Math.floor(Math.random() * pool.length), 1)[0]!);
  return picked;
}

const TEN = Array.from({ length: 10 }, (_, i) => i);

describe("kill -9, then resume: byte-identical outputs, nothing stray", () => {
  it.each(TEN)("at random point %i of the run", async (i) => {
    const p = random[i]!;
    await killThenResume(p.kind, p.n, `random-${i}`);
  });

  it.each(TEN)("at point %i of writing profile.json, the reports and the manifest", async (i) => {
    expect(reportPoints).toHaveLength(10);
    const p = reportPoints[i]!;
    await killThenResume(p.kind, p.n, `report-${i}`);
  });
});
