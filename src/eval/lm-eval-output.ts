import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic-write.js";
import { writeEvaluation, type EvalResults, type Evaluation, type GenerationSample, type MultipleChoiceSample } from "./evaluate.js";
import type { GenerationItem, MultipleChoiceItem } from "./items.js";
import { isLmEvalSpec } from "./lm-eval-task/load-task.js";
import type { PreparedBenchmark } from "./prepare.js";
import { sha256Hex } from "../util/hash.js";
import { metricKeys, type BenchmarkSpec } from "./spec.js";

/**
 * bprof's evaluations in the shape lm-evaluation-harness writes them (lm_eval/evaluator.py
 * and lm_eval/loggers/evaluation_tracker.py), so its readers and a user's notebook take them
 * unchanged: `results.json` with `results[task]["acc,none"]`, `configs`, `versions`,
 * `n-shot`, `higher_is_better`, `n-samples`, `config`, `task_hashes`; and
 * `samples_<task>.jsonl`, one line per doc (and per filter), with lm-eval's fields after its
 * logger's sanitising: arguments as {gen_args_i: {arg_j}}, resps and filtered_resps as
 * strings (Python's str() of each value), target as a string.
 */

export interface LmEvalSample {
  doc_id: number;
  doc: unknown;
  target: string;
  arguments: Record<string, Record<string, unknown>>;
  resps: unknown[];
  filtered_resps: unknown[];
  filter: string;
  metrics: string[];
  doc_hash: string;
  prompt_hash: string;
  target_hash: string;
  [metric: string]: unknown;
}

export interface TaskRun {
  prepared: PreparedBenchmark;
  evaluation: Evaluation;
}

export interface RunInfo {
  model: string;
  device: string;
  batchSize: number;
  /** --limit as given: a count, a fraction, or null. */
  limit: number | null;
  systemInstruction: string | null;
  applyChatTemplate: boolean;
  startTime: number;
  endTime: number;
}

export type LmEvalResults = ReturnType<typeof lmEvalResults>;

/** The samples file of one task, in lm-eval's per-sample shape. */
export function lmEvalSamples(run: TaskRun): LmEvalSample[] {
  const { prepared, evaluation } = run;
  const { spec } = prepared.loaded;
  return prepared.items.flatMap((item, docId): LmEvalSample[] => {
    const sample = evaluation.samples[docId]!;
    const doc = item.record ?? {};
    const target = pythonStr(item.loggedTarget ?? (item.task === "multiple_choice" ? item.gold : item.target));
    const hashes = { doc_hash: sha256Hex(JSON.stringify(doc, null, 2)), target_hash: sha256Hex(target) };
    if (item.task === "multiple_choice") {
      const mc = sample as MultipleChoiceSample;
      const results = mc.loglik.map((ll, i) => [pythonFloat(ll), pythonStr(mc.is_greedy[i]!)]);
      return [
        {
          doc_id: docId,
          doc,
          target,
          arguments: mcArguments(item),
          resps: results.map((r) => [r]),
          filtered_resps: results,
          filter: "none",
          metrics: Object.keys(mc.scores),
          ...hashes,
          prompt_hash: sha256Hex(item.requests[0]!.context),
          ...mc.scores,
        },
      ];
    }
    const gen = sample as GenerationSample;
    return Object.entries(gen.preds).map(([filter, extracted]) => {
      const key = filter === "none" ? "exact_match" : `exact_match,${filter}`;
      return {
        doc_id: docId,
        doc,
        target,
        arguments: { gen_args_0: { arg_0: item.prompt, arg_1: generationKwargs(spec) } },
        resps: [[gen.text]],
        filtered_resps: [extracted],
        filter,
        metrics: ["exact_match"],
        ...hashes,
        prompt_hash: sha256Hex((item as GenerationItem).prompt),
        exact_match: gen.scores[key]!,
      };
    });
  });
}

function mcArguments(item: MultipleChoiceItem): LmEvalSample["arguments"] {
  return Object.fromEntries(item.requests.map((r, i) => [`gen_args_${i}`, { arg_0: r.context, arg_1: r.continuation }]));
}

function generationKwargs(spec: BenchmarkSpec): Record<string, unknown> {
  return { until: spec.generation.until, max_gen_toks: spec.generation.max_gen_toks, do_sample: false, temperature: 0 };
}

