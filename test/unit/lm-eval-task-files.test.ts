import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BprofError } from "../../src/errors.js";
import { renderJinja, evaluateJinja } from "../../src/eval/lm-eval-task/jinja.js";
import { readTaskFile } from "../../src/eval/lm-eval-task/task-file.js";
import { prepareBenchmark } from "../../src/eval/prepare.js";
import { summariseScores } from "../../src/eval/evaluate.js";
import type { MultipleChoiceScore } from "../../src/eval/score.js";
import { scoreBenchmark } from "../../src/eval/score.js";
import { selectTasks } from "../../src/eval/select-tasks.js";
import { tokenizeBenchmark } from "../../src/eval/tokenize.js";
import { ByteHashLM } from "../helpers/byte-hash-lm.js";

const dir = mkdtempSync(join(tmpdir(), "bprof-lm-eval-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

function thrown(call: () => unknown): BprofError {
  try {
    call();
  } catch (err) {
    if (err instanceof BprofError) return err;
    throw err;
  }
  throw new Error("expected a BprofError");
}

file("tasks/data.jsonl", [
  JSON.stringify({ q: "one", opts: ["a", "b"], gold: 0 }),
  JSON.stringify({ q: "two", opts: ["c", "d"], gold: 1 }),
  JSON.stringify({ q: "three", opts: ["e", "f"], gold: 1 }),
]);
const base = file("tasks/_base_yaml", [
  "dataset_path: json",
  "dataset_kwargs:",
  "  data_files: data.jsonl",
  "test_split: train",
  "output_type: multiple_choice",
  'doc_to_text: "Q: {{q}}"',
  "doc_to_choice: opts",
  "doc_to_target: gold",
  'description: "About {{q}}.\\n\\n"',
]);
file("tasks/toy_a.yaml", ["include: _base_yaml", "task: toy_a", "tag: [toys, letters]"]);
file("tasks/toy_b.yaml", ["include: _base_yaml", "task: toy_b", "tag: toys", 'target_delimiter: "|"']);
file("tasks/group.yaml", ["group: toy_group", "task: [toy_a, toy_b]"]);

describe("lm-eval task files", () => {
  it("include chains: the including file's keys win, and each key remembers its file and line", () => {
    const raw = readTaskFile(join(dir, "tasks/toy_b.yaml"));
    expect(raw.config).toMatchObject({ task: "toy_b", dataset_path: "json", target_delimiter: "|", tag: "toys" });
    expect(raw.locations.target_delimiter).toEqual({ file: join(dir, "tasks/toy_b.yaml"), line: 4 });
    expect(raw.locations.doc_to_text).toEqual({ file: base, line: 6 });
  });

  it("names: a task, a tag, a group (in --include_path folders); a file; several at once, each once", () => {
    const names = (entries: string[]) => selectTasks(entries, { includePaths: [join(dir, "tasks")] }).map((t) => t.spec.name);
    expect(names(["toy_a"])).toEqual(["toy_a"]);
    expect(names(["toys"])).toEqual(["toy_a", "toy_b"]);
    expect(names(["toy_group"])).toEqual(["toy_a", "toy_b"]);
    expect(names(["letters,toy_b", "toy_a"])).toEqual(["toy_a", "toy_b"]);
    expect(names([join(dir, "tasks/toy_b.yaml")])).toEqual(["toy_b"]);
    expect(thrown(() => names(["nope"])).message).toMatch(/no task, tag or group named 'nope'.*toy_a/);
  });

  it("docs from data_files: description rendered per doc, delimiters and --num_fewshot applied", () => {
    const [task] = selectTasks(["toy_b"], { includePaths: [join(dir, "tasks")], numFewshot: 1 });
    const prepared = prepareBenchmark(task!);
    const first = prepared.items[0]!;
    if (first.task !== "multiple_choice") throw new Error("expected multiple choice");
    // One example from the same split, never the doc itself; then the doc.
    expect(first.requests[0]!.context).toMatch(/^About one\.\n\nQ: (two|three)\|[df]\n\nQ: one$/);
    expect(first.requests.map((r) => r.continuation)).toEqual(["|a", "|b"]);
    expect(prepared.items.map((i) => (i.task === "multiple_choice" ? i.gold : -1))).toEqual([0, 1, 1]);
  });

  it("--system_instruction goes before the description, or into the chat template's system turn", () => {
    const context = (options: { applyChatTemplate?: boolean }) => {
      const [task] = selectTasks(["toy_a"], { includePaths: [join(dir, "tasks")], systemInstruction: "Be brief.", ...options });
      const item = prepareBenchmark(task!).items[0]!;
      if (item.task !== "multiple_choice") throw new Error("expected multiple choice");
      return { context: item.requests[0]!.context, system: item.system };
    };
    expect(context({})).toEqual({ context: "Be brief.\n\nAbout one.\n\nQ: one", system: undefined });
    expect(context({ applyChatTemplate: true })).toEqual({ context: "Q: one", system: "Be brief.\n\nAbout one.\n\n" });
  });

  it("loglikelihood (lm-eval's lambada_openai templates): one continuation, acc = greedy, perplexity = exp(-mean log-likelihood)", async () => {
    file("ll/words.jsonl", [JSON.stringify({ text: "the cat sat on the mat" }), JSON.stringify({ text: "a dog ran in the park" })]);
    const yaml = file("ll/lambada_toy.yaml", [
      "task: lambada_toy",
      "dataset_path: json",
      "dataset_kwargs:",
      "  data_files: words.jsonl",
      "test_split: train",
      "output_type: loglikelihood",
      "doc_to_text: \"{{text.split(' ')[:-1]|join(' ')}}\"",
      "doc_to_target: \"{{' '+text.split(' ')[-1]}}\"",
      'target_delimiter: ""',
      "metric_list:",
      "  - metric: perplexity",
      "    aggregation: perplexity",
      "    higher_is_better: false",
      "  - metric: acc",
      "    aggregation: mean",
      "    higher_is_better: true",
    ]);
    const [task] = selectTasks([yaml]);
    expect(task!.spec).toMatchObject({ task: "loglikelihood", metrics: ["perplexity", "acc"], primary_metric: "acc" });
    const prepared = prepareBenchmark(task!);
    expect(prepared.chance).toBe(0);
    const item = prepared.items[0]!;
    if (item.task !== "multiple_choice") throw new Error("expected one request");
    expect(item.requests).toEqual([{ context: "the cat sat on the", continuation: " mat" }]);
    const lm = new ByteHashLM();
    const tokenized = tokenizeBenchmark(lm, prepared);
    const scores = await scoreBenchmark(lm, tokenized);
    const { results, samples } = summariseScores(prepared, scores, { sharedContext: true, addBos: true, limit: null, skipBadRows: false });
    const lls = scores.map((s) => (s as MultipleChoiceScore).results[0]!);
    expect(samples.map((s) => s.scores)).toEqual(lls.map((r) => ({ perplexity: r.logprob, acc: r.isGreedy ? 1 : 0 })));
    expect(results.metrics.perplexity!.value).toBeCloseTo(Math.exp(-(lls[0]!.logprob + lls[1]!.logprob) / 2), 12);
  });

  it("refuses what it cannot honour, naming file and line", () => {
    const unknownKey = file("bad/unknown.yaml", ["include: ../tasks/_base_yaml", "task: bad", "use_cache_for_everything: true"]);
    expect(thrown(() => selectTasks([unknownKey])).message).toBe(
      `${unknownKey}:3: field 'use_cache_for_everything': 'use_cache_for_everything' is not a key of lm-eval task configs`,
    );
    const wrongFamily = file("bad/borrowed.yaml", [
      "include: ../tasks/_base_yaml",
      "task: mine",
      "doc_to_choice: !function preprocess_winogrande.doc_to_choice",
    ]);
    expect(thrown(() => selectTasks([wrongFamily])).message).toMatch(
      new RegExp(`${wrongFamily}:3: field 'doc_to_choice': !function preprocess_winogrande.doc_to_choice is Python code`),
    );
    const metric = file("bad/metric.yaml", ["include: ../tasks/_base_yaml", "task: bad_metric", "metric_list:", "  - metric: bleu"]);
    expect(thrown(() => selectTasks([metric])).message).toMatch(
      /metric\.yaml:4: field 'metric_list\.0\.metric': metric 'bleu' is not supported/,
    );
    const sampling = file("bad/sample.yaml", [
      "include: ../tasks/_base_yaml",
      "task: bad_sample",
      "output_type: generate_until",
      "generation_kwargs:",
      "  do_sample: true",
    ]);
    expect(thrown(() => selectTasks([sampling])).message).toMatch(/sample\.yaml:5: field 'generation_kwargs': do_sample is not supported/);
    const cycle = file("bad/cycle.yaml", ["include: cycle.yaml", "task: cycle"]);
    expect(thrown(() => readTaskFile(cycle)).message).toMatch(/include cycle/);
    const missing = file("bad/missing.yaml", ["include: nowhere.yaml", "task: missing"]);
    expect(thrown(() => readTaskFile(missing)).message).toBe(
      `${missing}:1: field 'include': included file 'nowhere.yaml' not found (${join(dir, "bad/nowhere.yaml")})`,
    );
  });
});

describe("lm-eval's Jinja", () => {
  const doc = { question: "  Why?  ", choices: { label: ["A", "B"], text: ["x", 'it\'s "y"'] }, answerKey: "B", sol1: "s1", sol2: "s2" };
  it("renders lm-eval's ARC, MMLU, PIQA and TruthfulQA templates", () => {
    expect(renderJinja("{{choices.label.index(answerKey)}}", doc)).toBe("1");
    expect(renderJinja("{{question.strip()}}\nA. {{choices.text[0]}}", doc)).toBe("Why?\nA. x");
    expect(evaluateJinja("{{[sol1, sol2]}}", doc)).toEqual(["s1", "s2"]);
    expect(evaluateJinja("{{choices.text}}", doc)).toEqual(["x", 'it\'s "y"']);
    expect(renderJinja("{% set p = 'Q: a\\n\\n' %}{{p + 'Q: ' + question.strip() + '\\nA:'}}", doc)).toBe("Q: a\n\nQ: Why?\nA:");
    expect(renderJinja("line\n", doc)).toBe("line\n");
  });
  it("is strict about undefined names and Python errors", () => {
    expect(() => renderJinja("{{questoin}}", doc)).toThrow(/undefined variable 'questoin'/);
    expect(() => renderJinja("{{choices.label.index('Z')}}", doc)).toThrow(/ValueError/);
  });
});
