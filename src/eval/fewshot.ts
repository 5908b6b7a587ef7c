import { BprofError } from "../errors.js";
import type { BenchmarkDoc } from "./items.js";
import { seededUniform } from "../util/prng.js";
import type { BenchmarkSpec } from "./spec.js";

export interface FewshotPool {
  docs: BenchmarkDoc[];
  /** True when the pool is the evaluated data itself, so a doc must not be its own example. */
  sameAsEvaluated: boolean;
}

/**
 * The few-shot examples for one doc. `first_n` takes the pool's first n (lm-eval's choice for
 * MMLU's dev set); `random` draws n without replacement with a generator seeded by the spec's
 * seed and the doc's id, so each doc's examples are fixed whatever the limit or order of
 * evaluation. (lm-eval draws from one Python generator in sequence instead; the examples
 * differ, the distribution does not.) Docs with a group (MMLU subject) draw from their group.
 */
export function chooseFewshot(doc: BenchmarkDoc, pool: FewshotPool, fewshot: BenchmarkSpec["fewshot"]): BenchmarkDoc[] {
  if (fewshot.n === 0) return [];
  const candidates = pool.docs.filter(
    (candidate) => (doc.group === undefined || candidate.group === doc.group) && !(pool.sameAsEvaluated && candidate === doc),
  );
  if (candidates.length < fewshot.n) {
    const group = doc.group ? ` in group '${doc.group}'` : "";
    throw new BprofError(`few-shot needs ${fewshot.n} examples but the source has ${candidates.length}${group}`, { field: "fewshot.n" });
  }
  if (fewshot.sampler === "first_n") return candidates.slice(0, fewshot.n);
  const random = seededUniform(`${fewshot.seed}:${doc.id}`);
  const picked = [...candidates];
  for (let i = 0; i < fewshot.n; i++) {
    const j = i + Math.floor(random() * (picked.length - i));
    [picked[i], picked[j]] = [picked[j]!, picked[i]!];
  }
  return picked.slice(0, fewshot.n);
}

/** A solved example as it appears in a prompt: the query, the delimiter, the right answer. */
export function solvedExample(doc: BenchmarkDoc, targetDelimiter: string): string {
  if (doc.task === "generate_until") return doc.query + targetDelimiter + doc.target;
  const answer = doc.choices[doc.gold]!;
  // Partial scoring: the right choice is the context and the shared continuation follows it.
  if (doc.partial) return answer + targetDelimiter + doc.partial.continuation;
  return doc.query + targetDelimiter + answer;
}
