import { describe, expect, it } from "vitest";
import { associativeRecallExamples, copyExamples, SYNTHETIC_IDS, SYNTHETIC_VOCAB } from "../../src/organism/synthetic-tasks.js";
import { train } from "../../src/organism/train.js";

describe("synthetic diagnostic tasks", () => {
  it("copy: the weighted second half repeats the first", () => {
    for (const e of copyExamples(20, 6, 1)) {
      expect(e.inputIds.slice(1, 7)).toEqual(e.inputIds.slice(8));
      expect(e.weights).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    }
  });

  it("variable-offset copy: lengths over the whole range, each second half repeating the first", () => {
    const lengths = new Set<number>();
    for (const e of copyExamples(200, [4, 24], 1)) {
      const n = (e.inputIds.length - 2) / 2;
      lengths.add(n);
      expect(e.inputIds.slice(1, n + 1)).toEqual(e.inputIds.slice(n + 2));
      expect(e.weights.filter((w) => w > 0)).toHaveLength(n);
    }
    expect(Math.min(...lengths)).toBe(4);
    expect(Math.max(...lengths)).toBe(24);
  });

  it("associative recall: the one weighted token is the value stated after the asked key", () => {
    for (const e of associativeRecallExamples(50, { pairs: 4, gap: 3, seed: 2 })) {
      const ids = e.inputIds;
      const asked = ids[ids.length - 3]!; // … ? kq = vq
      const at = ids.indexOf(asked);
      expect(at).toBeLessThan(ids.length - 3);
      expect(ids[at + 4]).toBe(ids[ids.length - 1]);
      expect(e.weights.filter((w) => w > 0)).toEqual([1]);
      expect(e.weights[ids.length - 1]).toBe(1);
      expect(Math.max(...ids)).toBeLessThan(SYNTHETIC_VOCAB);
    }
    expect(() => associativeRecallExamples(1, { pairs: 4, gap: 15, seed: 1 })).toThrow(/gap/);
  });

  it("associative recall with several queries, and without '=': each weighted token is its key's value", () => {
    for (const equals of [true, false]) {
      for (const e of associativeRecallExamples(30, { pairs: 4, gap: 1, seed: 3, queries: 3, equals })) {
        const ids = e.inputIds;
        const weighted = ids.flatMap((_, t) => (e.weights[t]! > 0 ? [t] : []));
        expect(weighted).toHaveLength(3);
        const askedKeys = weighted.map((t) => ids[t - (equals ? 2 : 1)]!);
        expect(new Set(askedKeys).size).toBe(3);
        for (const [i, t] of weighted.entries()) expect(ids[ids.indexOf(askedKeys[i]!) + 2]).toBe(ids[t]);
      }
    }
  });

  it("the trainer learns to copy in context (attention and its gradients work end to end)", () => {
    const result = train(copyExamples(2000, 8, 3), SYNTHETIC_IDS, {
      architecture: {
        hiddenSize: 32,
        intermediateSize: 64,
        numHiddenLayers: 2,
        numAttentionHeads: 2,
        numKeyValueHeads: 1,
        vocabSize: SYNTHETIC_VOCAB,
        maxPositionEmbeddings: 64,
      },
      sequenceLength: 64,
      batchSize: 8,
      steps: 250,
      peakLr: 1e-2,
      warmupSteps: 20,
      minLrRatio: 0.1,
      weightDecay: 0.1,
      gradClip: 1,
      seed: 5,
    });
    const last = result.log.slice(-20).map((l) => l.loss);
    const mean = last.reduce((a, b) => a + b, 0) / last.length;
    // Chance is ln 80 ≈ 4.4; a model that cannot look back stays there.
    expect(mean).toBeLessThan(0.5);
  }, 60_000);
});
