import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liveTensorCount, Tensor } from "../../src/engine/index.js";
import { BprofError } from "../../src/errors.js";
import { computeImportanceScores, accumulateGradients, scoredParameterNames } from "../../src/importance/gradients.js";
import { tokenizeProbes } from "../../src/importance/probe-tokens.js";
import { type RenderedProbe, renderProbe } from "../../src/importance/render.js";
import { Xoshiro128 } from "../../src/util/prng.js";
import { scoresFromArray } from "../../src/importance/score-source.js";
import { selectElements } from "../../src/masks/selection.js";
import type { LlamaModel } from "../../src/model/llama.js";
import { loadWeights } from "../../src/model/load.js";
import type { ChatMessage, Tokenizer } from "../../src/model/tokenizer/tokenizer.js";
import type { ProbeItem } from "../../src/probes/schema.js";

const FIXTURES = resolve(import.meta.dirname, "../fixtures/models");

/** Random token sequences of different lengths (so batches need padding). */
function randomItems(count: number, vocab: number, seed: number): RenderedProbe[] {
  const rng = new Xoshiro128(seed);
  return Array.from({ length: count }, (_, i) => {
    const T = 5 + rng.nextBelow53(20);
    const inputIds = Array.from({ length: T }, () => rng.nextBelow53(vocab));
    const answerFrom = T - 1 - rng.nextBelow53(3);
    return { id: `item-${i}`, inputIds, lossMask: inputIds.map((_, t) => (t >= answerFrom ? 1 : 0)) };
  });
}

function topMask(model: LlamaModel, scores: Map<string, Float32Array>, k: number): Set<string> {
  const [sel] = selectElements({
    sources: [...scores].map(([n, s]) => scoresFromArray(n, s)),
    variant: "all",
    nTotal: model.numParameters,
    ks: [k],
    method: "top",
    controls: [],
  });
  return new Set([...sel!.indices].flatMap(([n, idx]) => [...idx].map((i) => `${n}:${i}`)));
}

function jaccard(a: Set<string>, b: Set<string>): number {
  const both = [...a].filter((x) => b.has(x)).length;
  return both / (a.size + b.size - both);
}

