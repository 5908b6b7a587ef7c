import { existsSync } from "node:fs";
import { dirname, extname, isAbsolute, resolve } from "node:path";
import { BprofError } from "../../errors.js";
import { findHubSplit } from "../files/hub-dataset.js";
import { sha256Hex, stableJson } from "../../util/hash.js";
import { benchmarkSpecSchema, type BenchmarkSpec, type LoadedSpec, type MetricName } from "../spec.js";
import { builtinFunction } from "./builtin-functions.js";
import { lmEvalTaskSchema, type LmEvalMetric, type LmEvalTaskConfig } from "./config.js";
import { docFields, type DocFields } from "./doc-fields.js";
import { readTaskFile, type KeyLocation, type RawTaskFile } from "./task-file.js";

/** An lm-eval task made into a bprof benchmark: the spec every later stage reads, and what the lm-eval adapter needs. */
export interface LmEvalTaskSource {
  config: LmEvalTaskConfig;
  locations: Record<string, KeyLocation>;
  fields: DocFields;
  /** The files of each split read: its first file (the spec's `data`, or `fewshot.source`) → every shard. */
  shards: Map<string, string[]>;
  evalSplit: string;
  fewshotSplit: string | null;
}

export interface LmEvalLoadedSpec extends LoadedSpec {
  lmEval: LmEvalTaskSource;
}

export function isLmEvalSpec(loaded: LoadedSpec): loaded is LmEvalLoadedSpec {
  return "lmEval" in loaded;
}

export interface LmEvalLoadOptions {
  /** Hub clones and/or a `datasets` cache, where dataset_path / dataset_name / splits are looked up. */
  dataDir?: string;
  /** --num_fewshot: overrides the task's num_fewshot. */
  numFewshot?: number;
}

/** The adapter name a converted task's spec carries (adapters/index.ts maps it to lm-eval-adapter.ts). */
export const LM_EVAL_ADAPTER = "lm-eval";

const SUPPORTED_METRICS: Record<string, MetricName> = {
  acc: "acc",
  acc_norm: "acc_norm",
  exact_match: "exact_match",
  perplexity: "perplexity",
};
type OutputType = "multiple_choice" | "generate_until" | "loglikelihood";
const METRICS_OF: Record<OutputType, MetricName[]> = {
  multiple_choice: ["acc", "acc_norm"],
  generate_until: ["exact_match"],
  loglikelihood: ["perplexity", "acc"],
};

/** Read an lm-eval task file (its include chain merged) and find its data. */
export function loadLmEvalTask(path: string, options: LmEvalLoadOptions = {}): LmEvalLoadedSpec {
  return lmEvalTaskFromFile(readTaskFile(path), resolve(path), options);
}

