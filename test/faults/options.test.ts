import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bprof,
  expectRefused,
  pokeFloats,
  snapshot,
  TINY_FLOATS,
  writeByteTokenizer,
  writeMcSpec,
  writeTinyCheckpoint,
} from "./fault-helpers.js";

/**
 * Bad options and bad model states met by eval, generate and profile: each refused up front
 * (before the run directory or any output exists), or, where the run can go on, warned about.
 * The model is the suite's tiny llama2.c checkpoint (context 256) with a byte tokenizer.
 */

const tmp = mkdtempSync(join(tmpdir(), "bprof-faults-opt-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let model: string;
let spec: string;
const rows = [0, 1, 2, 3].map((i) => ({ id: `q${i}`, q: `Item ${i} says`, options: ["yes", "no"], a: i % 2 }));

beforeAll(() => {
  const dir = join(tmp, "model");
  mkdirSync(dir, { recursive: true });
  model = join(dir, "tiny.bin");
  writeTinyCheckpoint(model);
  writeByteTokenizer(join(dir, "tokenizer.bin"));
  spec = writeMcSpec(join(tmp, "bench"), "small", rows);
});

function poisoned(name: string, at: number, values: number[]): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "tiny.bin");
  writeTinyCheckpoint(path);
  writeByteTokenizer(join(dir, "tokenizer.bin"));
  pokeFloats(path, at, values);
  return path;
}

describe("non-finite weights never give a score", () => {
  it.each([
    [
      "NaN embeddings",
      TINY_FLOATS.embed,
      [NaN],
      /tiny\.bin: field 'model\.embed_tokens\.weight': tensor 'model\.embed_tokens\.weight' holds a non-finite value \(NaN\) at index \[0, 0\]/,
    ],
    [
      "ten Inf weights of layer 1's down_proj",
      TINY_FLOATS.layer1Down + 37,
      Array(10).fill(Infinity),
      /field 'model\.layers\.1\.mlp\.down_proj\.weight': .* non-finite value \(Infinity\) at index \[1, 5\]/,
    ],
  ])("eval with %s: exit 1 naming the tensor, no results written", (name, at, values, message) => {
    const path = poisoned(`eval-${name.replace(/\W+/g, "-")}`, at as number, values as number[]);
    const out = join(tmp, `eval-out-${Math.random().toString(36).slice(2)}`);
    const r = bprof("eval", "--model", path, "--benchmark", spec, "--out", out);
    expectRefused(r, message as RegExp);
    expect(existsSync(out)).toBe(false);
  });

  it("profile with NaNs in layer 1's down_proj names that tensor; no run directory, no stage kept", () => {
    const path = poisoned("profile-nan", TINY_FLOATS.layer1Down + 37, Array(10).fill(NaN));
    const out = join(tmp, "profile-nan-run");
    const r = bprof(
      "profile",
      "--model",
      path,
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
      "--out",
      out,
    );
    expectRefused(
      r,
      /field 'model\.layers\.1\.mlp\.down_proj\.weight': tensor 'model\.layers\.1\.mlp\.down_proj\.weight' holds a non-finite value \(NaN\) at index \[1, 5\]/,
    );
    expect(existsSync(out)).toBe(false);
  });
});

describe("options refused before any work", () => {
  it("--abilities temporal,temporal: refused up front in one line, no run directory", () => {
    const out = join(tmp, "twice");
    const r = bprof("profile", "--model", model, "--abilities", "temporal,temporal", "--benchmarks", spec, "--out", out);
    expectRefused(r, /^bprof: error: field 'abilities': 'temporal' is given twice$/m);
    expect(existsSync(out)).toBe(false);
  });

  it("an unknown ability (kept: refused before)", () => {
    const out = join(tmp, "unknown");
    expectRefused(
      bprof("profile", "--model", model, "--abilities", "telepathy", "--benchmarks", spec, "--out", out),
      /field 'abilities': unknown ability 'telepathy'/,
    );
    expect(existsSync(out)).toBe(false);
  });
});

describe("generate and the model's context (256 tokens)", () => {
  it("a prompt that fills the context: exit 1, nothing printed", () => {
    const r = bprof("generate", "--model", model, "--prompt", "x".repeat(300), "--max-new-tokens", "4");
    expectRefused(r, /field '--prompt': the prompt is 302 tokens and the model's context is 256: there is no room to generate a token/);
    expect(r.stdout).toBe("");
  });

  it("a prompt that leaves less room than --max-new-tokens: generates, with a warning", () => {
    const r = bprof("generate", "--model", model, "--prompt", "x".repeat(250), "--max-new-tokens", "20", "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/bprof: warning: the prompt is 252 tokens of the model's 256: at most 4 of the 20 new tokens fit/);
    expect((JSON.parse(r.stdout) as { newIds: number[] }).newIds.length).toBeLessThanOrEqual(4);
  });
});

describe("eval warns on contexts cut to the model's length", () => {
  it("one item of four is longer than the context: scored as lm-eval cuts it, with a warning", () => {
    const long = writeMcSpec(join(tmp, "bench-long"), "long", [
      ...rows.slice(0, 3),
      { id: "long", q: "word ".repeat(80), options: ["yes", "no"], a: 0 },
    ]);
    const out = join(tmp, "long-out");
    const r = bprof("eval", "--model", model, "--benchmark", long, "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/bprof: warning: 1 of 4 items of long are longer than the context and are cut as lm-eval cuts them/);
    expect(Object.keys(snapshot(out)).sort()).toEqual(["results.json", "samples.jsonl", "samples_long.jsonl"]); // lm-eval's samples_<task>.jsonl beside bprof's log
  });
});
