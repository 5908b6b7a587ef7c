import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BprofError } from "../../src/errors.js";
import { loadAbilities } from "../../src/probes/abilities.js";
import { GENERATORS } from "../../src/probes/generators/index.js";
import { loadProbeFile, loadProbeSet } from "../../src/probes/load.js";

const ROOT = resolve(import.meta.dirname, "../..");
const work = mkdtempSync(join(tmpdir(), "bprof-probes-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const good = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id, ability: "toy", question: "Which is red?", options: ["apple", "sky"], answer: "apple", ...extra });

function write(name: string, lines: string[]): string {
  const file = join(work, name);
  writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

function expectError(fn: () => unknown, where: { file: string; line: number; field?: string }, message: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BprofError);
    const e = err as BprofError;
    expect(e.file).toBe(where.file);
    expect(e.line).toBe(where.line);
    expect(e.field).toBe(where.field);
    expect(e.message).toContain(`${where.file}:${where.line}`);
    if (where.field) expect(e.message).toContain(`field '${where.field}'`);
    expect(e.message).toMatch(message);
    return;
  }
  throw new Error("expected a BprofError");
}

describe("probe file loader: bad files name file:line and field", () => {
  it("reads a good file, skipping blank lines", () => {
    const file = write("good.jsonl", [good("a"), "", good("b", { context: "Look.", meta: { x: 1 } })]);
    expect(loadProbeFile(file).map((i) => i.id)).toEqual(["a", "b"]);
  });

  it("malformed JSON line", () => {
    const file = write("malformed.jsonl", [good("a"), '{"id": "b", "question": ']);
    expectError(() => loadProbeFile(file), { file, line: 2 }, /malformed JSON/);
  });

  it("missing field", () => {
    const line = JSON.stringify({ id: "a", ability: "toy", options: ["x", "y"], answer: "x" });
    const file = write("missing.jsonl", [good("z"), good("y"), line]);
    expectError(() => loadProbeFile(file), { file, line: 3, field: "question" }, /missing required field/);
  });

  it("answer not among the options", () => {
    const file = write("answer.jsonl", [good("a", { answer: "pear" })]);
    expectError(() => loadProbeFile(file), { file, line: 1, field: "answer" }, /not one of the options/);
  });

  it("duplicate ids in one file", () => {
    const file = write("dup.jsonl", [good("a"), good("b"), good("a")]);
    expectError(() => loadProbeFile(file), { file, line: 3, field: "id" }, /duplicate id "a" \(first used on line 1\)/);
  });

  it("fewer than 2 options", () => {
    const file = write("one-option.jsonl", [good("a", { options: ["apple"] })]);
    expectError(() => loadProbeFile(file), { file, line: 1, field: "options" }, /at least 2 options/);
  });

  it("empty file", () => {
    const file = write("empty.jsonl", [""]);
    expectError(() => loadProbeFile(file), { file, line: 1 }, /empty/);
  });

  it("unknown field (a typo would otherwise be dropped silently)", () => {
    const file = write("typo.jsonl", [good("a", { contxt: "oops" })]);
    expectError(() => loadProbeFile(file), { file, line: 1, field: "contxt" }, /unknown field/);
  });

  it("duplicate ids across the splits of one ability", () => {
    const dir = join(work, "set");
    mkdirSync(join(dir, "toy"), { recursive: true });
    writeFileSync(join(dir, "toy", "train.jsonl"), good("a") + "\n" + good("b") + "\n");
    writeFileSync(join(dir, "toy", "dev.jsonl"), good("c") + "\n");
    writeFileSync(join(dir, "toy", "test.jsonl"), good("d") + "\n" + good("b", { question: "Other?" }) + "\n");
    expectError(
      () => loadProbeSet(dir, "toy"),
      { file: join(dir, "toy", "test.jsonl"), line: 2, field: "id" },
      /duplicate id "b", also in train/,
    );
  });
});

describe("abilities", () => {
  it("loads the ten shipped abilities, each with its generator", () => {
    const abilities = loadAbilities();
    expect(abilities.map((a) => a.id).sort()).toEqual(GENERATORS.map((g) => g.ability).sort());
    for (const a of abilities) expect(a.generator).toBe(a.id);
  });

  it("loads a user's own ability directory and rejects a bad file with its field", () => {
    const dir = join(work, "abilities");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "my-skill.yaml"), "id: my-skill\nname: My skill\ndescription: Mine.\ntests: My items.\n");
    expect(loadAbilities(dir).map((a) => a.id)).toEqual(["my-skill"]);
    writeFileSync(join(dir, "other.yaml"), "id: other\nname: Other\ndescription: x\n");
    expect(() => loadAbilities(dir)).toThrow(/other\.yaml: field 'tests': missing required field/);
  });
});

describe("bprof probes validate on bad directories", () => {
  function validate(dir: string) {
    return spawnSync("npx", ["tsx", "src/cli/main.ts", "probes", "validate", dir], { cwd: ROOT, encoding: "utf8" });
  }

  it("exits non-zero and names file:line and field", () => {
    const dir = join(work, "bad-dir");
    mkdirSync(join(dir, "toy"), { recursive: true });
    writeFileSync(join(dir, "toy", "train.jsonl"), good("a") + "\n" + good("b", { answer: "pear" }) + "\n");
    writeFileSync(join(dir, "toy", "dev.jsonl"), "");
    // The same item as train line 1 under another id: leakage.
    writeFileSync(join(dir, "toy", "test.jsonl"), good("z") + "\n");
    const result = validate(dir);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`${join(dir, "toy", "train.jsonl")}:2: field 'answer'`);
    expect(result.stderr).toContain(`${join(dir, "toy", "dev.jsonl")}:1: probe file is empty`);
    expect(result.stderr).toMatch(/bprof: error: \d+ problem\(s\)/);
  });

  it("reports leakage across splits and unbalanced gold positions", () => {
    const dir = join(work, "leaky");
    mkdirSync(join(dir, "toy"), { recursive: true });
    const many = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => good(`${prefix}${i}`, { question: `Q${prefix}${i}?` }));
    writeFileSync(join(dir, "toy", "train.jsonl"), many("t", 200).join("\n") + "\n");
    writeFileSync(join(dir, "toy", "dev.jsonl"), many("d", 10).join("\n") + "\n" + good("leak", { question: "Qt3?" }) + "\n");
    writeFileSync(join(dir, "toy", "test.jsonl"), many("s", 10).join("\n") + "\n");
    const result = validate(dir);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      `${join(dir, "toy", "dev.jsonl")}:11: item leaks across splits: same context, question and answer as ${join(dir, "toy", "train.jsonl")}:4`,
    );
    // Every gold answer is option 1 in train: 100% where 50% is expected.
    expect(result.stderr).toMatch(/train\.jsonl: gold answer is option 1 in 100\.0% of items, expected 50\.0%/);
  });

  it("passes a small valid user directory", () => {
    const dir = join(work, "fine");
    mkdirSync(join(dir, "toy"), { recursive: true });
    const lines = (prefix: string) => [
      good(`${prefix}1`, { question: `${prefix}?` }),
      good(`${prefix}2`, { question: `${prefix}!`, options: ["sky", "apple"] }),
    ];
    for (const split of ["train", "dev", "test"]) writeFileSync(join(dir, "toy", `${split}.jsonl`), lines(split).join("\n") + "\n");
    const out = execFileSync("npx", ["tsx", "src/cli/main.ts", "probes", "validate", dir], { cwd: ROOT, encoding: "utf8" });
    expect(out).toContain("ok: 1 abilities");
  });
});
