import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BprofError } from "../../src/errors.js";
import { prepareBenchmark } from "../../src/eval/prepare.js";
import { loadBenchmarkSpec } from "../../src/eval/spec.js";

const dir = mkdtempSync(join(tmpdir(), "bprof-eval-bad-"));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function spec(name: string, lines: string[]): string {
  return file(name, lines.join("\n") + "\n");
}

function arcRow(answerKey: string): string {
  return JSON.stringify({
    id: `q-${answerKey}`,
    question: { stem: "Which?", choices: ["A", "B", "C", "D"].map((label) => ({ text: `option ${label}`, label })) },
    answerKey,
  });
}

const arcSpec = spec("arc.yaml", ["name: arc_test", "task: multiple_choice", "adapter: arc", "data: arc.jsonl", "metrics: [acc]"]);

/** The BprofError a call throws, to assert on its location. */
function thrown(call: () => unknown): BprofError {
  try {
    call();
  } catch (err) {
    if (err instanceof BprofError) return err;
    throw err;
  }
  throw new Error("expected a BprofError");
}

describe("bad benchmark data gives clear errors", () => {
  it("a malformed row fails with file:line by default", () => {
    file("arc.jsonl", [arcRow("A"), arcRow("B"), '{"id": "broken", "question":', arcRow("C")].join("\n"));
    const err = thrown(() => prepareBenchmark(loadBenchmarkSpec(arcSpec)));
    expect(err.file).toBe(join(dir, "arc.jsonl"));
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/arc\.jsonl:3: malformed JSON/);
  });

  it("skipBadRows skips the malformed row and counts it", () => {
    file("arc.jsonl", [arcRow("A"), arcRow("B"), '{"id": "broken", "question":', arcRow("C")].join("\n"));
    const prepared = prepareBenchmark(loadBenchmarkSpec(arcSpec), { skipBadRows: true });
    expect(prepared.items.map((i) => i.id)).toEqual(["q-A", "q-B", "q-C"]);
    expect(prepared.skippedRows).toHaveLength(1);
    expect(prepared.skippedRows[0]).toMatchObject({ line: 3 });
  });

  it("missing gold names the field and line", () => {
    file(
      "arc.jsonl",
      [
        arcRow("A"),
        JSON.stringify({
          id: "x",
          question: {
            stem: "?",
            choices: [
              { text: "a", label: "A" },
              { text: "b", label: "B" },
            ],
          },
        }),
      ].join("\n"),
    );
    const err = thrown(() => prepareBenchmark(loadBenchmarkSpec(arcSpec)));
    expect(err).toMatchObject({ line: 2, field: "answerKey" });
    expect(err.message).toMatch(/missing field 'answerKey'/);
  });

  it("gold not among the choices names the labels there are", () => {
    file("arc.jsonl", [arcRow("F")].join("\n"));
    const err = thrown(() => prepareBenchmark(loadBenchmarkSpec(arcSpec)));
    expect(err).toMatchObject({ line: 1, field: "answerKey" });
    expect(err.message).toMatch(/gold 'F' is not among the choices A, B, C, D/);
  });

  it("generic adapter: missing gold field and gold outside the choices", () => {
    const generic = spec("generic.yaml", [
      "name: generic_test",
      "task: multiple_choice",
      "adapter: generic",
      "data: generic.jsonl",
      "template: { query: '{{q}}', choices: opts, gold: '{{answer}}' }",
      "metrics: [acc]",
    ]);
    file(
      "generic.jsonl",
      [JSON.stringify({ q: "1+1?", opts: ["1", "2"], answer: 1 }), JSON.stringify({ q: "2+2?", opts: ["3", "4"] })].join("\n"),
    );
    expect(thrown(() => prepareBenchmark(loadBenchmarkSpec(generic)))).toMatchObject({ line: 2, field: "answer" });
    file("generic.jsonl", JSON.stringify({ q: "2+2?", opts: ["3", "4"], answer: "five" }) + "\n");
    const err = thrown(() => prepareBenchmark(loadBenchmarkSpec(generic)));
    expect(err).toMatchObject({ line: 1, field: "gold" });
    expect(err.message).toMatch(/gold 'five' is not among the choices/);
  });

  it("an empty file is an error, not a benchmark of zero items", () => {
    file("arc.jsonl", "");
    const err = thrown(() => prepareBenchmark(loadBenchmarkSpec(arcSpec)));
    expect(err.file).toBe(join(dir, "arc.jsonl"));
    expect(err.message).toMatch(/no items/);
  });

  it("a missing data file names it", () => {
    const missing = spec("missing.yaml", ["name: m", "task: multiple_choice", "adapter: arc", "data: nowhere.jsonl", "metrics: [acc]"]);
    expect(thrown(() => prepareBenchmark(loadBenchmarkSpec(missing))).message).toMatch(/nowhere\.jsonl: cannot read data file \(ENOENT\)/);
  });

  it("an unknown adapter names the spec line and the adapters there are", () => {
    const unknown = spec("unknown.yaml", ["name: u", "task: multiple_choice", "adapter: arcc", "data: arc.jsonl", "metrics: [acc]"]);
    const err = thrown(() => prepareBenchmark(loadBenchmarkSpec(unknown)));
    expect(err).toMatchObject({ file: unknown, line: 3, field: "adapter" });
    expect(err.message).toMatch(/unknown adapter 'arcc' \(known: arc, bbh/);
  });

  it("a spec error names the field and its line", () => {
    const wrongMetric = spec("metric.yaml", ["name: w", "task: generate_until", "adapter: gsm8k", "data: x.jsonl", "metrics:", "  - acc"]);
    expect(thrown(() => loadBenchmarkSpec(wrongMetric))).toMatchObject({ line: 6, field: "metrics.0" });
    const typo = spec("typo.yaml", [
      "name: t",
      "task: multiple_choice",
      "adapter: arc",
      "data: x.jsonl",
      "metrics: [acc]",
      "fewshot: { n: 2, sede: 3 }",
    ]);
    expect(thrown(() => loadBenchmarkSpec(typo)).line).toBe(6);
    const primary = spec("primary.yaml", [
      "name: p",
      "task: multiple_choice",
      "adapter: arc",
      "data: x.jsonl",
      "metrics: [acc]",
      "primary_metric: acc_norm",
    ]);
    expect(thrown(() => loadBenchmarkSpec(primary))).toMatchObject({ line: 6, field: "primary_metric" });
    const adapterTask = spec("task.yaml", ["name: t", "task: generate_until", "adapter: arc", "data: arc.jsonl", "metrics: [exact_match]"]);
    expect(thrown(() => prepareBenchmark(loadBenchmarkSpec(adapterTask)))).toMatchObject({ line: 3, field: "adapter" });
  });

  it("MMLU: wrong column count and an unterminated quote", () => {
    const mmlu = spec("mmlu.yaml", ["name: mm", "task: multiple_choice", "adapter: mmlu", "data: algebra_test.csv", "metrics: [acc]"]);
    file("algebra_test.csv", 'What is 1+1?,1,2,3,4,B\n"A question\nover two lines",a,b,c,d,D\nshort,row\n');
    const err = thrown(() => prepareBenchmark(loadBenchmarkSpec(mmlu)));
    expect(err).toMatchObject({ line: 4 });
    expect(err.message).toMatch(/expected 6 columns/);
    file("algebra_test.csv", 'What is 1+1?,1,2,3,4,B\n"never closed,1,2,3,4,B\n');
    expect(thrown(() => prepareBenchmark(loadBenchmarkSpec(mmlu)))).toMatchObject({ line: 2 });
  });

  it("PIQA: a labels file that is not line-aligned", () => {
    const piqa = spec("piqa.yaml", ["name: p", "task: multiple_choice", "adapter: piqa", "data: valid.jsonl", "metrics: [acc]"]);
    file("valid.jsonl", [1, 2, 3].map((i) => JSON.stringify({ goal: `g${i}`, sol1: "a", sol2: "b" })).join("\n") + "\n");
    file("valid-labels.lst", "0\n1\n");
    const err = thrown(() => prepareBenchmark(loadBenchmarkSpec(piqa)));
    expect(err.file).toBe(join(dir, "valid-labels.lst"));
    expect(err.message).toMatch(/2 lines but .* has 3 rows/);
    file("valid-labels.lst", "0\n2\n1\n");
    expect(thrown(() => prepareBenchmark(loadBenchmarkSpec(piqa))).message).toMatch(
      /valid\.jsonl:2: field 'label': gold "2" \(.*valid-labels\.lst:2\) is not among the labels 0, 1/,
    );
  });
});
