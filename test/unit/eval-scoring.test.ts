import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateBenchmark, summariseScores, writeEvaluation, type MultipleChoiceSample } from "../../src/eval/evaluate.js";
import { prepareBenchmark } from "../../src/eval/prepare.js";
import { scoreBenchmark } from "../../src/eval/score.js";
import { shippedBenchmarksDir } from "../../src/eval/shipped-specs.js";
import { loadBenchmarkSpec } from "../../src/eval/spec.js";
import { encodePair, tokenizeBenchmark, truncatePair } from "../../src/eval/tokenize.js";
import { requireShared, sharedPath } from "../helpers/shared.js";
import { FakeLM } from "./eval-fake-lm.js";

const samples = join(shippedBenchmarksDir(), "samples");

describe("context / continuation split (lm-eval's _encode_pair)", () => {
  const lm = new FakeLM();

  it("moves the context's trailing space onto the continuation and prepends BOS", () => {
    const withSpace = encodePair(lm, "Answer: ", "yes", true);
    const without = encodePair(lm, "Answer:", " yes", true);
    expect(withSpace).toEqual(without);
    expect(without.context).toEqual([lm.bosId, ...lm.encode("Answer:")]);
    expect(lm.decode(without.continuation)).toBe(" yes");
  });

  it("takes the continuation as the whole encoding beyond the context's", () => {
    // The fake tokenizer glues whitespace to the next word: "a\n" + "\nb" → ["a", "\n\nb"].
    const pair = encodePair(lm, "a", "\n\nb", false);
    expect(pair.context).toEqual(lm.encode("a"));
    expect(lm.decode(pair.continuation)).toBe("\n\nb");
  });

  it("an empty context becomes [BOS]", () => {
    expect(encodePair(lm, "", "hello", true)).toEqual({ context: [lm.bosId], continuation: lm.encode("hello") });
  });

  it("truncation drops the oldest context tokens, keeping context + continuation within maxLength + 1", () => {
    const pair = { context: [1, 2, 3, 4, 5, 6], continuation: [7, 8] };
    expect(truncatePair(pair, 5)).toEqual({ context: [3, 4, 5, 6], continuation: [7, 8] });
    expect(truncatePair(pair, 100)).toBe(pair);
  });
});

