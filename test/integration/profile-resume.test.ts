import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bprof, makeTinyRun, spawnBprof, stageDirsWithoutMarker, stageMarkers, type TinyRun } from "./profile-fixture.js";

/**
 * A run killed at some point and restarted must end with the profile.json of a run that was
 * never interrupted, byte for byte. Kill points: after a given number of finished stages
 * (the first stage, the middle, a random count), at a random time, by Ctrl-C (SIGINT), and a
 * run killed twice.
 */

const tmp = mkdtempSync(join(tmpdir(), "bprof-profile-resume-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Total stages of the fixture's run: 2 importance, 6 masks, 4 benchmarks × 7 model states. */
const STAGES = 36;

let tiny: TinyRun;
let uninterrupted: Buffer;

beforeAll(async () => {
  tiny = await makeTinyRun(join(tmp, "fixture"));
  const r = bprof("profile", ...tiny.args, "--out", join(tmp, "uninterrupted"), "--quiet");
  expect(r.code, r.stderr).toBe(0);
  uninterrupted = readFileSync(join(tmp, "uninterrupted", "profile.json"));
});

/** Start a run and kill it once `when` says so; resolves with what was finished at the kill. */
async function killedRun(out: string, when: { markers?: number; afterMs?: number }, signal: NodeJS.Signals = "SIGKILL") {
  const child = spawnBprof("profile", ...tiny.args, "--out", out, "--quiet");
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on("exit", (code, sig) => done({ code, signal: sig })),
  );
  const started = Date.now();
  let finishedAtKill = -1;
  await new Promise<void>((done) => {
    const poll = setInterval(() => {
      const markers = stageMarkers(out).length;
      const due =
        (when.markers !== undefined && markers >= when.markers) || (when.afterMs !== undefined && Date.now() - started >= when.afterMs);
      if (due || child.exitCode !== null) {
        clearInterval(poll);
        finishedAtKill = markers;
        child.kill(signal);
        done();
      }
    }, 5);
  });
  const exit = await exited;
  return { finishedAtKill, exit };
}

function resumeAndCompare(out: string): string {
  expect(stageDirsWithoutMarker(out)).toEqual([]);
  const resumed = bprof("profile", ...tiny.args, "--out", out, "--quiet");
  expect(resumed.code, resumed.stderr).toBe(0);
  expect(readFileSync(join(out, "profile.json")).equals(uninterrupted)).toBe(true);
  expect(stageMarkers(out)).toHaveLength(STAGES);
  // Nothing half-written is left behind.
  for (const folder of ["importance", "masks"]) expect(readdirSync(join(out, folder)).filter((n) => /partial|stale/.test(n))).toEqual([]);
  return resumed.stdout;
}

describe("resume after an interruption", () => {
  const randomMarkers = 2 + Math.floor(Math.random() * (STAGES - 4));
  const randomDelay = 2500 + Math.floor(Math.random() * 3000);

  it.each([
    ["after the first finished stage", 1],
    ["half way", STAGES / 2],
    [`after a random number of stages (${randomMarkers})`, randomMarkers],
  ])("kill -9 %s, then resume: the same profile.json byte for byte", async (_name, markers) => {
    const out = join(tmp, `killed-at-${markers}`);
    const { finishedAtKill, exit } = await killedRun(out, { markers });
    expect(exit.signal).toBe("SIGKILL");
    expect(finishedAtKill).toBeGreaterThanOrEqual(markers);
    expect(existsSync(join(out, "profile.json"))).toBe(false);
    const stdout = resumeAndCompare(out);
    const [, computed, reused] = /(\d+) stages computed, (\d+) reused/.exec(stdout)!.map(Number);
    expect(reused).toBeGreaterThan(0);
    expect(computed! + reused!).toBeLessThanOrEqual(STAGES);
    expect(computed).toBeLessThan(STAGES);
  });

  it(`kill -9 at a random time (${randomDelay} ms), then resume: the same profile.json`, async () => {
    const out = join(tmp, "killed-at-random-time");
    await killedRun(out, { afterMs: randomDelay });
    resumeAndCompare(out);
  });

  it("Ctrl-C (SIGINT) mid-run, then resume: the same profile.json", async () => {
    const out = join(tmp, "interrupted");
    const { exit } = await killedRun(out, { markers: 10 }, "SIGINT");
    expect(exit.signal).toBe("SIGINT");
    resumeAndCompare(out);
  });

  it("a run killed, resumed, killed again and resumed: the same profile.json", async () => {
    const out = join(tmp, "killed-twice");
    await killedRun(out, { markers: 5 });
    const second = await killedRun(out, { markers: 20 });
    expect(second.exit.signal).toBe("SIGKILL");
    resumeAndCompare(out);
  });
});
