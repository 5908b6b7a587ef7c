import { noGrad, scope, Tensor } from "../engine/index.js";
import type { LlamaModel } from "../model/llama.js";
import type { Tokenizer } from "../model/tokenizer/tokenizer.js";
import type { LoglikelihoodResult, ScoringLM, SharedContextRequest } from "./lm.js";

export interface ModelScoringOptions {
  /** Upper bound on batch rows × sequence length per forward pass (bounds the [B, T, V] logits). */
  maxBatchTokens?: number;
  /** Token ids that end a generation (the loaded model's `stopIds`); default the tokenizer's eos. */
  stopIds?: readonly number[];
}

/**
 * A loaded model seen through the ScoringLM interface. Continuation log-probs are gathered
 * on the device (log-softmax, then the target's entry and the argmax per position) so only
 * [B, T] numbers cross into JavaScript, never the [B, T, V] logits.
 */
export class ModelScoringLM implements ScoringLM {
  readonly bosId: number | null;
  readonly eosId: number | null;
  readonly maxLength: number;
  readonly applyChatTemplate?: (userMessage: string, systemMessage?: string) => string;
  private readonly maxBatchTokens: number;
  private readonly stopIds: ReadonlySet<number>;

  constructor(
    private readonly model: LlamaModel,
    private readonly tokenizer: Tokenizer,
    options: ModelScoringOptions = {},
  ) {
    this.bosId = tokenizer.bosId;
    this.eosId = tokenizer.eosId;
    this.maxLength = model.config.maxPositionEmbeddings;
    this.maxBatchTokens = options.maxBatchTokens ?? 8192;
    this.stopIds = new Set(options.stopIds ?? (tokenizer.eosId === null ? [] : [tokenizer.eosId]));
    if (tokenizer.hasChatTemplate) {
      this.applyChatTemplate = (userMessage, systemMessage) => {
        const user = { role: "user" as const, content: userMessage };
        const messages = systemMessage === undefined ? [user] : [{ role: "system" as const, content: systemMessage }, user];
        return tokenizer.applyChatTemplate(messages, { addGenerationPrompt: true }) ?? userMessage;
      };
    }
  }

  encode(text: string): number[] {
    return this.tokenizer.encode(text, { addBos: false });
  }

  decode(ids: number[]): string {
    return this.tokenizer.decode(ids);
  }

  async loglikelihood(requests: { context: number[]; continuation: number[] }[]): Promise<LoglikelihoodResult[]> {
    const results: LoglikelihoodResult[] = [];
    for (const batch of this.batches(requests.map((r) => r.context.length + r.continuation.length - 1))) {
      // Each row reads context + continuation minus its last token; right padding is never
      // attended to by the real tokens before it (causal), so no mask is needed.
      const rows = batch.map((i) => requests[i]!);
      const inputs = rows.map(({ context, continuation }) => [...context, ...continuation.slice(0, -1)]);
      const targets = rows.map(({ context, continuation }) => [...context.slice(1), ...continuation]);
      const scored = rows.map(({ context, continuation }) => ({ from: context.length - 1, count: continuation.length }));
      const { logprobs, greedy, width } = this.scoreRows(inputs, targets, undefined, scored);
      rows.forEach(({ context, continuation }, row) => {
        results.push(sumPositions(logprobs, greedy, targets[row]!, row * width, context.length - 1, continuation.length));
      });
    }
    return results;
  }

  async loglikelihoodSharedContexts(items: SharedContextRequest[]): Promise<LoglikelihoodResult[][]> {
    const results: LoglikelihoodResult[][] = [];
    // Batches bounded by the rows × width of the continuation pass (the larger of the two).
    const rowsOf = items.map((item) => item.continuations.length);
    const widthOf = items.map((item) => Math.max(item.context.length, ...item.continuations.map((c) => c.length)));
    let start = 0;
    while (start < items.length) {
      let end = start + 1;
      let rows = rowsOf[start]!;
      let width = widthOf[start]!;
      while (end < items.length && (rows + rowsOf[end]!) * Math.max(width, widthOf[end]!) <= this.maxBatchTokens) {
        rows += rowsOf[end]!;
        width = Math.max(width, widthOf[end]!);
        end++;
      }
      results.push(...this.sharedContextBatch(items.slice(start, end)));
      start = end;
    }
    return results;
  }

  /**
   * One batch of items: the contexts, left-padded, in one forward that fills a KV cache (the
   * last position of each predicts its continuations' first tokens); then every continuation
   * (minus its last token) in one forward over the cache rows of its own context.
   */
  private sharedContextBatch(items: SharedContextRequest[]): LoglikelihoodResult[][] {
    return noGrad(() => {
      const G = items.length;
      const contextWidth = Math.max(...items.map((item) => item.context.length));
      const cache = this.model.newCache(G);
      try {
        const first = scope(() => {
          const padded = items.map(({ context }) => [...new Array<number>(contextWidth - context.length).fill(0), ...context]);
          const mask = items.map(({ context }) => [...new Array<number>(contextWidth - context.length).fill(0), ...context.map(() => 1)]);
          const hidden = this.model.hiddenStates(this.ids(padded), { cache, attentionMask: this.ids(mask) }); // [G, Tc, C]
          // Only the last position predicts anything scored: logits [G, V], not [G, Tc, V].
          const final = this.model.unembed(hidden.narrow(1, contextWidth - 1, 1).squeeze(1)).logSoftmax(-1); // [G, V]
          return { logprobs: final.toFloat32(), argmax: final.argmax(-1).toInt64() };
        });
        const V = this.model.config.vocabSize;
        const owner = items.flatMap((item, g) => item.continuations.map(() => g)); // cache row of each continuation
        const continuations = items.flatMap((item) => item.continuations);
        const rest = continuations.map((c) => c.slice(1));
        const width = Math.max(...rest.map((r) => r.length));
        let logprobs: Float32Array = new Float32Array(0);
        let greedy: BigInt64Array = new BigInt64Array(0);
        if (width > 0) {
          const rows = cache.selectRows(owner);
          try {
            ({ logprobs, greedy } = this.scoreRows(
              continuations.map((c) => c.slice(0, -1)),
              rest,
              rows,
            ));
          } finally {
            rows.dispose();
          }
        }
        const scored = continuations.map((continuation, row) => {
          const g = owner[row]!;
          const head = continuation[0]!;
          const tail = sumPositions(logprobs, greedy, rest[row]!, row * width, 0, continuation.length - 1);
          return { logprob: first.logprobs[g * V + head]! + tail.logprob, isGreedy: Number(first.argmax[g]) === head && tail.isGreedy };
        });
        let next = 0;
        return items.map((item) => scored.slice(next, (next += item.continuations.length)));
      } finally {
        cache.dispose();
      }
    });
  }

