import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liveTensorCount, noGrad, scope, Tensor } from "../../src/engine/index.js";
import type { LlamaModel } from "../../src/model/llama.js";
import { loadWeights } from "../../src/model/load.js";
import type { Tokenizer } from "../../src/model/tokenizer/tokenizer.js";
import { ModelScoringLM } from "../../src/eval/model-lm.js";

/**
 * The batched, padded forward and the KV cache must give the same logits as a plain
 * forward of each sequence alone. Run on the Mistral fixture (GQA with one KV head and a
 * sliding window of 5 that the 9-token sequences exceed) and on Qwen2 (q/k/v bias).
 */

const FIXTURES = resolve(import.meta.dirname, "../fixtures/models");
const A = [1, 17, 33, 5, 60, 2, 9, 41, 12];
const B = [1, 50, 3, 28];
const PAD = 0;

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe.each(["mistral-window", "qwen2-bias"])("%s", (variant) => {
  let model: LlamaModel;
  /** Logits [T, V] of one unpadded sequence. */
  const alone = (ids: number[]) => noGrad(() => scope(() => model.forward(Tensor.fromInt64(ids, [1, ids.length])).toFloat32()));
  /** Rows of a [B, T, V] logits array. */
  const rows = (logits: Float32Array, b: number, t0: number, t1: number, T: number, V: number) =>
    logits.slice((b * T + t0) * V, (b * T + t1) * V);

  beforeAll(() => {
    model = loadWeights(join(FIXTURES, variant)).model;
  });
  afterAll(() => model.dispose());

  it.each(["left", "right"] as const)("%s padding gives each row its unpadded logits", (side) => {
    const T = A.length;
    const V = model.config.vocabSize;
    const pad = Array<number>(T - B.length).fill(PAD);
    const paddedB = side === "left" ? [...pad, ...B] : [...B, ...pad];
    const maskB = paddedB.map((_, t) => ((side === "left" ? t >= pad.length : t < B.length) ? 1 : 0));
    const logits = noGrad(() =>
      scope(() =>
        model
          .forward(Tensor.fromInt64([...A, ...paddedB], [2, T]), { attentionMask: Tensor.fromInt64([...A.map(() => 1), ...maskB], [2, T]) })
          .toFloat32(),
      ),
    );
    expect(maxAbsDiff(rows(logits, 0, 0, T, T, V), alone(A))).toBeLessThan(1e-5);
    const start = side === "left" ? pad.length : 0;
    expect(maxAbsDiff(rows(logits, 1, start, start + B.length, T, V), alone(B))).toBeLessThan(1e-5);
  });

  it("a KV cache fed one token at a time reproduces the full forward, past the sliding window", () => {
    const V = model.config.vocabSize;
    const full = alone(A);
    const cache = model.newCache(1);
    try {
      const prefix = 3;
      const stepLogits: Float32Array[] = [];
      noGrad(() => {
        stepLogits.push(scope(() => model.forward(Tensor.fromInt64(A.slice(0, prefix), [1, prefix]), { cache }).toFloat32()));
        for (let t = prefix; t < A.length; t++) {
          stepLogits.push(scope(() => model.forward(Tensor.fromInt64([A[t]!], [1, 1]), { cache }).toFloat32()));
        }
      });
      expect(cache.length).toBe(A.length);
      const joined = Float32Array.from(stepLogits.flatMap((l) => Array.from(l)));
      expect(joined.length).toBe(A.length * V);
      expect(maxAbsDiff(joined, full)).toBeLessThan(1e-5);
    } finally {
      cache.dispose();
    }
  });

  it("a cache of copied rows scores one context with several continuations", () => {
    const context = A.slice(0, 5);
    const continuations = [
      [7, 8],
      [40, 41],
      [3, 3],
    ];
    const V = model.config.vocabSize;
    const base = liveTensorCount();
    const one = model.newCache(1);
    const many = noGrad(() => {
      scope(() => {
        model.forward(Tensor.fromInt64(context, [1, context.length]), { cache: one });
      });
      return one.selectRows(continuations.map(() => 0));
    });
    one.dispose();
    const logits = noGrad(() => scope(() => model.forward(Tensor.fromInt64(continuations.flat(), [3, 2]), { cache: many }).toFloat32()));
    many.dispose();
    expect(liveTensorCount()).toBe(base);
    continuations.forEach((cont, b) => {
      const expected = alone([...context, ...cont]).slice(context.length * V);
      expect(maxAbsDiff(rows(logits, b, 0, 2, 2, V), expected)).toBeLessThan(1e-5);
    });
  });

  it("a forked cache continues independently of its original", () => {
    const V = model.config.vocabSize;
    const original = model.newCache(1);
    try {
      const step = (cache: typeof original, ids: number[]) =>
        noGrad(() => scope(() => model.forward(Tensor.fromInt64(ids, [1, ids.length]), { cache }).toFloat32()));
      step(original, A.slice(0, 4));
      const fork = original.fork();
      try {
        const viaFork = step(fork, [11, 12]);
        const viaOriginal = step(original, [30]);
        expect(fork.length).toBe(6);
        expect(original.length).toBe(5);
        expect(maxAbsDiff(viaFork, alone([...A.slice(0, 4), 11, 12]).slice(4 * V))).toBeLessThan(1e-5);
        expect(maxAbsDiff(viaOriginal, alone([...A.slice(0, 4), 30]).slice(4 * V))).toBeLessThan(1e-5);
      } finally {
        fork.dispose();
      }
    } finally {
      original.dispose();
    }
  });

  it("the loss ignores padded targets", () => {
    const T = A.length;
    const padded = [...B, ...Array<number>(T - B.length).fill(PAD)];
    const mask = padded.map((_, t) => (t < B.length ? 1 : 0));
    const [paddedLoss, plainLoss] = noGrad(() =>
      scope(() => [
        model.loss(Tensor.fromInt64(padded, [1, T]), { attentionMask: Tensor.fromInt64(mask, [1, T]) }).item(),
        model.loss(Tensor.fromInt64(B, [1, B.length])).item(),
      ]),
    );
    expect(Math.abs(paddedLoss! - plainLoss!)).toBeLessThan(1e-5);
  });
});

