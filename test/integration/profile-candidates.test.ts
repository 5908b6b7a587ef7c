import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readImportanceManifest } from "../../src/importance/importance-store.js";
import { makeTinyRun, ROOT, type TinyRun } from "./profile-fixture.js";

/**
 * A profile keeps, per ability, the exact top (and bottom) n_max of each scope in compact form
 * (8 B per element) instead of every score; its masks equal those `bprof select` makes from
 * every score (--keep-scores keeps those too, here f32 and f16).
 */
const tmp = mkdtempSync(join(tmpdir(), "bprof-candidates-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function bprof(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/main.ts"), ...args], { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function dirBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (s, e) => s + (e.isDirectory() ? dirBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size),
    0,
  );
}

const find = (dir: string, prefix: string) =>
  join(
    dir,
    readdirSync(dir).find((d) => d.startsWith(prefix) && /-[0-9a-f]{16}$/.test(d))!,
  );

describe("importance candidates in a profile run", () => {
  let tiny: TinyRun;
  const compact = join(tmp, "compact");
  const kept = join(tmp, "kept");
  const args = (out: string, ...more: string[]) => [
    "profile",
    "--model",
    "",
    "--abilities",
    "analogical",
    "--benchmarks",
    "sample_story_words",
    "--variants",
    "mlp,all",
    "--k",
    "0.01,0.001",
    "--controls",
    "bottom",
    "--limit",
    "4",
    "--bootstrap",
    "20",
    "--quiet",
    "--out",
    out,
    ...more,
  ];

  beforeAll(async () => {
    tiny = await makeTinyRun(join(tmp, "tiny"));
    for (const [out, more] of [
      [compact, []],
      [kept, ["--keep-scores"]],
    ] as const) {
      const a = args(out, ...more);
      a[2] = tiny.model;
      const r = bprof(...a);
      expect(r.code, r.stderr).toBe(0);
    }
  }, 180_000);

  it("stores 8 B per candidate and no score file without --keep-scores", () => {
    const dir = find(join(compact, "importance"), "analogical");
    const manifest = readImportanceManifest(dir);
    expect(manifest.formatVersion).toBe(2);
    expect(manifest.tensors.every((t) => t.file === null)).toBe(true);
    const nMax = Math.floor(0.01 * manifest.nTotal);
    expect(manifest.candidates!.map((c) => `${c.variant}-${c.extreme}:${c.n}`).sort()).toEqual(
      ["all-highest", "all-lowest", "mlp-highest", "mlp-lowest"].map((c) => `${c}:${nMax}`),
    );
    const bytes = dirBytes(dir);
    expect(bytes).toBeLessThanOrEqual(4 * 8 * nMax + 1e6);
    expect(dirBytes(join(dir, "candidates"))).toBe(4 * 8 * nMax);
  });

  it("selects the masks bprof select makes from every score, top and bottom, for each k", () => {
    const importance = find(join(kept, "importance"), "analogical");
    for (const variant of ["mlp", "all"]) {
      const out = join(tmp, `select-${variant}`);
      const r = bprof("select", "--importance", importance, "--variant", variant, "--k", "0.01,0.001", "--control", "bottom", "--out", out);
      expect(r.code, r.stderr).toBe(0);
      for (const k of ["0.01", "0.001"]) {
        for (const suffix of ["", ".bottom"]) {
          const fromScores = readFileSync(join(out, `${variant}-k${k}-top${suffix}`, "indices.bin"));
          for (const run of [compact, kept]) {
            const fromRun = readFileSync(join(find(join(run, "masks"), `analogical.${variant}-k${k}-top${suffix}-`), "indices.bin"));
            expect(fromRun.equals(fromScores), `${variant} k ${k}${suffix}`).toBe(true);
          }
        }
      }
    }
  });

  it("--keep-scores f16 keeps every score in half precision", () => {
    const out = join(tmp, "half");
    const a = args(out, "--keep-scores", "f16");
    a[2] = tiny.model;
    const r = bprof(...a);
    expect(r.code, r.stderr).toBe(0);
    const manifest = readImportanceManifest(find(join(out, "importance"), "analogical"));
    expect(manifest.scoreDtype).toBe("f16");
    expect(manifest.tensors.every((t) => t.file?.endsWith(".f16"))).toBe(true);
    const select = bprof(
      "select",
      "--importance",
      find(join(out, "importance"), "analogical"),
      "--variant",
      "mlp",
      "--k",
      "0.01",
      "--out",
      join(tmp, "half-select"),
    );
    expect(select.code, select.stderr).toBe(0);
  }, 120_000);
});