function gradientsOf(model: LlamaModel, items: RenderedProbe[], aggregate: "signed-sum" | "abs-sum" | "fisher") {
  const { statistic, losses } = accumulateGradients(model, items, { aggregate, batchSize: 4 });
  const out = new Map([...statistic].map(([n, t]) => [n, t.toFloat32()]));
  for (const t of statistic.values()) t.dispose();
  return { g: out, losses };
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]!), Math.abs(b[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff / scale;
}

describe("gradient importance", () => {
  let model: LlamaModel;
  beforeAll(() => {
    model = loadWeights(join(FIXTURES, "llama-gqa")).model;
  });
  afterAll(() => model.dispose());

  it("batch size 1 and 8 give the same scores and the same mask", () => {
    const items = randomItems(19, model.config.vocabSize, 1);
    const live = liveTensorCount();
    const one = computeImportanceScores(model, items, { aggregate: "signed-sum", score: "taylor", batchSize: 1 });
    const eight = computeImportanceScores(model, items, { aggregate: "signed-sum", score: "taylor", batchSize: 8 });
    expect(liveTensorCount()).toBe(live);
    for (const [name, s] of one.scores) expect(maxRelDiff(s, eight.scores.get(name)!), name).toBeLessThan(1e-4);
    for (let i = 0; i < items.length; i++) expect(one.losses[i]).toBeCloseTo(eight.losses[i]!, 5);
    for (const k of [1e-2, 5e-2]) expect(topMask(model, one.scores, k)).toEqual(topMask(model, eight.scores, k));
  });

  it("per-item loss is the mean cross-entropy over the loss mask", () => {
    const [item] = randomItems(1, model.config.vocabSize, 2);
    const { losses } = gradientsOf(model, [item!], "signed-sum");
    const ids = Tensor.fromInt64(item!.inputIds, [1, item!.inputIds.length]);
    const logits = model.forward(ids).toFloat32(); // [1, T, V]
    const V = model.config.vocabSize;
    let sum = 0;
    let count = 0;
    for (let t = 1; t < item!.inputIds.length; t++) {
      if (!item!.lossMask[t]) continue;
      const row = logits.slice((t - 1) * V, t * V);
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((a, x) => a + Math.exp(x - max), 0));
      sum += lse - row[item!.inputIds[t]!]!;
      count++;
    }
    expect(losses[0]).toBeCloseTo(sum / count, 4);
  });

  it("abs-sum and fisher differ from signed-sum where per-item gradients cancel", () => {
    // Same context, opposite answers: the two answer-token gradients pull against each other.
    const prefix = [3, 9, 27, 17, 51, 25];
    const items: RenderedProbe[] = [5, 40].map((answer, i) => ({
      id: `opposite-${i}`,
      inputIds: [...prefix, answer],
      lossMask: [...prefix.map(() => 0), 1],
    }));
    const g1 = gradientsOf(model, [items[0]!], "signed-sum").g;
    const g2 = gradientsOf(model, [items[1]!], "signed-sum").g;
    const signed = gradientsOf(model, items, "signed-sum").g;
    const abs = gradientsOf(model, items, "abs-sum").g;
    const fisher = gradientsOf(model, items, "fisher").g;
    let cancelled = 0;
    let total = 0;
    for (const name of scoredParameterNames(model)) {
      const [a, b] = [g1.get(name)!, g2.get(name)!];
      expect(
        maxRelDiff(
          signed.get(name)!,
          a.map((x, i) => x + b[i]!),
        ),
      ).toBeLessThan(1e-5);
      expect(
        maxRelDiff(
          abs.get(name)!,
          a.map((x, i) => Math.abs(x) + Math.abs(b[i]!)),
        ),
      ).toBeLessThan(1e-5);
      expect(
        maxRelDiff(
          fisher.get(name)!,
          a.map((x, i) => x * x + b[i]! * b[i]!),
        ),
      ).toBeLessThan(1e-5);
      for (let i = 0; i < a.length; i++) {
        total++;
        if (Math.sign(a[i]!) !== Math.sign(b[i]!) && Math.abs(a[i]! + b[i]!) < 0.5 * (Math.abs(a[i]!) + Math.abs(b[i]!))) cancelled++;
      }
    }
    expect(cancelled / total).toBeGreaterThan(0.2);

    const score = (aggregate: "signed-sum" | "abs-sum" | "fisher") =>
      computeImportanceScores(model, items, { aggregate, score: aggregate === "fisher" ? "fisher" : "taylor", batchSize: 2 }).scores;
    const signedMask = topMask(model, score("signed-sum"), 1e-2);
    expect(jaccard(signedMask, topMask(model, score("abs-sum"), 1e-2))).toBeLessThan(0.9);
    expect(jaccard(signedMask, topMask(model, score("fisher"), 1e-2))).toBeLessThan(0.9);
  });

  it("a NaN gradient stops the run, naming the tensor, and leaves no tensor behind", () => {
    const items = randomItems(3, model.config.vocabSize, 3);
    const down = model.param("model.layers.1.mlp.down_proj.weight");
    const index = BigInt64Array.of(7n);
    const original = down.getFlat(index);
    down.setFlat(index, NaN);
    const live = liveTensorCount();
    try {
      let error: unknown;
      try {
        computeImportanceScores(model, items, { aggregate: "signed-sum", score: "taylor", batchSize: 2 });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(BprofError);
      expect((error as BprofError).message).toMatch(/gradient of model\.layers\.\d\.(self_attn|mlp)\.\w+\.weight is not finite.*item-0/);
      expect((error as BprofError).field).toMatch(/^model\.layers\./);
      expect(liveTensorCount()).toBe(live);
    } finally {
      down.setFlat(index, original);
    }
  });

  it("score 'fisher' needs the fisher aggregate", async () => {
    const { checkScoreAggregate } = await import("../../src/importance/gradients.js");
    expect(() => checkScoreAggregate("fisher", "signed-sum")).toThrow(/needs --aggregate fisher/);
  });
});

/** Character tokenizer: one id per char code (mod 60) + BOS 1, optionally a toy chat template. */
function charTokenizer(template: boolean): Tokenizer {
  return {
    encode: (text, opts) => [...((opts?.addBos ?? true) ? [1] : []), ...[...text].map((c) => 2 + (c.charCodeAt(0) % 60))],
    decode: () => "",
    bosId: 1,
    eosId: 2,
    vocabSize: 64,
    hasChatTemplate: template,
    source: { kind: "llama2c", path: "chars" },
    applyChatTemplate: (messages: ChatMessage[], opts) =>
      template
        ? "<s>" + messages.map((m) => `<${m.role}>${m.content}</>`).join("") + (opts.addGenerationPrompt ? "<assistant>" : "")
        : null,
  };
}

const ITEM: ProbeItem = {
  id: "p1",
  ability: "x",
  context: "Ann has a cat.",
  question: "Who has a cat?",
  options: ["Ann", "Bo"],
  answer: "Ann",
};

describe("probe rendering", () => {
  it("plain-text fallback: BOS, system, Context/Question, then Answer", () => {
    const tok = charTokenizer(false);
    const full = renderProbe(ITEM, tok, { systemPrompt: "Be nice.", lossScope: "full" });
    const prompt = "Be nice.\n\nContext: Ann has a cat.\nQuestion: Who has a cat?\n";
    expect(full.inputIds).toEqual([...tok.encode(prompt), ...tok.encode("Answer: Ann", { addBos: false })]);
    expect(full.lossMask).toEqual(full.inputIds.map((_, t) => (t === 0 ? 0 : 1)));
    const answer = renderProbe(ITEM, tok, { systemPrompt: "Be nice.", lossScope: "answer" });
    expect(answer.lossMask.reduce((a, b) => a + b, 0)).toBe("Answer: Ann".length);
    expect(answer.lossMask.slice(-"Answer: Ann".length).every((m) => m === 1)).toBe(true);
    const noContext = renderProbe({ ...ITEM, context: undefined }, tok, { systemPrompt: "S", lossScope: "full" });
    expect(noContext.inputIds).toEqual([...tok.encode("S\n\nQuestion: Who has a cat?\n"), ...tok.encode("Answer: Ann", { addBos: false })]);
  });

  it("chat template: the answer scope is the assistant turn after the generation prompt", () => {
    const tok = charTokenizer(true);
    const r = renderProbe(ITEM, tok, { systemPrompt: "Be nice.", lossScope: "answer" });
    const completion = "Answer: Ann</>";
    expect(r.inputIds.slice(0, 1)).toEqual(tok.encode("<", { addBos: false }));
    expect(r.lossMask.reduce((a, b) => a + b, 0)).toBe(completion.length);
    expect(r.inputIds.slice(-completion.length)).toEqual(tok.encode(completion, { addBos: false }));
  });

  it("over-long items are counted and reported, or truncated on request; an empty set is an error", () => {
    const tok = charTokenizer(false);
    const long = { ...ITEM, id: "long", context: "x".repeat(200) };
    const opts = { systemPrompt: "S", lossScope: "full" as const, contextLength: 100, truncate: false, file: "probes/x/train.jsonl" };
    expect(() => tokenizeProbes([ITEM, long, { ...long, id: "long2" }], tok, opts)).toThrow(
      /probes\/x\/train\.jsonl: 2 of 3 probe items are longer than the model's context of 100 tokens: long \(\d+ tokens\), long2/,
    );
    const cut = tokenizeProbes([ITEM, long], tok, { ...opts, truncate: true });
    expect(cut.truncated).toEqual(["long"]);
    expect(cut.items[1]!.inputIds).toHaveLength(100);
    // The answer scope of a truncated item lies past the cut: an error, not a silent drop.
    expect(() => tokenizeProbes([long], tok, { ...opts, lossScope: "answer", truncate: true })).toThrow(
      /no token in its loss scope after truncation/,
    );
    expect(() => tokenizeProbes([], tok, opts)).toThrow(/no probe items/);
  });
});