it("greedy generate matches repeated full forwards", () => {
  const { model } = loadWeights(join(FIXTURES, "llama-gqa"));
  try {
    const generated = model.generate([1, 5], { maxNewTokens: 6, stopIds: [] });
    const ids = [1, 5];
    for (let i = 0; i < 6; i++) {
      const next = noGrad(() =>
        scope(() =>
          model
            .forward(Tensor.fromInt64(ids, [1, ids.length]))
            .narrow(1, ids.length - 1, 1)
            .argmax(-1)
            .item(),
        ),
      );
      ids.push(next);
    }
    expect(generated).toEqual(ids.slice(2));
  } finally {
    model.dispose();
  }
});

describe("shared-context scoring batched across items", () => {
  let model: LlamaModel;
  beforeAll(() => {
    model = loadWeights(join(FIXTURES, "mistral-window")).model;
  });
  afterAll(() => model.dispose());

  // Contexts of different lengths (left padding in the batch, one past the sliding window),
  // different numbers of continuations, one continuation of a single token.
  const items = [
    { context: [1, 17, 33, 5, 60, 2, 9], continuations: [[7, 8], [40, 41, 42], [3]] },
    { context: [1, 50], continuations: [[11, 12, 13], [14]] },
    {
      context: [1, 22, 23, 24],
      continuations: [
        [5, 6],
        [6, 5],
        [30, 31],
        [2, 2, 2],
      ],
    },
  ];
  const idTokenizer = { bosId: 1, eosId: 2, hasChatTemplate: false } as unknown as Tokenizer;

  it.each([8192, 8])("equals each item alone and the per-choice path (token budget %i)", async (maxBatchTokens) => {
    const lm = new ModelScoringLM(model, idTokenizer, { maxBatchTokens });
    const base = liveTensorCount();
    const batched = await lm.loglikelihoodSharedContexts(items);
    expect(liveTensorCount()).toBe(base);
    for (const [i, item] of items.entries()) {
      const [alone] = await lm.loglikelihoodSharedContexts([item]);
      const perChoice = await lm.loglikelihood(item.continuations.map((continuation) => ({ context: item.context, continuation })));
      expect(batched[i]).toHaveLength(item.continuations.length);
      batched[i]!.forEach((result, c) => {
        expect(Math.abs(result.logprob - alone![c]!.logprob)).toBeLessThan(1e-4);
        expect(Math.abs(result.logprob - perChoice[c]!.logprob)).toBeLessThan(1e-4);
        expect(result.isGreedy).toBe(perChoice[c]!.isGreedy);
      });
    }
  });
});
