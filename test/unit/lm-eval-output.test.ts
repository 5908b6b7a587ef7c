import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Ajv from "ajv";
import { summariseScores } from "../../src/eval/evaluate.js";
import { pythonFloat, pythonStr, writeRunOutputs, type TaskRun } from "../../src/eval/lm-eval-output.js";
import { prepareBenchmark } from "../../src/eval/prepare.js";
import { scoreBenchmark } from "../../src/eval/score.js";
import { selectTasks } from "../../src/eval/select-tasks.js";
import { tokenizeBenchmark } from "../../src/eval/tokenize.js";
import { profileJsonSchemaText } from "../../src/stats/profile-json-schema.js";
import { ProfileSchema } from "../../src/stats/profile-schema.js";
import { computeProfile } from "../../src/stats/compute-profile.js";
import { ByteHashLM } from "../helpers/byte-hash-lm.js";
import { syntheticProfileInput } from "../helpers/synthetic-profile.js";

/**
 * The field lists lm-eval's readers rely on, as lm-evaluation-harness writes them:
 * per sample, lm_eval/evaluator.py's `example` dict (then every metric's value) as
 * lm_eval/loggers/evaluation_tracker.py save_results_samples sanitises it; per run, the
 * keys of evaluator.py's results dict and of EvaluationTracker.save_results_aggregated.
 */
const SAMPLE_FIELDS = [
  "doc_id",
  "doc",
  "target",
  "arguments",
  "resps",
  "filtered_resps",
  "filter",
  "metrics",
  "doc_hash",
  "prompt_hash",
  "target_hash",
];
const RESULTS_FIELDS = [
  "results",
  "group_subtasks",
  "configs",
  "versions",
  "n-shot",
  "higher_is_better",
  "n-samples",
  "config",
  "git_hash",
  "date",
  "task_hashes",
];
const TRACKER_FIELDS = [
  "model_source",
  "model_name",
  "model_name_sanitized",
  "system_instruction",
  "system_instruction_sha",
  "fewshot_as_multiturn",
  "chat_template",
  "chat_template_sha",
  "start_time",
  "end_time",
  "total_evaluation_time_seconds",
];