describe("shared-context scoring equals per-choice scoring", () => {
  for (const spec of ["story_words.yaml", "arithmetic.yaml"]) {
    it(`${spec}: same log-likelihoods, fewer tokens`, async () => {
      const naiveLm = new FakeLM();
      const sharedLm = new FakeLM();
      const naive = await evaluateBenchmark(naiveLm, join(samples, spec), { sharedContext: false });
      const shared = await evaluateBenchmark(sharedLm, join(samples, spec), { sharedContext: true });
      expect(shared.samples).toHaveLength(naive.samples.length);
      shared.samples.forEach((sample, i) => {
        const a = sample as MultipleChoiceSample;
        const b = naive.samples[i] as MultipleChoiceSample;
        expect(a.path).toBe("shared");
        expect(b.path).toBe("naive");
        a.loglik.forEach((ll, c) => expect(Math.abs(ll - b.loglik[c]!)).toBeLessThan(1e-9));
        expect(a.is_greedy).toEqual(b.is_greedy);
      });
      expect(shared.results.metrics).toEqual(naive.results.metrics);
      expect(sharedLm.tokensFed).toBeLessThan(naiveLm.tokensFed);
      expect(shared.results.tokens_fed).toBe(sharedLm.tokensFed);
      expect(naive.results.tokens_fed).toBe(naiveLm.tokensFed);
      console.log(`${spec}: tokens fed shared ${sharedLm.tokensFed} vs per-choice ${naiveLm.tokensFed}`);
    });
  }

  it("the log-likelihood is the sum of log p over the continuation tokens after [BOS] + context", async () => {
    const lm = new FakeLM();
    const { samples: out } = await evaluateBenchmark(lm, join(samples, "story_words.yaml"), { limit: 1 });
    const first = out[0] as MultipleChoiceSample;
    // story-0: "Tom went to the park to play with his" / ["taxes", "friends", "invoices"], gold 1
    const context = [lm.bosId, ...lm.encode("Tom went to the park to play with his")];
    const expected = ["taxes", "friends", "invoices"].map((choice) => {
      let state = context.reduce(step, 17);
      let sum = 0;
      for (const token of lm.encode(` ${choice}`)) {
        sum += lm.logProb(state, token);
        state = step(state, token);
      }
      return sum;
    });
    first.loglik.forEach((ll, i) => expect(ll).toBeCloseTo(expected[i]!, 12));
    expect(first.gold).toBe(1);
    expect(first.prompt_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("a context too long for the model falls back to the per-choice path with truncation", async () => {
    const loaded = loadBenchmarkSpec(join(samples, "arithmetic.yaml"));
    const prepared = prepareBenchmark(loaded, { limit: 3 });
    const lm = new FakeLM(8); // shorter than any prompt
    const scores = await scoreBenchmark(lm, tokenizeBenchmark(lm, prepared), { sharedContext: true });
    expect(scores.map((s) => ("path" in s ? s.path : null))).toEqual(["naive", "naive", "naive"]);
    const summary = summariseScores(prepared, scores, { sharedContext: true, addBos: true, limit: 3, skipBadRows: false });
    expect(summary.results.scoring_paths).toEqual({ shared: 0, naive: 3 });
  });

  it.skipIf(!requireShared("partial scoring on WinoGrande"))(
    "partial scoring (one context per choice) always takes the per-choice path",
    async () => {
      const lm = new FakeLM();
      const { samples: out, results } = await evaluateBenchmark(lm, join(shippedBenchmarksDir(), "winogrande.yaml"), {
        dataOverride: sharedPath("benchmarks", "winogrande", "dev.head100.jsonl"),
        limit: 5,
      });
      expect(out.every((s) => "path" in s && s.path === "naive")).toBe(true);
      expect(results.scoring_paths).toEqual({ shared: 0, naive: 5 });
    },
  );
});

describe("chat template", () => {
  const chatSpec = () => {
    const loaded = loadBenchmarkSpec(join(samples, "story_words.yaml"));
    loaded.spec.apply_chat_template = true;
    return prepareBenchmark(loaded, { limit: 2 });
  };

  it("is refused for a model without one", () => {
    expect(() => tokenizeBenchmark(new FakeLM(), chatSpec())).toThrow(/asks for the chat template but the model has none/);
  });

  it("wraps each context as a user turn, and leaves BOS to the template", () => {
    const lm = Object.assign(new FakeLM(), { applyChatTemplate: (text: string) => `<user> ${text} <assistant>` });
    const tokenized = tokenizeBenchmark(lm, chatSpec());
    expect(tokenized.addBos).toBe(false);
    const first = tokenized.items[0]!;
    if (!("pairs" in first)) throw new Error("expected multiple choice");
    expect(lm.decode(first.pairs[0]!.context)).toBe("<user> Tom went to the park to play with his <assistant>");
    expect(lm.decode(first.pairs[0]!.continuation)).toBe(" taxes");
  });
});

describe("generation and the per-item log", () => {
  it("writes results.json and samples.jsonl with the documented fields", async () => {
    const lm = new FakeLM();
    const evaluation = await evaluateBenchmark(lm, join(samples, "repeat_word.yaml"), { limit: 4 });
    const out = mkdtempSync(join(tmpdir(), "bprof-eval-"));
    const { resultsPath, samplesPath } = writeEvaluation(out, evaluation);
    const results = JSON.parse(readFileSync(resultsPath, "utf8"));
    expect(results).toMatchObject({
      benchmark: "sample_repeat_word",
      task: "generate_until",
      n: 4,
      available: 16,
      chance: 0,
      primary_metric: "exact_match,strip",
    });
    expect(results.metrics["exact_match,strip"].n).toBe(4);
    expect(results.spec_hash).toMatch(/^[0-9a-f]{64}$/);
    const lines = readFileSync(samplesPath, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(Object.keys(line).sort()).toEqual(["correct", "gold", "id", "pred", "preds", "prompt_hash", "scores", "text"]);
      expect(line.text).not.toContain("\n"); // cut at the stop sequence
      expect(line.correct).toBe(line.pred === line.gold);
    }
    expect(lines[0].gold).toBe("tree");
  });
});

/** The fake's state update, restated here so the expectation does not reuse the code under test. */
function step(state: number, token: number): number {
  return (Math.imul(state ^ token, 2654435761) + 0x9e3779b9) >>> 0;
}