export function lmEvalTaskFromFile(raw: RawTaskFile, path: string, options: LmEvalLoadOptions): LmEvalLoadedSpec {
  const at = (key: string, field = key) => ({ file: raw.locations[key]?.file ?? path, line: raw.locations[key]?.line, field });
  const parsed = lmEvalTaskSchema.safeParse(raw.config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.code === "unrecognized_keys" ? issue.keys[0]! : String(issue.path[0] ?? "");
    const message = issue.code === "unrecognized_keys" ? `'${key}' is not a key of lm-eval task configs` : issue.message;
    throw new BprofError(message, key ? at(key, [key, ...issue.path.slice(1).map(String)].join(".")) : { file: path });
  }
  const config = parsed.data;
  refuseUnsupported(config, at);

  const fields = docFields(config, raw.locations);
  const task = outputType(config, at);
  const metricList = config.metric_list ?? defaultMetrics(task);
  const mc2 = config.process_results ? builtinFunction(config.process_results, "process_results", config.task) : undefined;
  const metrics = mc2
    ? (["mc2"] as MetricName[])
    : metricList.map((m, i) => metricName(m, task, at("metric_list", `metric_list.${i}.metric`)));
  const exactMatch = metricList.find((m) => m.metric === "exact_match");

  const numFewshot = options.numFewshot ?? config.num_fewshot ?? 0;
  const shards = new Map<string, string[]>();
  const evalSplitKey = config.test_split ? "test_split" : config.validation_split ? "validation_split" : null;
  if (!evalSplitKey) throw new BprofError("the task names neither a test_split nor a validation_split to evaluate", at("task"));
  const evalSplit = config[evalSplitKey]!;
  const evalFiles = splitFiles(config, evalSplit, evalSplitKey, path, at, options);
  shards.set(evalFiles[0]!, evalFiles);

  const fewshotKey =
    numFewshot === 0
      ? null
      : ((["fewshot_split", "training_split", "validation_split"] as const).find((key) => config[key]) ?? evalSplitKey);
  const fewshotSplit = fewshotKey ? config[fewshotKey]! : null;
  let fewshotSource: string | undefined;
  if (fewshotKey && fewshotSplit !== evalSplit) {
    const files = splitFiles(config, fewshotSplit!, fewshotKey, path, at, options);
    shards.set(files[0]!, files);
    fewshotSource = files[0]!;
  }
  const sampler = config.fewshot_config?.sampler ?? "default";
  if (sampler !== "default" && sampler !== "first_n")
    throw new BprofError(
      `fewshot sampler '${sampler}' is not supported (default, first_n)`,
      at("fewshot_config", "fewshot_config.sampler"),
    );

  const generation = config.generation_kwargs ?? {};
  const until = generation.until === undefined ? [] : typeof generation.until === "string" ? [generation.until] : generation.until;
  const candidate = {
    name: config.task,
    task,
    adapter: LM_EVAL_ADAPTER,
    data: evalFiles[0]!,
    description: "",
    target_delimiter: config.target_delimiter,
    fewshot_delimiter: config.fewshot_delimiter,
    fewshot: {
      n: numFewshot,
      ...(fewshotSource ? { source: fewshotSource } : {}),
      sampler: sampler === "first_n" ? "first_n" : "random",
      seed: 1234,
    },
    metrics,
    // The per-item score the profile uses: greedy acc, not a log-likelihood, for loglikelihood tasks.
    ...(task === "loglikelihood" && metrics.includes("acc") ? { primary_metric: "acc" } : {}),
    exact_match: {
      ignore_case: exactMatch?.ignore_case ?? false,
      ignore_punctuation: exactMatch?.ignore_punctuation ?? false,
      regexes_to_ignore: exactMatch?.regexes_to_ignore ?? [],
    },
    ...(config.filter_list?.length
      ? { filters: config.filter_list.map((filter, i) => answerFilter(filter, at("filter_list", `filter_list.${i}`))) }
      : {}),
    // lm-eval's default stop sequence for generation is the few-shot delimiter.
    generation: {
      until: until.length ? until : task === "generate_until" ? [config.fewshot_delimiter] : [],
      max_gen_toks: generation.max_gen_toks ?? 256,
    },
  };
  const spec = benchmarkSpecSchema.safeParse(candidate);
  if (!spec.success) {
    const issue = spec.error.issues[0]!;
    throw new BprofError(issue.message, { file: path, field: issue.path.map(String).join(".") || undefined });
  }
  const fieldLines: Record<string, number> = {};
  for (const [key, location] of Object.entries(raw.locations))
    if (location.file === path && location.line !== undefined) fieldLines[key] = location.line;
  return {
    spec: spec.data as BenchmarkSpec,
    path,
    hash: sha256Hex(stableJson(raw.config)),
    fieldLines,
    lmEval: { config, locations: raw.locations, fields, shards, evalSplit, fewshotSplit },
  };
}

function outputType(config: LmEvalTaskConfig, at: (key: string) => KeyLocationWithField): OutputType {
  const type = config.output_type;
  if (type !== "loglikelihood_rolling") return type;
  throw new BprofError(`output_type '${type}' is not supported yet (multiple_choice, generate_until, loglikelihood)`, at("output_type"));
}

type KeyLocationWithField = { file: string; line?: number; field: string };

/** lm-eval's default metrics of an output type (its registry's DEFAULT_METRIC_REGISTRY). */
function defaultMetrics(task: OutputType): LmEvalMetric[] {
  return METRICS_OF[task].map((metric) => ({ metric }));
}

function metricName(metric: LmEvalMetric, task: OutputType, where: KeyLocationWithField): MetricName {
  if (typeof metric.metric !== "string")
    throw new BprofError(`!function ${metric.metric.function} as a metric is Python code, which bprof does not run`, where);
  const name = SUPPORTED_METRICS[metric.metric];
  if (!name) throw new BprofError(`metric '${metric.metric}' is not supported (${Object.keys(SUPPORTED_METRICS).join(", ")})`, where);
  const aggregation = name === "perplexity" ? "perplexity" : "mean";
  if (metric.aggregation !== undefined && metric.aggregation !== aggregation) {
    throw new BprofError(
      `aggregation '${typeof metric.aggregation === "string" ? metric.aggregation : metric.aggregation.function}' of ${name} is not supported (${aggregation})`,
      where,
    );
  }
  if (!METRICS_OF[task].includes(name)) throw new BprofError(`metric '${name}' does not apply to output_type '${task}'`, where);
  return name;
}