  async generate(prompt: number[], opts: { maxNewTokens: number; stop: string[] }): Promise<string> {
    const room = Math.min(opts.maxNewTokens, this.maxLength - prompt.length);
    if (room <= 0) return "";
    // The model's greedy decoder; the text is decoded after each token (never the end-of-sequence
    // token) until a stop string appears in it.
    let text = "";
    this.model.generate(prompt, {
      maxNewTokens: room,
      stopIds: [...this.stopIds],
      until: (generated) => {
        text = this.decode([...generated]);
        return opts.stop.some((s) => s !== "" && text.includes(s));
      },
    });
    return text;
  }

  /**
   * One forward over right-padded rows: for each position, log p(target) and whether the
   * target is the argmax. Returns flat [B, width] arrays. With `scored` (per row, the first
   * position and how many), the vocabulary logits are made only at those positions (the
   * others read 0): [N, V] for the N scored positions instead of [B, W, V].
   */
  private scoreRows(
    inputs: number[][],
    targets: number[][],
    cache?: ReturnType<LlamaModel["newCache"]>,
    scored?: { from: number; count: number }[],
  ) {
    const width = Math.max(...inputs.map((r) => r.length));
    const padded = (rows: number[][]) => rows.map((r) => [...r, ...new Array<number>(width - r.length).fill(0)]);
    return noGrad(() =>
      scope(() => {
        if (scored === undefined) {
          const logits = this.model.forward(this.ids(padded(inputs)), { cache }); // [B, W, V]
          const logSoftmax = logits.logSoftmax(-1); // [B, W, V]
          const target = this.ids(padded(targets)); // [B, W]
          const picked = logSoftmax.gather(2, target.unsqueeze(2)).squeeze(2); // [B, W]
          return { logprobs: picked.toFloat32(), greedy: logits.argmax(-1).toInt64(), width };
        }
        const flat = scored.flatMap(({ from, count }, row) => Array.from({ length: count }, (_, i) => row * width + from + i)); // N positions of [B·W]
        const hidden = this.model.hiddenStates(this.ids(padded(inputs)), { cache }); // [B, W, C]
        const at = Tensor.fromInt64(flat, [flat.length], { device: this.model.device }); // [N]
        const logits = this.model.unembed(hidden.reshape([inputs.length * width, hidden.shape[2]!]).indexSelect(0, at)); // [N, V]
        const target = this.ids([flat.map((p) => targets[Math.floor(p / width)]![p % width]!)]).reshape([flat.length, 1]); // [N, 1]
        const picked = logits.logSoftmax(-1).gather(1, target).squeeze(1).toFloat32(); // [N]
        const argmax = logits.argmax(-1).toInt64(); // [N]
        const logprobs = new Float32Array(inputs.length * width);
        const greedy = new BigInt64Array(inputs.length * width);
        flat.forEach((p, i) => {
          logprobs[p] = picked[i]!;
          greedy[p] = argmax[i]!;
        });
        return { logprobs, greedy, width };
      }),
    );
  }

  private ids(rows: number[][]): Tensor {
    return Tensor.fromInt64(rows.flat(), [rows.length, rows[0]!.length], { device: this.model.device }); // [B, T]
  }

  /** Request indices grouped so that rows × longest row stays within the token budget. */
  private batches(lengths: number[]): number[][] {
    const batches: number[][] = [];
    let current: number[] = [];
    let longest = 0;
    lengths.forEach((length, index) => {
      const wider = Math.max(longest, length);
      if (current.length > 0 && wider * (current.length + 1) > this.maxBatchTokens) {
        batches.push(current);
        current = [];
        longest = 0;
      }
      current.push(index);
      longest = Math.max(longest, length);
    });
    if (current.length > 0) batches.push(current);
    return batches;
  }
}

/**
 * Sum log p(target) over positions first .. first + count - 1 of one row of the flat
 * [B, W] arrays (the row starts at rowStart), and whether every target was the argmax.
 */
function sumPositions(
  logprobs: Float32Array,
  greedy: BigInt64Array,
  targets: number[],
  rowStart: number,
  first: number,
  count: number,
): LoglikelihoodResult {
  let logprob = 0;
  let isGreedy = true;
  for (let position = first; position < first + count; position++) {
    logprob += logprobs[rowStart + position]!;
    if (Number(greedy[rowStart + position]) !== targets[position]) isGreedy = false;
  }
  return { logprob, isGreedy };
}