/** results.json's lm-eval keys for the tasks of one run. */
export function lmEvalResults(runs: TaskRun[], info: RunInfo, samples: Map<string, LmEvalSample[]>) {
  const results: Record<string, Record<string, unknown>> = {};
  const configs: Record<string, unknown> = {};
  const versions: Record<string, unknown> = {};
  const nShot: Record<string, number> = {};
  const higherIsBetter: Record<string, Record<string, boolean>> = {};
  const nSamples: Record<string, { original: number; effective: number }> = {};
  const taskHashes: Record<string, string> = {};
  const groupSubtasks: Record<string, string[]> = {};
  for (const { prepared, evaluation } of runs) {
    const { loaded } = prepared;
    const name = loaded.spec.name;
    const entry: Record<string, unknown> = { alias: isLmEvalSpec(loaded) ? (loaded.lmEval.config.task_alias ?? name) : name };
    for (const key of metricKeys(loaded.spec)) {
      const [metric, filter = "none"] = key.split(",") as [string, string?];
      const aggregate = evaluation.results.metrics[key]!;
      entry[`${metric},${filter}`] = aggregate.value;
      entry[`${metric}_stderr,${filter}`] = aggregate.stderr ?? "N/A";
    }
    results[name] = entry;
    configs[name] = taskConfig(prepared);
    versions[name] = isLmEvalSpec(loaded) ? (loaded.lmEval.config.metadata?.version ?? null) : null;
    nShot[name] = loaded.spec.fewshot.n;
    higherIsBetter[name] = Object.fromEntries(loaded.spec.metrics.map((m) => [m, m !== "perplexity"]));
    nSamples[name] = { original: prepared.available, effective: evaluation.results.n };
    groupSubtasks[name] = [];
    const lines = samples.get(name) ?? [];
    taskHashes[name] = sha256Hex(lines.map((s) => s.doc_hash + s.prompt_hash + s.target_hash).join(""));
  }
  return {
    results,
    group_subtasks: groupSubtasks,
    configs,
    versions,
    "n-shot": nShot,
    higher_is_better: higherIsBetter,
    "n-samples": nSamples,
    config: {
      model: "bprof",
      model_args: `pretrained=${info.model}`,
      batch_size: info.batchSize,
      batch_sizes: [],
      device: info.device,
      use_cache: null,
      limit: info.limit,
      bootstrap_iters: 0,
      gen_kwargs: null,
      random_seed: null,
      numpy_seed: null,
      torch_seed: null,
      fewshot_seed: 1234,
    },
    git_hash: null,
    date: info.startTime / 1000,
    task_hashes: taskHashes,
    model_source: "bprof",
    model_name: info.model,
    model_name_sanitized: info.model.replaceAll("/", "__"),
    system_instruction: info.systemInstruction,
    system_instruction_sha: info.systemInstruction === null ? null : sha256Hex(info.systemInstruction),
    fewshot_as_multiturn: false,
    chat_template: null,
    chat_template_sha: null,
    start_time: info.startTime / 1000,
    end_time: info.endTime / 1000,
    total_evaluation_time_seconds: String((info.endTime - info.startTime) / 1000),
  };
}

/** lm-eval's config of a task: the task file's merged keys, or the shipped spec's settings in lm-eval's names. */
function taskConfig({ loaded }: PreparedBenchmark): Record<string, unknown> {
  const { spec } = loaded;
  const shared = { num_fewshot: spec.fewshot.n, target_delimiter: spec.target_delimiter, fewshot_delimiter: spec.fewshot_delimiter };
  if (isLmEvalSpec(loaded)) return { ...loaded.lmEval.config, ...shared };
  return {
    task: spec.name,
    output_type: spec.task,
    description: spec.description,
    ...shared,
    fewshot_config: { sampler: spec.fewshot.sampler === "first_n" ? "first_n" : "default" },
    metric_list: spec.metrics.map((metric) => ({
      metric,
      aggregation: metric === "perplexity" ? "perplexity" : "mean",
      higher_is_better: metric !== "perplexity",
    })),
    ...(spec.task === "generate_until" ? { generation_kwargs: generationKwargs(spec) } : {}),
    metadata: { bprof_spec: loaded.path, bprof_adapter: spec.adapter },
  };
}

/**
 * Write a run: `results.json` with lm-eval's keys and `samples_<task>.jsonl` per task in
 * outDir; bprof's own results and samples.jsonl beside them (one task: in outDir, results.json
 * then holds bprof's keys too; several: in outDir/<task>/). Every file is written whole or not at all.
 */
export function writeRunOutputs(outDir: string, runs: TaskRun[], info: RunInfo): string[] {
  const samples = new Map(runs.map((run) => [run.prepared.loaded.spec.name, lmEvalSamples(run)]));
  const lmEval = lmEvalResults(runs, info, samples);
  const written: string[] = [];
  for (const [task, lines] of samples) {
    const path = join(outDir, `samples_${task}.jsonl`);
    writeFileAtomic(path, lines.map((line) => JSON.stringify(line)).join("\n") + "\n");
    written.push(path);
  }
  if (runs.length === 1) {
    const { evaluation } = runs[0]!;
    const merged: EvalResults & LmEvalResults = { ...evaluation.results, ...lmEval };
    const { resultsPath, samplesPath } = writeEvaluation(outDir, { results: merged, samples: evaluation.samples });
    return [resultsPath, samplesPath, ...written];
  }
  for (const { prepared, evaluation } of runs) {
    const { resultsPath, samplesPath } = writeEvaluation(join(outDir, prepared.loaded.spec.name), evaluation);
    written.push(resultsPath, samplesPath);
  }
  const resultsPath = join(outDir, "results.json");
  writeFileAtomic(resultsPath, JSON.stringify(lmEval, null, 2) + "\n");
  return [resultsPath, ...written];
}

/** Python's str() of a logged value (integers as ints; a log-likelihood goes through pythonFloat), booleans True/False. */
export function pythonStr(value: unknown): string {
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return Number.isInteger(value) && !Object.is(value, -0) ? String(value) : pythonFloat(value);
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/** Python's str() of a float: "-3.0", "-1e-05", "1.5e+16" (repr's shortest digits, its exponent rules). */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const exponent = Math.floor(Math.log10(Math.abs(x)));
  if (exponent < -4 || exponent >= 16) {
    const [mantissa, exp] = x.toExponential().split("e") as [string, string];
    const sign = exp.startsWith("-") ? "-" : "+";
    return `${mantissa}e${sign}${exp.replace(/^[+-]/, "").padStart(2, "0")}`;
  }
  const text = String(x);
  return text.includes(".") || text.includes("e") ? text : `${text}.0`;
}
