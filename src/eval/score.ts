import type { GenerationItem, MultipleChoiceItem } from "./items.js";
import type { LoglikelihoodResult, ScoringLM, SharedContextRequest } from "./lm.js";
import { cutAtStop } from "./metrics.js";
import {
  truncatePair,
  type TokenizedBenchmark,
  type TokenizedGeneration,
  type TokenizedMultipleChoice,
  type TokenPair,
} from "./tokenize.js";

export interface ScoreOptions {
  /** Run a shared context once and score every choice from its cache (default true). */
  sharedContext?: boolean;
  /** Requests per loglikelihood call on the per-choice path; items per call on the shared path. */
  batchSize?: number;
  progress?: (done: number, total: number) => void;
}

/**
 * How a multiple-choice item was scored: `shared` ran the context once for all choices,
 * `naive` ran context + choice per choice. Both give the same log-likelihoods; shared
 * feeds fewer tokens.
 */
export type ScoringPath = "shared" | "naive";

export interface MultipleChoiceScore {
  item: MultipleChoiceItem;
  path: ScoringPath;
  results: LoglikelihoodResult[];
  /** Tokens the model read for this item. */
  tokensFed: number;
}

export interface GenerationScore {
  item: GenerationItem;
  /** The greedy generation, cut at the first stop sequence. */
  text: string;
  tokensFed: number;
}

export type ItemScore = MultipleChoiceScore | GenerationScore;

/** Score every item of a tokenized benchmark against a model, in item order. */
export async function scoreBenchmark(lm: ScoringLM, tokenized: TokenizedBenchmark, options: ScoreOptions = {}): Promise<ItemScore[]> {
  const useShared = options.sharedContext ?? true;
  const batchSize = options.batchSize ?? 16;
  const { spec } = tokenized.prepared.loaded;
  const total = tokenized.items.length;
  let done = 0;
  const tick = (count: number) => {
    done += count;
    options.progress?.(done, total);
  };

  const scores: (ItemScore | undefined)[] = new Array(total);
  const naive: { index: number; entry: TokenizedMultipleChoice; pairs: TokenPair[] }[] = [];
  // The shared path, batched across items: up to batchSize items' contexts per call.
  let pending: { index: number; entry: TokenizedMultipleChoice; request: SharedContextRequest }[] = [];
  const flushShared = async () => {
    if (pending.length === 0) return;
    const results = await lm.loglikelihoodSharedContexts(pending.map((p) => p.request));
    pending.forEach(({ index, entry, request }, i) => {
      const tokensFed = request.context.length + request.continuations.reduce((sum, c) => sum + c.length - 1, 0);
      scores[index] = { item: entry.item, path: "shared", results: results[i]!, tokensFed };
    });
    tick(pending.length);
    pending = [];
  };

  for (const [index, entry] of tokenized.items.entries()) {
    if (entry.item.task === "generate_until") {
      scores[index] = await generateOne(lm, entry as TokenizedGeneration, spec.generation);
      tick(1);
      continue;
    }
    const mc = entry as TokenizedMultipleChoice;
    const shared = useShared ? sharedRequest(mc, lm.maxLength) : null;
    if (shared) {
      pending.push({ index, entry: mc, request: shared });
      if (pending.length >= batchSize) await flushShared();
    } else {
      naive.push({ index, entry: mc, pairs: mc.pairs.map((pair) => truncatePair(pair, lm.maxLength)) });
    }
  }
  await flushShared();

  // The per-choice path: batch requests across items so a batched model is kept busy.
  const flat = naive.flatMap(({ pairs }) => pairs);
  const itemEnds: number[] = [];
  for (const { pairs } of naive) itemEnds.push((itemEnds.at(-1) ?? 0) + pairs.length);
  const results: LoglikelihoodResult[] = [];
  let finished = 0;
  for (let start = 0; start < flat.length; start += batchSize) {
    results.push(...(await lm.loglikelihood(flat.slice(start, start + batchSize))));
    let nowFinished = finished;
    while (nowFinished < itemEnds.length && itemEnds[nowFinished]! <= results.length) nowFinished++;
    tick(nowFinished - finished);
    finished = nowFinished;
  }
  let offset = 0;
  for (const { index, entry, pairs } of naive) {
    const itemResults = results.slice(offset, offset + pairs.length);
    offset += pairs.length;
    const tokensFed = pairs.reduce((sum, p) => sum + p.context.length + p.continuation.length - 1, 0);
    scores[index] = { item: entry.item, path: "naive", results: itemResults, tokensFed };
  }
  return scores as ItemScore[];
}

/**
 * The shared-context request for an item, or null when it cannot take that path: partial
 * scoring (one context per choice) or a context too long to keep whole for every choice,
 * where truncation would differ from choice to choice.
 */
function sharedRequest(entry: TokenizedMultipleChoice, maxLength: number): SharedContextRequest | null {
  if (!entry.item.sharedContext) return null;
  const context = entry.pairs[0]!.context;
  const sameContext = entry.pairs.every((pair) => pair.context.length === context.length && pair.context.every((t, i) => t === context[i]));
  const longest = Math.max(...entry.pairs.map((pair) => pair.continuation.length));
  if (!sameContext || context.length + longest > maxLength + 1) return null;
  return { context, continuations: entry.pairs.map((pair) => pair.continuation) };
}

async function generateOne(
  lm: ScoringLM,
  entry: TokenizedGeneration,
  generation: { until: string[]; max_gen_toks: number },
): Promise<GenerationScore> {
  // Leave room for the answer: the prompt keeps its most recent tokens (lm-eval's left truncation).
  const room = Math.max(1, lm.maxLength - generation.max_gen_toks);
  const prompt = entry.prompt.length > room ? entry.prompt.slice(entry.prompt.length - room) : entry.prompt;
  const raw = await lm.generate(prompt, { maxNewTokens: generation.max_gen_toks, stop: generation.until });
  return { item: entry.item, text: cutAtStop(raw, generation.until), tokensFed: prompt.length };
}
