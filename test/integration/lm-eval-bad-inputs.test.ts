import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeHubDatasets } from "../../scripts/make-hub-datasets.js";

/**
 * Bad lm-eval inputs stop `bprof eval` before any model is loaded: a non-zero exit, a message
 * naming the file (and line or field), and no output folder. The model path does not exist,
 * so a check that let the input through would fail differently.
 */
const ROOT = resolve(import.meta.dirname, "../..");
const tmp = mkdtempSync(join(tmpdir(), "bprof-lm-eval-bad-"));
const hub = join(tmp, "hub");
const cache = join(tmp, "cache");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ARC_ROWS = ["A", "B", "C"].map((key, i) =>
  JSON.stringify({
    id: `q${i}`,
    question: { stem: `Question ${i}?`, choices: ["A", "B", "C"].map((label) => ({ text: `option ${label}`, label })) },
    answerKey: key,
  }),
);

beforeAll(() => {
  const authors = join(tmp, "authors");
  mkdirSync(join(authors, "arc"), { recursive: true });
  writeFileSync(join(authors, "arc", "ARC-Easy-Test.jsonl"), ARC_ROWS.join("\n") + "\n");
  makeHubDatasets(authors, hub, "parquet");
  makeHubDatasets(authors, cache, "arrow");
});

function task(name: string, lines: string[]): string {
  const path = join(tmp, name);
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

const ARC = [
  "task: arc_toy",
  "dataset_path: allenai/ai2_arc",
  "dataset_name: ARC-Easy",
  "output_type: multiple_choice",
  "test_split: test",
  'doc_to_text: "Question: {{question}}\\nAnswer:"',
  'doc_to_target: "{{choices.label.index(answerKey)}}"',
  'doc_to_choice: "{{choices.text}}"',
];

function evalCli(taskFile: string, dataDir: string) {
  const out = join(tmp, `out-${Math.random().toString(36).slice(2)}`);
  const r = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "src/cli/main.ts"),
      "eval",
      "--model",
      join(tmp, "no-model"),
      "--tasks",
      taskFile,
      "--data-dir",
      dataDir,
      "--out",
      out,
    ],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  return { code: r.status, stderr: r.stderr, wrote: existsSync(out) };
}

describe("bad lm-eval inputs: non-zero exit, file and line named, nothing written", () => {
  it("the good task runs up to the model (which is absent here)", () => {
    const r = evalCli(task("good.yaml", ARC), hub);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no-model/);
  });

  it("an unknown !function", () => {
    const file = task("function.yaml", [...ARC, "process_docs: !function utils.my_preprocessing"]);
    const r = evalCli(file, hub);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:9: field 'process_docs': !function utils.my_preprocessing is Python code`);
    expect(r.wrote).toBe(false);
  });

  it("a Jinja syntax error, at load", () => {
    const file = task("jinja-syntax.yaml", [...ARC.slice(0, 5), 'doc_to_text: "Question: {{question}\\nAnswer:"', ...ARC.slice(6)]);
    const r = evalCli(file, hub);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:6: field 'doc_to_text': Jinja syntax error`);
    expect(r.wrote).toBe(false);
  });

  it("a Jinja error on a row: an undefined variable", () => {
    const file = task("jinja-undefined.yaml", [...ARC.slice(0, 5), 'doc_to_text: "Question: {{questoin}}\\nAnswer:"', ...ARC.slice(6)]);
    const r = evalCli(file, hub);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/test-00000-of-00001\.parquet: field 'row 0\.doc_to_text': undefined variable 'questoin'/);
    expect(r.stderr).toContain(`(doc_to_text in ${file}:6)`);
    expect(r.wrote).toBe(false);
  });

  it("a missing split", () => {
    const file = task("split.yaml", [...ARC.slice(0, 4), "test_split: validation", ...ARC.slice(5)]);
    const r = evalCli(file, hub);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:5: field 'test_split': split 'validation' of allenai/ai2_arc (ARC-Easy) not found`);
    expect(r.stderr).toContain("splits found: test");
    expect(r.wrote).toBe(false);
  });

  it("a dataset_path that is not under --data-dir", () => {
    const file = task("path.yaml", ["task: arc_toy", "dataset_path: someone/elses_dataset", ...ARC.slice(2)]);
    const r = evalCli(file, hub);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:2: field 'dataset_path': dataset 'someone/elses_dataset' is not under --data-dir`);
    expect(r.wrote).toBe(false);
  });

  it("a Parquet file cut short", () => {
    const cut = join(tmp, "hub-cut");
    const file = join(cut, "allenai/ai2_arc/ARC-Easy/test-00000-of-00001.parquet");
    mkdirSync(join(cut, "allenai/ai2_arc/ARC-Easy"), { recursive: true });
    const bytes = readFileSync(join(hub, "allenai/ai2_arc/ARC-Easy/test-00000-of-00001.parquet"));
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const r = evalCli(task("good.yaml", ARC), cut);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: not a readable Parquet file`);
    expect(r.wrote).toBe(false);
  });

  it("an Arrow file of the datasets cache cut short", () => {
    const dir = join(cache, "allenai___ai2_arc/ARC-Easy/0.0.0/0123456789abcdef");
    const file = join(dir, "ai2_arc-test.arrow");
    writeFileSync(file, readFileSync(file).subarray(0, 300));
    const r = evalCli(task("good.yaml", ARC), cache);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: the Arrow file is cut short`);
    expect(r.wrote).toBe(false);
  });
});
