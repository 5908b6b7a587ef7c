import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bprofAt,
  copyOrganism,
  expectRefused,
  ROOT,
  snapshot,
  writeByteTokenizer,
  writeMcSpec,
  writeTinyCheckpoint,
} from "./fault-helpers.js";

/**
 * Where bprof may write: `--out` and the other path options are checked before any work, so a
 * bad one leaves everything as it was: the working directory, the model directory, the package.
 */

const tmp = mkdtempSync(join(tmpdir(), "bprof-faults-out-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let model: string;
let spec: string;
beforeAll(() => {
  mkdirSync(join(tmp, "model"), { recursive: true });
  model = join(tmp, "model", "tiny.bin");
  writeTinyCheckpoint(model);
  writeByteTokenizer(join(tmp, "model", "tokenizer.bin"));
  spec = writeMcSpec(
    join(tmp, "bench"),
    "small",
    [0, 1, 2].map((i) => ({ id: `q${i}`, q: `Item ${i}`, options: ["yes", "no"], a: 0 })),
  );
});

const profileArgs = () => [
  "profile",
  "--model",
  model,
  "--abilities",
  "analogical",
  "--benchmarks",
  spec,
  "--k",
  "0.01",
  "--controls",
  "none",
  "--limit",
  "2",
];
const evalArgs = () => ["eval", "--model", model, "--benchmark", spec];

describe("an empty path option is refused; nothing lands in the working directory", () => {
  it.each([
    ["profile --out ''", () => [...profileArgs(), "--out", ""], /field '--out': is empty: give a path/],
    ["eval --out ''", () => [...evalArgs(), "--out", ""], /field '--out': is empty: give a path/],
    [
      "eval --tokenizer ''",
      () => [...evalArgs(), "--out", join(tmp, "never"), "--tokenizer", ""],
      /field '--tokenizer': is empty: give a path/,
    ],
  ])("%s", (_name, args, message) => {
    const cwd = mkdtempSync(join(tmp, "cwd-"));
    expectRefused(bprofAt(cwd, args()), message);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("the library refuses out: '' too (profile() called directly)", async () => {
    const { profile } = await import("../../src/profile/run-profile.js");
    await expect(profile({ model, benchmarks: [spec], abilities: ["analogical"], out: "" })).rejects.toThrow(/field 'out': is empty/);
  });
});

describe("--out never points among model files or at the package", () => {
  it("eval --out inside a Hugging Face model directory: refused, the directory untouched", () => {
    const organism = copyOrganism(join(tmp, "organism"));
    const before = snapshot(organism);
    for (const out of [organism, join(organism, "runs", "x")]) {
      expectRefused(
        bprofAt(tmp, ["eval", "--model", organism, "--benchmark", spec, "--out", out]),
        /field '--out': is inside the model directory .*organism: model files are only read/,
      );
    }
    expect(snapshot(organism)).toEqual(before);
  });

  it("profile --out = the folder of a llama2.c checkpoint: refused", () => {
    const before = snapshot(join(tmp, "model"));
    expectRefused(bprofAt(tmp, [...profileArgs(), "--out", join(tmp, "model")]), /field '--out': is the folder of the model checkpoint/);
    expect(snapshot(join(tmp, "model"))).toEqual(before);
  });

  it("profile --out = the package root: refused, nothing written there", () => {
    const before = readdirSync(ROOT).sort();
    expectRefused(bprofAt(tmp, [...profileArgs(), "--out", ROOT]), /field '--out': is bprof's own package directory/);
    expect(readdirSync(ROOT).sort()).toEqual(before);
  });

  it("a file in the way (kept: refused before, now before loading the model)", () => {
    writeFileSync(join(tmp, "a-file"), "x\n");
    expectRefused(
      bprofAt(tmp, [...evalArgs(), "--out", join(tmp, "a-file", "run")]),
      /a-file\/run: field '--out': cannot be created: .*a-file is a file, not a directory/,
    );
  });
});

/** A read-only tmpfs (needs mount rights, i.e. root in a container). */
function mountReadOnly(dir: string): boolean {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", dir], { encoding: "utf8" });
  if (r.status !== 0)
    console.warn(`[skip] read-only file system test: cannot mount a tmpfs (${(r.stderr || r.error?.message || "").trim()})`);
  return r.status === 0;
}
const readOnly = join(tmp, "read-only");
const mounted = mountReadOnly(readOnly);
afterAll(() => {
  if (mounted) spawnSync("umount", [readOnly]);
});

describe.skipIf(!mounted)("a new output directory on a read-only file system", () => {
  it.each([
    ["eval", () => [...evalArgs(), "--out", join(readOnly, "new", "run")]],
    ["profile", () => [...profileArgs(), "--out", join(readOnly, "run")]],
  ])("%s: refused before scoring, naming the file system", (_name, args) => {
    const r = bprofAt(tmp, args());
    expectRefused(r, /field '--out': cannot be written: .*read-only is a read-only file system \(EROFS\)/);
    // Before scoring: no progress line was printed.
    expect(r.stderr).not.toMatch(/items/);
    expect(existsSync(join(readOnly, "new"))).toBe(false);
  });
});
