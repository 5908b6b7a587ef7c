import { compileRegex } from "./python-regex.js";
import type { AnswerFilter, ExactMatchOptions, FilterStep } from "./spec.js";

/**
 * Per-item metrics and their aggregation, with lm-evaluation-harness's definitions:
 * - acc: the choice with the highest summed log-likelihood is the gold one;
 * - acc_norm: the same after dividing each log-likelihood by its choice's length in
 *   characters (the choice text without the delimiter), which removes the bias for short
 *   answers;
 * - mc2: the normalised probability mass the model puts on the true answers;
 * - exact_match: the filtered generation equals the reference after both are normalised.
 */

/** Index of the largest value; the first on ties, like numpy.argmax. */
export function argmax(values: number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

export function accPrediction(logliks: number[]): number {
  return argmax(logliks);
}

export function accNormPrediction(logliks: number[], choices: string[]): number {
  return argmax(logliks.map((ll, i) => ll / choices[i]!.length));
}

/** sum over true answers of p_i / sum over all answers of p_i, with p_i = exp(loglik_i). */
export function mc2Score(logliks: number[], trueChoices: boolean[]): number {
  const top = Math.max(...logliks);
  // Shift by the largest log-likelihood so exp() cannot underflow to 0/0.
  const probs = logliks.map((ll) => Math.exp(ll - top));
  const total = probs.reduce((a, b) => a + b, 0);
  const onTrue = probs.reduce((sum, p, i) => sum + (trueChoices[i] ? p : 0), 0);
  return onTrue / total;
}

/** Cut a generation at the first occurrence of any stop sequence. */
export function cutAtStop(text: string, stop: string[]): string {
  let end = text.length;
  for (const s of stop) {
    if (s === "") continue;
    const at = text.indexOf(s);
    if (at >= 0 && at < end) end = at;
  }
  return text.slice(0, end);
}

/** Apply an answer-extraction filter (lm-eval's filter pipeline, one response per item). */
export function applyFilter(text: string, filter: AnswerFilter): string {
  return filter.steps.reduce(applyStep, text);
}

function applyStep(text: string, step: FilterStep): string {
  switch (step.function) {
    case "remove_whitespace":
      return text.trimStart();
    case "lowercase":
      return text.toLowerCase();
    case "uppercase":
      return text.toUpperCase();
    case "regex":
      return regexExtract(text, step.pattern, step.group_select, step.fallback);
  }
}

/**
 * Python's re.findall semantics: each match yields its one capture group, or the whole
 * match without groups, or (several groups) the first non-empty group. group_select picks a
 * match, negative counting from the end (-1: the last number in the text). No match gives
 * the fallback ("[invalid]").
 */
export function regexExtract(text: string, pattern: string, groupSelect: number, fallback: string): string {
  const regex = compileRegex(pattern, "g");
  // null: a match whose groups all came out empty, which Python's filter also rejects.
  const found: (string | null)[] = [];
  for (const match of text.matchAll(regex)) {
    const groups = match.slice(1);
    if (groups.length === 0) found.push(match[0]);
    else if (groups.length === 1) found.push(groups[0] ?? "");
    else found.push(groups.find((g) => g !== undefined && g !== "") ?? null);
  }
  const index = groupSelect < 0 ? found.length + groupSelect : groupSelect;
  const picked = found[index];
  return picked === undefined || picked === null ? fallback : picked.trim();
}

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/** lm-eval's exact_match: remove the ignored patterns from both sides, optionally fold case and punctuation, compare. */
export function exactMatch(prediction: string, reference: string, options: ExactMatchOptions): boolean {
  return normaliseForMatch(prediction, options) === normaliseForMatch(reference, options);
}

export function normaliseForMatch(text: string, options: ExactMatchOptions): string {
  let out = text;
  for (const pattern of options.regexes_to_ignore) out = out.replace(compileRegex(pattern, "g"), "");
  if (options.ignore_case) out = out.toLowerCase();
  if (options.ignore_punctuation) out = out.replace(PUNCTUATION, "");
  return out;
}

export interface MeanWithStderr {
  value: number;
  /** Standard error of the mean: sample standard deviation / sqrt(n); null for n < 2. */
  stderr: number | null;
  n: number;
}

/** lm-eval's perplexity aggregation: exp(−mean log-likelihood); no stderr (lm-eval bootstraps one). */
export function perplexityAggregate(logliks: number[]): MeanWithStderr {
  return { value: Math.exp(-logliks.reduce((a, b) => a + b, 0) / logliks.length), stderr: null, n: logliks.length };
}

export function meanWithStderr(values: number[]): MeanWithStderr {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { value: mean, stderr: null, n };
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1);
  return { value: mean, stderr: Math.sqrt(variance / n), n };
}
