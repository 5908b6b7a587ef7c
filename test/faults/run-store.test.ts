import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTinyRun } from "../integration/profile-fixture.js";
import { bprof, expectRefused, runBprofWith, strayFiles } from "./fault-helpers.js";

/**
 * The run directory as a store shared by processes over time: one writer at a time (a second
 * stops naming the first; a dead writer's lock is taken over), finished stages checked against
 * their recorded checksums, and what dead writers left half-written cleared at start.
 */

const tmp = mkdtempSync(join(tmpdir(), "bprof-faults-store-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let base: string[];
let reference: Buffer;

beforeAll(async () => {
  const tiny = await makeTinyRun(join(tmp, "fixture"));
  base = [
    "profile",
    "--model",
    tiny.model,
    "--abilities",
    "analogical",
    "--benchmarks",
    tiny.favourite,
    "sample_story_words",
    "--controls",
    "random:1",
    "--limit",
    "4",
    "--bootstrap",
    "50",
    "--quiet",
  ];
  const r = bprof(...base, "--k", "0.01", "--out", join(tmp, "reference"));
  expect(r.code, r.stderr).toBe(0);
  reference = readFileSync(join(tmp, "reference", "profile.json"));
});

const PROFILE_AT_UNLOCK = join(import.meta.dirname, "profile-at-unlock.mjs");

const kOf = (profileJson: string): number[] => (JSON.parse(profileJson) as { run: { options: { k: number[] } } }).run.options.k;

describe("two concurrent profiles on one run directory, different --k", () => {
  it.each([1, 2, 3, 4, 5])(
    "round %i: each succeeds with its own profile, or stops naming the other; never another's success",
    async (round) => {
      const out = join(tmp, `concurrent-${round}`);
      const seen: { k: number; code: number | null; stderr: string; pid: number; profileAtUnlock: string | null }[] = [];
      await Promise.all(
        [0.01, 0.02].map(async (k) => {
          // The profile.json this run left while it still held the lock (copied by the preload
          // as it unlocks): after its exit, a later writer may already have replaced it.
          const atUnlock = join(tmp, `concurrent-${round}-k${k}.json`);
          const r = await runBprofWith(PROFILE_AT_UNLOCK, [...base, "--k", String(k), "--out", out, "--quiet"], {
            BPROF_PROFILE_AT_UNLOCK: atUnlock,
          });
          seen.push({
            k,
            code: r.code,
            stderr: r.stderr,
            pid: r.pid,
            profileAtUnlock: r.code === 0 && existsSync(atUnlock) ? readFileSync(atUnlock, "utf8") : null,
          });
        }),
      );
      const winners = seen.filter((s) => s.code === 0);
      console.log(`round ${round}: ${seen.map((s) => `k=${s.k} ${s.code === 0 ? "succeeded" : "stopped"}`).join(", ")}`);
      expect(winners.length).toBeGreaterThanOrEqual(1);
      for (const s of seen) {
        if (s.code === 0) {
          // A success is for its own options.
          expect(s.profileAtUnlock, `k=${s.k} left no profile.json at unlock`).not.toBeNull();
          expect(kOf(s.profileAtUnlock!)).toEqual([s.k]);
        } else {
          expect(s.code).toBe(1);
          const other = seen.find((o) => o !== s)!;
          expect(s.stderr).toMatch(
            new RegExp(
              `bprof: error: .*concurrent-${round}: the run directory is in use by bprof pid ${other.pid} on ${hostname()} since .*; wait for it to finish or give another --out`,
            ),
          );
        }
      }
      // The directory holds the last winner's run, whole.
      const last = winners.at(-1)!;
      expect(kOf(readFileSync(join(out, "profile.json"), "utf8"))).toEqual([last.k]);
      expect((JSON.parse(readFileSync(join(out, "plan.json"), "utf8")) as { run: { options: { k: number[] } } }).run.options.k).toEqual([
        last.k,
      ]);
      expect(strayFiles(out)).toEqual([]);
    },
  );
});

describe("locks", () => {
  it("a live holder's lock: refused with its pid and host, nothing written", () => {
    const out = join(tmp, "held");
    const r0 = bprof(...base, "--k", "0.01", "--out", out);
    expect(r0.code, r0.stderr).toBe(0);
    // This test process is alive: a lock in its name is a live holder's.
    writeFileSync(
      join(out, ".bprof-lock"),
      JSON.stringify({ pid: process.pid, host: hostname(), start: null, since: "2026-01-01T00:00:00.000Z", command: "profile (test)" }),
    );
    const before = readFileSync(join(out, "manifest.json"));
    const r = bprof(...base, "--k", "0.01", "--out", out);
    expectRefused(
      r,
      new RegExp(
        `held: the run directory is in use by bprof pid ${process.pid} on ${hostname()} since 2026-01-01T00:00:00\\.000Z \\(profile \\(test\\)\\)`,
      ),
    );
    expect(readFileSync(join(out, "manifest.json")).equals(before)).toBe(true);
    rmSync(join(out, ".bprof-lock"));
  });

  it("a dead writer's lock and temporary files are taken over and cleared; the run completes", () => {
    const out = join(tmp, "stale");
    expect(bprof(...base, "--k", "0.01", "--out", out).code).toBe(0);
    const dead = 2 ** 22 + 12345; // above the default pid_max: no such process
    writeFileSync(
      join(out, ".bprof-lock"),
      JSON.stringify({ pid: dead, host: hostname(), start: 1, since: "2026-01-01T00:00:00.000Z", command: "profile" }),
    );
    writeFileSync(join(out, `.plan.json.${dead}.1764633600000.tmp`), "{ half");
    writeFileSync(join(out, "evals", `.x.${dead}.1.tmp`), "half");
    const r = bprof(...base, "--k", "0.01", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(out, "profile.json")).equals(reference)).toBe(true);
    expect(strayFiles(out)).toEqual([]);
  });
});

describe("finished stages carry checksums", () => {
  it("a hand-edited samples.jsonl is noticed, the stage computed again, the profile as before", () => {
    const out = join(tmp, "edited");
    expect(bprof(...base, "--k", "0.01", "--out", out).code).toBe(0);
    const stage = join(
      out,
      "evals",
      "favourite",
      readdirSync(join(out, "evals", "favourite")).find((d) => d.startsWith("base-"))!,
    );
    const samples = join(stage, "samples.jsonl");
    writeFileSync(samples, readFileSync(samples, "utf8").replace(/"correct":true/g, '"correct":false'));
    const r = bprof(...base, "--k", "0.01", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /bprof: warning: .*samples\.jsonl: does not match the checksum recorded when the stage finished; the stage is computed again/,
    );
    expect(readFileSync(join(out, "profile.json")).equals(reference)).toBe(true);
    expect(readFileSync(samples, "utf8")).toMatch(/"correct":true/);
  });
});