function answerFilter(
  filter: NonNullable<LmEvalTaskConfig["filter_list"]>[number],
  where: KeyLocationWithField,
): NonNullable<BenchmarkSpec["filters"]>[number] {
  const steps: NonNullable<BenchmarkSpec["filters"]>[number]["steps"] = [];
  filter.filter.forEach((step, i) => {
    const here = { ...where, field: `${where.field}.filter.${i}` };
    switch (step.function) {
      case "regex":
        if (step.regex_pattern === undefined) throw new BprofError("a regex filter needs regex_pattern", here);
        steps.push({
          function: "regex",
          pattern: step.regex_pattern,
          group_select: step.group_select ?? 0,
          fallback: step.fallback ?? "[invalid]",
        });
        break;
      case "take_first":
        // One response per doc (repeats: 1): taking the first changes nothing.
        break;
      case "remove_whitespace":
      case "lowercase":
      case "uppercase":
        steps.push({ function: step.function });
        break;
      default:
        throw new BprofError(
          `filter function '${step.function}' is not supported (regex, take_first, remove_whitespace, lowercase, uppercase)`,
          here,
        );
    }
  });
  return { name: filter.name, steps };
}

function refuseUnsupported(config: LmEvalTaskConfig, at: (key: string) => KeyLocationWithField): void {
  for (const key of [
    "custom_dataset",
    "doc_to_image",
    "doc_to_audio",
    "use_prompt",
    "gen_prefix",
    "multiple_inputs",
    "multiple_targets",
  ] as const) {
    if (config[key] !== undefined && config[key] !== null)
      throw new BprofError(`'${key}' is an lm-eval key bprof does not support`, at(key));
  }
  if (config.repeats !== 1) throw new BprofError("repeats other than 1 are not supported (bprof decodes greedily)", at("repeats"));
  if (config.generation_kwargs?.do_sample)
    throw new BprofError("do_sample is not supported (bprof decodes greedily)", at("generation_kwargs"));
  const metricsWithFunctions = config.process_results && config.metric_list?.some((m) => m.metric !== "acc");
  if (metricsWithFunctions) throw new BprofError("process_results with metrics other than acc is not supported", at("process_results"));
}

/** The files of one split: dataset_kwargs.data_files for a local json/parquet/csv dataset, else the Hub layout under --data-dir. */
function splitFiles(
  config: LmEvalTaskConfig,
  split: string,
  splitKey: string,
  path: string,
  at: (key: string, field?: string) => KeyLocationWithField,
  options: LmEvalLoadOptions,
): string[] {
  const dataFiles = config.dataset_kwargs?.data_files;
  if (dataFiles !== undefined) {
    const entry =
      typeof dataFiles === "string" || Array.isArray(dataFiles) ? (split === "train" ? dataFiles : undefined) : dataFiles[split];
    if (entry === undefined) throw new BprofError(`dataset_kwargs.data_files has no '${split}' split`, at(splitKey));
    const where = at("dataset_kwargs", "dataset_kwargs.data_files");
    return (typeof entry === "string" ? [entry] : entry).map((file) => {
      const candidates = isAbsolute(file) ? [file] : [resolve(dirname(where.file), file), resolve(file)];
      const found = candidates.find((candidate) => existsSync(candidate));
      if (!found) throw new BprofError(`data file '${file}' not found (looked at ${candidates.join(", ")})`, where);
      if (extname(found) === ".csv") throw new BprofError("CSV data_files are not supported yet (jsonl, json, parquet, arrow)", where);
      return found;
    });
  }
  if (!options.dataDir) {
    throw new BprofError(
      `dataset '${config.dataset_path}' needs --data-dir: a folder of Hub dataset clones (Parquet) or a datasets cache (Arrow)`,
      at("dataset_path"),
    );
  }
  const dataDir = resolve(options.dataDir);
  if (!existsSync(dataDir)) throw new BprofError("--data-dir not found", { file: dataDir, field: "--data-dir" });
  const name = config.dataset_name ?? null;
  const found = findHubSplit({ dataDir, path: config.dataset_path, name, split });
  if (found.found) return found.files;
  if (!found.datasetFound) {
    throw new BprofError(
      `dataset '${config.dataset_path}' is not under --data-dir ${dataDir} (looked for ${config.dataset_path}/, ${config.dataset_path.split("/").at(-1)}/ and ${config.dataset_path.replaceAll("/", "___")}/)`,
      at("dataset_path"),
    );
  }
  const dataset = name ? `${config.dataset_path} (${name})` : config.dataset_path;
  const known = found.splits.length ? `; splits found: ${found.splits.join(", ")}` : "";
  throw new BprofError(
    `split '${split}' of ${dataset} not found under ${dataDir} (looked in ${found.tried.join(", ")})${known}`,
    at(splitKey),
  );
}
