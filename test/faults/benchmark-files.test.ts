import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateBenchmark } from "../../src/eval/evaluate.js";
import type { LoglikelihoodResult } from "../../src/eval/lm.js";
import { BprofError } from "../../src/errors.js";
import { FakeLM } from "../unit/eval-fake-lm.js";
import { bprof, expectRefused, writeByteTokenizer, writeMcSpec, writeTinyCheckpoint } from "./fault-helpers.js";

/**
 * Malformed benchmark data: refused by `benchmarks validate` (no model needed) and by `eval`
 * before any scoring, with file:line:field; nothing is written.
 */

const tmp = mkdtempSync(join(tmpdir(), "bprof-faults-data-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let model: string;
beforeAll(() => {
  mkdirSync(join(tmp, "model"), { recursive: true });
  model = join(tmp, "model", "tiny.bin");
  writeTinyCheckpoint(model);
  writeByteTokenizer(join(tmp, "model", "tokenizer.bin"));
});

const row = (id: string, extra: object = {}) => ({ id, q: `Question ${id}`, options: ["yes", "no"], a: 0, ...extra });

/** name, data rows (objects or raw lines), expected message, whether eval is tried too (the new checks). */
const cases: [string, (object | string)[], RegExp, boolean][] = [
  [
    "a duplicate item id",
    [row("a"), row("b"), row("a")],
    /dup\.jsonl:3: field 'id': duplicate item id "a", first used at .*dup\.jsonl:1/,
    true,
  ],
  // Kinds that were refused before, kept so they stay refused.
  ["a line that is not JSON", [row("a"), "{not json", row("c")], /bad-json\.jsonl:2: malformed JSON/, false],
  [
    "a row without the query field",
    [row("a"), { id: "b", options: ["x", "y"], a: 0 }],
    /no-query\.jsonl:2: field 'q': missing field 'q'/,
    false,
  ],
];

describe("benchmark data faults: benchmarks validate and eval refuse them with file:line:field", () => {
  it.each(cases)("%s", (name, rows, message, alsoEval) => {
    const file = { "a duplicate item id": "dup", "a line that is not JSON": "bad-json", "a row without the query field": "no-query" }[
      name
    ]!;
    const spec = writeMcSpec(join(tmp, "specs"), file, rows);
    const validate = bprof("benchmarks", "validate", spec);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toMatch(message);
    if (!alsoEval) return;
    const out = join(tmp, `out-${file}`);
    expectRefused(bprof("eval", "--model", model, "--benchmark", spec, "--out", out), message);
    expect(existsSync(out)).toBe(false);
  });

  it("bytes that are not UTF-8: refused with the byte offset and line", () => {
    const spec = writeMcSpec(join(tmp, "specs"), "latin1", [row("a")]);
    // A Latin-1 'é' (0xe9) on line 2, byte offset = length of line 1 + 1 + 14.
    const line1 = JSON.stringify(row("a"));
    writeFileSync(
      join(tmp, "specs", "latin1.jsonl"),
      Buffer.concat([Buffer.from(`${line1}\n{"id":"b","q":"caf`), Buffer.from([0xe9]), Buffer.from('","options":["x","y"],"a":0}\n')]),
    );
    const offset = line1.length + 1 + '{"id":"b","q":"caf'.length;
    const validate = bprof("benchmarks", "validate", spec);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toMatch(new RegExp(`latin1\\.jsonl:2: not UTF-8: byte 0xe9 at byte offset ${offset} is not valid UTF-8`));
    const out = join(tmp, "out-latin1");
    expectRefused(bprof("eval", "--model", model, "--benchmark", spec, "--out", out), /latin1\.jsonl:2: not UTF-8: byte 0xe9/);
    expect(existsSync(out)).toBe(false);
  });

  it("a 10,000-character choice: file, line and item id, before scoring", () => {
    const spec = writeMcSpec(join(tmp, "specs"), "long-choice", [
      row("a"),
      row("b"),
      row("huge", { options: ["short", "z".repeat(10_000)] }),
    ]);
    const out = join(tmp, "out-long-choice");
    expectRefused(
      bprof("eval", "--model", model, "--benchmark", spec, "--out", out),
      /long-choice\.jsonl:3: field 'choices': item huge: choice 1 is \d+ tokens, longer than the model's whole context of 256/,
    );
    expect(existsSync(out)).toBe(false);
  });
});

/** A model whose every log-likelihood is NaN (what NaN weights give). */
class NaNLM extends FakeLM {
  override async loglikelihood(requests: { context: number[]; continuation: number[] }[]): Promise<LoglikelihoodResult[]> {
    return (await super.loglikelihood(requests)).map((r) => ({ ...r, logprob: NaN }));
  }
  override async loglikelihoodSharedContexts(
    items: Parameters<FakeLM["loglikelihoodSharedContexts"]>[0],
  ): Promise<LoglikelihoodResult[][]> {
    return (await super.loglikelihoodSharedContexts(items)).map((rs) => rs.map((r) => ({ ...r, logprob: NaN })));
  }
}

describe("non-finite log-likelihoods are never scored as a prediction", () => {
  it("NaN log-likelihoods: an error naming the item and its line, not acc 0.5", async () => {
    const spec = writeMcSpec(join(tmp, "specs"), "nan", [row("first"), row("second")]);
    const run = evaluateBenchmark(new NaNLM(), spec);
    await expect(run).rejects.toThrow(BprofError);
    await expect(evaluateBenchmark(new NaNLM(), spec)).rejects.toThrow(
      /nan\.jsonl:1: field 'choices': item first: choice 0 has a log-likelihood of NaN: .*nothing is scored/,
    );
  });
});