const tmp = mkdtempSync(join(tmpdir(), "bprof-lm-eval-out-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

const rows = [
  { id: "q1", question: "2 + 2 = ?", options: ["3", "4", "5"], answer: 1, note: "ünïcödé ✓" },
  { id: "q2", question: "Capital of France?", options: ["Paris", "Rome", "Oslo"], answer: 0, note: "" },
  { id: "q3", question: "Colour of the sky?", options: ["green", "blue", "red"], answer: 1, note: "nested", extra: { a: [1, 2] } },
];
const mcTask = () =>
  write(
    "toy_mc.yaml",
    [
      "task: toy_mc",
      "dataset_path: json",
      "dataset_kwargs:",
      "  data_files: toy.jsonl",
      "test_split: train",
      "output_type: multiple_choice",
      'doc_to_text: "Q: {{question}}\\nA:"',
      "doc_to_choice: options",
      "doc_to_target: answer",
      "metric_list:",
      "  - metric: acc",
      "  - metric: acc_norm",
      "metadata:",
      "  version: 2.0",
    ].join("\n"),
  );
const genTask = () =>
  write(
    "toy_gen.yaml",
    [
      "task: toy_gen",
      "dataset_path: json",
      "dataset_kwargs:",
      "  data_files: toy.jsonl",
      "test_split: train",
      "output_type: generate_until",
      'doc_to_text: "{{question}}"',
      'doc_to_target: "{{options[answer]}}"',
      "generation_kwargs:",
      '  until: ["\\n"]',
      "  max_gen_toks: 8",
      "filter_list:",
      '  - name: "strict-match"',
      "    filter:",
      '      - function: "regex"',
      '        regex_pattern: "#### (\\\\d+)"',
      '      - function: "take_first"',
    ].join("\n"),
  );

let out: string;

beforeAll(async () => {
  write("toy.jsonl", rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const lm = new ByteHashLM();
  const runs: TaskRun[] = [];
  for (const loaded of selectTasks([mcTask(), genTask()])) {
    const prepared = prepareBenchmark(loaded);
    const tokenized = tokenizeBenchmark(lm, prepared);
    const scores = await scoreBenchmark(lm, tokenized);
    runs.push({
      prepared,
      evaluation: summariseScores(prepared, scores, { sharedContext: true, addBos: true, limit: null, skipBadRows: false }),
    });
  }
  out = join(tmp, "out");
  writeRunOutputs(out, runs, {
    model: "models/toy",
    device: "cpu",
    batchSize: 16,
    limit: null,
    systemInstruction: null,
    applyChatTemplate: false,
    startTime: 1000,
    endTime: 3500,
  });
});

function samples(task: string): Record<string, unknown>[] {
  return readFileSync(join(out, `samples_${task}.jsonl`), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("lm-eval-shaped outputs", () => {
  it("samples_<task>.jsonl lines have exactly lm-eval's logged fields, then one value per listed metric", () => {
    for (const task of ["toy_mc", "toy_gen"]) {
      const lines = samples(task);
      expect(lines).toHaveLength(3);
      for (const [i, line] of lines.entries()) {
        const metrics = line.metrics as string[];
        expect(Object.keys(line).sort()).toEqual([...SAMPLE_FIELDS, ...metrics].sort());
        expect(line.doc_id).toBe(i);
        expect(line.doc).toEqual(rows[i]);
        expect(typeof line.target).toBe("string");
        for (const metric of metrics) expect(typeof line[metric]).toBe("number");
      }
    }
    const [mc] = samples("toy_mc");
    expect(mc!.target).toBe("1");
    expect(mc!.filter).toBe("none");
    expect(mc!.metrics).toEqual(["acc", "acc_norm"]);
    // One request per choice: (context, " " + choice); each response (loglik, is_greedy) as Python's str().
    expect(mc!.arguments).toEqual({
      gen_args_0: { arg_0: "Q: 2 + 2 = ?\nA:", arg_1: " 3" },
      gen_args_1: { arg_0: "Q: 2 + 2 = ?\nA:", arg_1: " 4" },
      gen_args_2: { arg_0: "Q: 2 + 2 = ?\nA:", arg_1: " 5" },
    });
    const resps = mc!.resps as string[][][];
    expect(resps).toHaveLength(3);
    for (const [r] of resps) expect(r).toEqual([expect.stringMatching(/^-\d+\.\d+$/), expect.stringMatching(/^(True|False)$/)]);
    expect(mc!.filtered_resps).toEqual(resps.map(([r]) => r));
    const [gen] = samples("toy_gen");
    expect(gen!.filter).toBe("strict-match");
    expect(gen!.target).toBe("4");
    expect(gen!.arguments).toEqual({
      gen_args_0: { arg_0: "2 + 2 = ?", arg_1: { until: ["\n"], max_gen_toks: 8, do_sample: false, temperature: 0 } },
    });
    expect(gen!.resps).toEqual([[expect.stringMatching(/^#### \d+$/)]]);
    expect(gen!.filtered_resps).toEqual([expect.stringMatching(/^\d+$/)]);
  });

  it("results.json has lm-eval's keys for every task, and bprof's own per task beside it", () => {
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as Record<string, Record<string, unknown>>;
    for (const key of [...RESULTS_FIELDS, ...TRACKER_FIELDS]) expect(results).toHaveProperty([key]);
    for (const key of ["results", "configs", "versions", "n-shot", "higher_is_better", "n-samples", "task_hashes", "group_subtasks"]) {
      expect(Object.keys(results[key]!).sort()).toEqual(["toy_gen", "toy_mc"]);
    }
    const mc = (results.results as Record<string, Record<string, unknown>>).toy_mc!;
    expect(Object.keys(mc).sort()).toEqual(["acc,none", "acc_norm,none", "acc_norm_stderr,none", "acc_stderr,none", "alias"]);
    const lines = samples("toy_mc");
    expect(mc["acc,none"]).toBeCloseTo(lines.reduce((s, l) => s + (l.acc as number), 0) / 3, 12);
    const gen = (results.results as Record<string, Record<string, unknown>>).toy_gen!;
    expect(Object.keys(gen)).toContain("exact_match,strict-match");
    expect(Object.keys(gen)).toContain("exact_match_stderr,strict-match");
    expect(results.versions).toEqual({ toy_mc: 2, toy_gen: null });
    expect(results["n-samples"]).toEqual({ toy_mc: { original: 3, effective: 3 }, toy_gen: { original: 3, effective: 3 } });
    expect((results.configs as Record<string, Record<string, unknown>>).toy_mc!.doc_to_choice).toBe("options");
    expect(results.total_evaluation_time_seconds).toBe("2.5");
    for (const task of ["toy_mc", "toy_gen"]) {
      const own = JSON.parse(readFileSync(join(out, task, "results.json"), "utf8")) as {
        benchmark: string;
        metrics: Record<string, unknown>;
      };
      expect(own.benchmark).toBe(task);
      expect(existsSync(join(out, task, "samples.jsonl"))).toBe(true);
    }
  });

  const python = "/usr/bin/python3";
  it.skipIf(!existsSync(python))(
    "Python recomputes doc_hash, prompt_hash, target_hash and task_hashes as lm-eval does, and reads the results as make_table does",
    () => {
      const script = `
import hashlib, json, sys
h = lambda s: hashlib.sha256(s.encode("utf-8")).hexdigest()
out = sys.argv[1]
res = json.load(open(out + "/results.json", encoding="utf-8"))
for task in ["toy_mc", "toy_gen"]:
    lines = [json.loads(l) for l in open(f"{out}/samples_{task}.jsonl", encoding="utf-8")]
    for s in lines:
        assert s["doc_hash"] == h(json.dumps(s["doc"], indent=2, ensure_ascii=False)), task
        assert s["prompt_hash"] == h(s["arguments"]["gen_args_0"]["arg_0"]), task
        assert s["target_hash"] == h(str(s["target"])), task
    assert res["task_hashes"][task] == h("".join(s["doc_hash"] + s["prompt_hash"] + s["target_hash"] for s in lines)), task
# lm_eval.utils.make_table's reading of a results file
for k, dic in res["results"].items():
    version = res["versions"].get(k, "N/A"); n = str(res.get("n-shot", " ").get(k, " "))
    hib = res.get("higher_is_better", {}).get(k, {})
    for mf, v in dic.items():
        m, _, f = mf.partition(",")
        if m.endswith("_stderr") or m == "alias": continue
        assert hib.get(m) is True, (k, m)
        se = dic[m + "_stderr" + "," + f]
        print(k, version, n, f, m, "%.4f" % v, se if se == "N/A" else "%.4f" % se)
`;
      const r = spawnSync(python, ["-c", script, out], { encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      // JSON has one number type: lm-eval's 2.0 reads back as 2.
      expect(r.stdout).toMatch(/^toy_mc 2 0 none acc /m);
      expect(r.stdout).toMatch(/^toy_gen None 0 strict-match exact_match /m);
    },
  );

  it("logged numbers are Python's str() of them", () => {
    expect(pythonStr(3)).toBe("3");
    expect(pythonStr(true)).toBe("True");
    expect(pythonFloat(-3)).toBe("-3.0");
    expect(pythonFloat(-3.5)).toBe("-3.5");
    expect(pythonFloat(-0.0001)).toBe("-0.0001");
    expect(pythonFloat(-1e-5)).toBe("-1e-05");
    expect(pythonFloat(-123.456e-7)).toBe("-1.23456e-05");
    expect(pythonFloat(1.5e16)).toBe("1.5e+16");
    expect(pythonFloat(1234567890123456.7)).toBe("1234567890123456.8");
  });
});

describe("profile.schema.json", () => {
  it("is generated from the zod schema and validates profiles (and rejects a broken one)", () => {
    const schema = JSON.parse(profileJsonSchemaText()) as Record<string, unknown>;
    const validate = new Ajv({ allErrors: true }).compile(schema);
    for (const options of [{}, { selfProfile: true }, { seed: 7, kValues: [0.01, 0.05] }]) {
      const profile = ProfileSchema.parse(computeProfile(syntheticProfileInput(options)));
      const json = JSON.parse(JSON.stringify(profile)) as Record<string, unknown>;
      expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
      expect(validate({ ...json, schema_version: 99 })).toBe(false);
      const { run: _run, ...withoutRun } = json;
      expect(validate(withoutRun)).toBe(false);
    }
  });
});
