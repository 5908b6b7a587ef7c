import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic-write.js";
import { sha256Hex } from "../util/hash.js";
import { VERSION } from "../version.js";
import { BprofError } from "../errors.js";
import { renderedPrompt, type MultipleChoiceItem } from "./items.js";
import type { ScoringLM } from "./lm.js";
import {
  accNormPrediction,
  accPrediction,
  applyFilter,
  exactMatch,
  mc2Score,
  meanWithStderr,
  normaliseForMatch,
  perplexityAggregate,
  type MeanWithStderr,
} from "./metrics.js";
import { prepareBenchmark, type PreparedBenchmark, type PrepareOptions } from "./prepare.js";
import {
  scoreBenchmark,
  type GenerationScore,
  type ItemScore,
  type MultipleChoiceScore,
  type ScoreOptions,
  type ScoringPath,
} from "./score.js";
import { loadBenchmarkSpec, metricKeys, primaryMetricKey, type BenchmarkSpec, type LoadedSpec } from "./spec.js";
import { tokenizeBenchmark, type TokenizeOptions } from "./tokenize.js";

/** One line of samples.jsonl for a multiple-choice item. */
export interface MultipleChoiceSample {
  id: string;
  prompt_hash: string;
  path: ScoringPath;
  /** Summed log-probability of each choice's continuation. */
  loglik: number[];
  is_greedy: boolean[];
  /** The choice the primary metric picked. */
  pred: number;
  gold: number;
  correct: boolean;
  /** Every metric's per-item score, keyed as in results.metrics. */
  scores: Record<string, number>;
}

/** One line of samples.jsonl for a generation item. */
export interface GenerationSample {
  id: string;
  prompt_hash: string;
  /** The generation, cut at the first stop sequence. */
  text: string;
  /** The answer the primary metric's filter extracted. */
  pred: string;
  /** Every filter's extracted answer. */
  preds: Record<string, string>;
  /** The reference after exact_match's ignored patterns are removed. */
  gold: string;
  correct: boolean;
  scores: Record<string, number>;
}

export type EvalSample = MultipleChoiceSample | GenerationSample;

export interface EvalResults {
  benchmark: string;
  task: BenchmarkSpec["task"];
  adapter: string;
  spec_path: string;
  spec_hash: string;
  data: string;
  /** Items scored. */
  n: number;
  /** Items the data holds (before the limit). */
  available: number;
  skipped_rows: number;
  chance: number;
  primary_metric: string;
  metrics: Record<string, MeanWithStderr>;
  /** Tokens the model read, summed over items (the shared-context path reads fewer). */
  tokens_fed: number;
  scoring_paths: Record<ScoringPath, number>;
  options: {
    limit: number | null;
    num_fewshot: number;
    fewshot_sampler: string;
    fewshot_seed: number;
    shared_context: boolean;
    add_bos: boolean;
    apply_chat_template: boolean;
    skip_bad_rows: boolean;
  };
  /** The model evaluated and the mask ablated in it, when the caller records them (the CLI does). */
  model?: string;
  mask?: { dir: string; touched: number; checksum: string };
  bprof_version: string;
}

export interface Evaluation {
  results: EvalResults;
  samples: EvalSample[];
}

export interface EvaluateOptions extends PrepareOptions, TokenizeOptions, ScoreOptions {}

/**
 * Load, render, tokenize and score one benchmark. The profile pipeline, which scores the
 * same items on many ablated models, calls the steps itself: prepareBenchmark and
 * tokenizeBenchmark once, then scoreBenchmark and summariseScores per model.
 */
export async function evaluateBenchmark(lm: ScoringLM, spec: LoadedSpec | string, options: EvaluateOptions = {}): Promise<Evaluation> {
  const loaded = typeof spec === "string" ? loadBenchmarkSpec(spec) : spec;
  const prepared = prepareBenchmark(loaded, options);
  const tokenized = tokenizeBenchmark(lm, prepared, options);
  const scores = await scoreBenchmark(lm, tokenized, options);
  return summariseScores(prepared, scores, {
    sharedContext: options.sharedContext ?? true,
    addBos: tokenized.addBos,
    limit: options.limit ?? loaded.spec.limit ?? null,
    skipBadRows: options.skipBadRows ?? false,
  });
}

export interface SummaryOptions {
  sharedContext: boolean;
  addBos: boolean;
  limit: number | null;
  skipBadRows: boolean;
}

