import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bprof, makeTinyRun, stageDirsWithoutMarker, stageMarkers, writeByteTokenizer, type TinyRun } from "./profile-fixture.js";

/**
 * Bad inputs fail with a clear error naming the file (and line and field where there is
 * one), before any heavy work and without creating the run directory; a disk that fills up
 * mid-run stops the run with a clear error and leaves only complete stages behind.
 */

const tmp = mkdtempSync(join(tmpdir(), "bprof-profile-bad-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let tiny: TinyRun;
beforeAll(async () => {
  tiny = await makeTinyRun(join(tmp, "fixture"));
});

/** The fixture's arguments with one option's value replaced (or the option added). */
function argsWith(option: string, ...values: string[]): string[] {
  const args = [...tiny.args];
  const at = args.indexOf(option);
  if (at < 0) return [...args, option, ...values];
  let end = at + 1;
  while (end < args.length && !args[end]!.startsWith("--")) end++;
  args.splice(at, end - at, option, ...values);
  return args;
}

function writeSpec(name: string, lines: string[], data?: { file: string; rows: object[] }): string {
  const dir = join(tmp, "specs");
  mkdirSync(join(dir, "data"), { recursive: true });
  if (data) writeFileSync(join(dir, "data", data.file), data.rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

describe("bprof profile: bad inputs fail clearly, before the run directory exists", () => {
  const cases: [string, () => string[], RegExp][] = [
    [
      "a benchmark spec that fails validation",
      () =>
        argsWith(
          "--benchmarks",
          writeSpec("bad-metric", [
            "name: bad_metric",
            "task: multiple_choice",
            "adapter: generic",
            "data: data/x.jsonl",
            "template:",
            '  query: "{{q}}"',
            "  choices: options",
            '  gold: "{{a}}"',
            "metrics: [bleu]",
          ]),
        ),
      /bad-metric\.yaml:9: field 'metrics\.0': /,
    ],
    [
      "an unknown ability",
      () => argsWith("--abilities", "analogical,telepathy"),
      /field 'abilities': unknown ability 'telepathy' \(known: analogical, .*\)/,
    ],
    [
      "a benchmark every item of which is longer than the model's context",
      () =>
        argsWith(
          "--benchmarks",
          writeSpec(
            "long",
            [
              "name: long",
              "task: multiple_choice",
              "adapter: generic",
              "data: data/long.jsonl",
              "template:",
              '  query: "{{text}}"',
              "  choices: options",
              '  gold: "{{answer}}"',
              "metrics: [acc]",
            ],
            {
              file: "long.jsonl",
              rows: [0, 1, 2].map((i) => ({ text: `Once upon a time ${i} `.repeat(20), options: ["yes", "no"], answer: 0 })),
            },
          ),
        ),
      /long\.yaml: field 'data': every one of the 3 items of 'long' is longer than the model's context of 256 tokens \(the shortest needs \d+\): this model cannot run this benchmark/,
    ],
    [
      "a tokenizer whose vocabulary the model does not have",
      () => {
        const path = join(tmp, "big-tokenizer.bin");
        writeByteTokenizer(path, 10);
        return argsWith("--tokenizer", path);
      },
      /big-tokenizer\.bin: tokenizer has 269 tokens but the model's vocab_size is 259/,
    ],
    ["a k that selects no weight", () => argsWith("--k", "1e-9"), /field 'k': k = 1e-9 selects no parameter/],
    ["a shard outside the run", () => argsWith("--shard", "3/3"), /field 'shard': shard 3\/3: need 0 ≤ i < n/],
    [
      "an unknown control",
      () => argsWith("--controls", "random:1,2"),
      /unknown control '2' \(expected random:N for N random seeds, bottom, or none\)/,
    ],
  ];

  it.each(cases)("%s", (_name, args, message) => {
    const out = join(tmp, `out-${Math.random().toString(36).slice(2)}`);
    const r = bprof("profile", ...args(), "--out", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^bprof: error: /);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it("an out directory that cannot be written (a file is in its path)", () => {
    const file = join(tmp, "a-file");
    writeFileSync(file, "not a directory\n");
    const r = bprof("profile", ...tiny.args, "--out", join(file, "run"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/a-file\/run: field '--out': cannot be created: .*a-file is a file, not a directory/);
    expect(r.stderr).not.toMatch(/hashing|unit \d/);
  });
});

/** A 200 KiB tmpfs: a real full disk part way through the run (needs mount rights, i.e. root in a container). */
function mountTinyDisk(dir: string): boolean {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", "size=200k", "tmpfs", dir], { encoding: "utf8" });
  if (r.status !== 0) console.warn(`[skip] full-disk test: cannot mount a tmpfs (${(r.stderr || r.error?.message || "").trim()})`);
  return r.status === 0;
}

const disk = join(tmp, "small-disk");
const mounted = mountTinyDisk(disk);
afterAll(() => {
  if (mounted) spawnSync("umount", [disk]);
});

describe.skipIf(!mounted)("bprof profile on a disk that fills up", () => {
  it("stops with a clear error and leaves only complete stages", () => {
    const out = join(disk, "run");
    const r = bprof("profile", ...tiny.args, "--out", out, "--quiet");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /cannot write the run directory: no space left on the device \(ENOSPC\); finished stages are kept and a re-run resumes from them/,
    );
    expect(existsSync(out)).toBe(true);
    expect(stageMarkers(out).length).toBeGreaterThan(0);
    expect(stageDirsWithoutMarker(out)).toEqual([]);
    expect(existsSync(join(out, "profile.json"))).toBe(false);
    for (const folder of ["importance", "masks"]) {
      if (existsSync(join(out, folder))) expect(readdirSync(join(out, folder)).filter((n) => n.includes(".partial-"))).toEqual([]);
    }
  });
});
