import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { registerCompareCommand } from "../../src/cli/commands/compare.js";
import { registerReportCommand } from "../../src/cli/commands/report.js";
import { computeProfile } from "../../src/stats/compute-profile.js";
import type { Profile } from "../../src/stats/profile-schema.js";
import { syntheticProfileInput } from "../helpers/synthetic-profile.js";

/** Run `bprof <args>` in-process with only this commands registered. */
async function bprof(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = new Command().exitOverride();
  registerReportCommand(program);
  registerCompareCommand(program);
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((s) => ((stdout += String(s)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((s) => ((stderr += String(s)), true));
  process.exitCode = 0;
  try {
    await program.parseAsync(["node", "bprof", ...args]);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, stdout, stderr };
}

function runDir(profile: Profile, text = JSON.stringify(profile, null, 2)): string {
  const dir = mkdtempSync(join(tmpdir(), "bprof-run-"));
  writeFileSync(join(dir, "profile.json"), text);
  return dir;
}

describe("bprof report / compare", () => {
  const profile = computeProfile(syntheticProfileInput({ selfProfile: false, kValues: [1e-3, 1e-2] }));
  let previousExitCode: typeof process.exitCode;
  beforeEach(() => {
    previousExitCode = process.exitCode;
  });
  afterEach(() => {
    process.exitCode = previousExitCode;
  });

  it("rebuilds the three reports from RUNDIR/profile.json", async () => {
    const dir = runDir(profile);
    const r = await bprof("report", dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["profile.csv", "profile.json", "report.html", "report.md", "slices.csv"]);
    expect(r.stdout.trim().split("\n")).toEqual(["profile.csv", "slices.csv", "report.md", "report.html"].map((f) => join(dir, f)));
  });

  it("names file, line and field of a profile that fails the schema, and writes nothing", async () => {
    const bad = structuredClone(profile);
    (bad.cells[2] as { ais: unknown }).ais = "high";
    const text = JSON.stringify(bad, null, 2);
    const dir = runDir(bad, text);
    const r = await bprof("report", dir);
    expect(r.code).toBe(1);
    const line = text.split("\n").findIndex((l) => l.includes('"ais": "high"')) + 1;
    expect(r.stderr).toContain(`bprof: error: ${join(dir, "profile.json")}:${line}: field 'cells.2.ais':`);
    expect(readdirSync(dir)).toEqual(["profile.json"]);
  });

  it("reports the line of invalid JSON and a missing profile", async () => {
    const dir = runDir(profile, '{\n  "schema_version": 1,\n  "run": {,\n}');
    const r = await bprof("report", dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`profile\\.json:3: invalid JSON`));
    const empty = mkdtempSync(join(tmpdir(), "bprof-run-"));
    const missing = await bprof("report", empty);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${join(empty, "profile.json")}: cannot read the profile: ENOENT`);
  });

  it("fails cleanly when the output directory cannot be written", async () => {
    const dir = runDir(profile);
    const blocker = join(dir, "not-a-dir");
    writeFileSync(blocker, "");
    const r = await bprof("report", dir, "--out", join(blocker, "reports"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bprof: error: .*(ENOTDIR|EEXIST)/);
    if (process.getuid?.() !== 0) {
      const locked = join(dir, "locked");
      mkdirSync(locked);
      chmodSync(locked, 0o500);
      expect((await bprof("report", dir, "--out", locked)).code).toBe(1);
      expect(readdirSync(locked)).toEqual([]);
    }
  });

  it("compares runs and highlights only differences whose intervals do not overlap", async () => {
    const a = runDir(profile);
    const changed = structuredClone(profile);
    const target = changed.cells.find(
      (c) => c.benchmark === "gsm8k" && c.ability === "quantitative" && c.variant === "mlp" && c.k === 1e-2 && c.control === "none",
    )!;
    target.ais = target.ais! - 0.5;
    target.ais_ci = [target.ais_ci![0] - 0.5, target.ais_ci![1] - 0.5];
    const b = runDir(changed);
    const out = join(mkdtempSync(join(tmpdir(), "bprof-cmp-")), "out");
    const r = await bprof("compare", a, b, "--out", out, "--variant", "mlp", "--k", "1e-2");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("2 profiles, 1 differences that clear their intervals");
    const md = readFileSync(join(out, "compare.md"), "utf8");
    const diffRows = md
      .split("## All cells")[0]!
      .split("\n")
      .filter((l) => l.startsWith("| gsm8k"));
    expect(diffRows).toHaveLength(1);
    expect(diffRows[0]).toContain("Quantitative reasoning");
    expect(diffRows[0]).toMatch(/\| −0\.50 \|$/);
    const html = readFileSync(join(out, "compare.html"), "utf8");
    expect(html).toContain('id="compare-heatmap-1"');
    expect(html).not.toMatch(/<script/i);
    expect((html.match(/class="num diff"/g) ?? []).length).toBe(2);
  });

  it("compares all shared (variant, k) across runs and rejects a filter that matches nothing", async () => {
    const a = runDir(profile);
    const out = join(mkdtempSync(join(tmpdir(), "bprof-cmp-")), "out");
    const same = await bprof("compare", a, a, "--out", out);
    expect(same.code).toBe(0);
    expect(same.stderr).toContain(`${profile.run.options.variants.length * 2 * 2} profiles, 0 differences`);
    const none = await bprof("compare", a, "--out", join(out, "x"), "--k", "0.5");
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("no profile matches");
    expect(existsSync(join(out, "x"))).toBe(false);
  });
});