/** Per-item samples and aggregate results (mean and standard error per metric). */
export function summariseScores(prepared: PreparedBenchmark, scores: ItemScore[], options: SummaryOptions): Evaluation {
  const { loaded } = prepared;
  const { spec } = loaded;
  const keys = metricKeys(spec);
  const primary = primaryMetricKey(spec);
  const samples = scores.map((score) =>
    score.item.task === "multiple_choice"
      ? multipleChoiceSample(score as MultipleChoiceScore, spec, primary)
      : generationSample(score as GenerationScore, spec, primary),
  );
  const metrics: Record<string, MeanWithStderr> = {};
  for (const key of keys) metrics[key] = (key === "perplexity" ? perplexityAggregate : meanWithStderr)(samples.map((s) => s.scores[key]!));
  const paths: Record<ScoringPath, number> = { shared: 0, naive: 0 };
  for (const sample of samples) if ("path" in sample) paths[sample.path]++;
  const results: EvalResults = {
    benchmark: spec.name,
    task: spec.task,
    adapter: spec.adapter,
    spec_path: loaded.path,
    spec_hash: loaded.hash,
    data: prepared.dataPath,
    n: samples.length,
    available: prepared.available,
    skipped_rows: prepared.skippedRows.length,
    chance: prepared.chance,
    primary_metric: primary,
    metrics,
    tokens_fed: scores.reduce((sum, s) => sum + s.tokensFed, 0),
    scoring_paths: paths,
    options: {
      limit: options.limit,
      num_fewshot: spec.fewshot.n,
      fewshot_sampler: spec.fewshot.sampler,
      fewshot_seed: spec.fewshot.seed,
      shared_context: options.sharedContext,
      add_bos: options.addBos,
      apply_chat_template: spec.apply_chat_template,
      skip_bad_rows: options.skipBadRows,
    },
    bprof_version: VERSION,
  };
  return { results, samples };
}

/** results.json and samples.jsonl (one line per item), each written whole or not at all. */
export function writeEvaluation(outDir: string, evaluation: Evaluation): { resultsPath: string; samplesPath: string } {
  const samplesPath = join(outDir, "samples.jsonl");
  const resultsPath = join(outDir, "results.json");
  writeFileAtomic(samplesPath, evaluation.samples.map((s) => JSON.stringify(s)).join("\n") + "\n");
  writeFileAtomic(resultsPath, JSON.stringify(evaluation.results, null, 2) + "\n");
  return { resultsPath, samplesPath };
}

function multipleChoiceSample(score: MultipleChoiceScore, spec: BenchmarkSpec, primary: string): MultipleChoiceSample {
  const { item } = score;
  const loglik = score.results.map((r) => r.logprob);
  rejectNonFinite(item, loglik);
  const acc = accPrediction(loglik);
  const accNorm = accNormPrediction(loglik, item.choices);
  const scores: Record<string, number> = {};
  // loglikelihood: one continuation; acc is whether greedy decoding gives it, perplexity its log-likelihood (lm-eval's per-item values).
  const single = spec.task === "loglikelihood";
  for (const metric of spec.metrics) {
    if (metric === "acc") scores.acc = (single ? score.results[0]!.isGreedy : acc === item.gold) ? 1 : 0;
    else if (metric === "perplexity") scores.perplexity = loglik[0]!;
    else if (metric === "acc_norm") scores.acc_norm = accNorm === item.gold ? 1 : 0;
    else if (metric === "mc2") scores.mc2 = mc2Score(loglik, item.trueChoices ?? item.choices.map((_, i) => i === item.gold));
  }
  const pred = primary === "acc_norm" ? accNorm : acc;
  const correct = single
    ? score.results[0]!.isGreedy
    : primary === "mc2"
      ? (item.trueChoices?.[pred] ?? pred === item.gold)
      : scores[primary] === 1;
  return {
    id: item.id,
    prompt_hash: sha256Hex(renderedPrompt(item)),
    path: score.path,
    loglik,
    is_greedy: score.results.map((r) => r.isGreedy),
    pred,
    gold: item.gold,
    correct,
    scores,
  };
}

/**
 * A NaN or infinite log-likelihood is never turned into a prediction: argmax over NaNs picks
 * choice 0 and would count it correct whenever the gold is 0. It means the model computes
 * no numbers (non-finite weights, an overflow in a low-precision dtype), so nothing is scored.
 */
function rejectNonFinite(item: MultipleChoiceItem, loglik: number[]): void {
  const bad = loglik.findIndex((value) => !Number.isFinite(value));
  if (bad < 0) return;
  throw new BprofError(
    `item ${item.id}: choice ${bad} has a log-likelihood of ${loglik[bad]}: the model's outputs are not finite numbers ` +
      "(non-finite weights, or an overflow in a low-precision dtype); nothing is scored",
    { ...item.source, field: item.source.field ?? "choices" },
  );
}

function generationSample(score: GenerationScore, spec: BenchmarkSpec, primary: string): GenerationSample {
  const { item, text } = score;
  const preds: Record<string, string> = {};
  const scores: Record<string, number> = {};
  const filters = spec.filters?.length ? spec.filters : [{ name: "", steps: [] }];
  for (const filter of filters) {
    const key = filter.name ? `exact_match,${filter.name}` : "exact_match";
    const extracted = applyFilter(text, filter);
    preds[filter.name || "none"] = extracted;
    scores[key] = exactMatch(extracted, item.target, spec.exact_match) ? 1 : 0;
  }
  const primaryFilter = primary.includes(",") ? primary.slice(primary.indexOf(",") + 1) : "none";
  return {
    id: item.id,
    prompt_hash: sha256Hex(renderedPrompt(item)),
    text,
    pred: preds[primaryFilter]!,
    preds,
    gold: normaliseForMatch(item.target, { ...spec.exact_match, ignore_case: false, ignore_punctuation: false }),
    correct: scores[primary] === 1,
    scores,
  };
}
