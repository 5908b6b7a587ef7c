import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Example } from "../../src/organism/examples.js";
import { packExamples } from "../../src/organism/examples.js";
import { learningRate, modelTensors, organismHfConfig, train, weightedLoss, type TrainOptions } from "../../src/organism/train.js";
import { encodeSafetensors } from "../../src/model/loaders/safetensors.js";
import { resolveModelConfig } from "../../src/model/config.js";
import { LlamaModel } from "../../src/model/llama.js";
import { liveTensorCount, Tensor } from "../../src/engine/index.js";

/** A toy language: "a b c d …" counting sequences in a 16-token vocabulary, with the last token weighted. */
function toyExamples(): Example[] {
  return Array.from({ length: 64 }, (_, i) => {
    const start = 3 + (i % 8);
    const ids = [1, ...Array.from({ length: 6 }, (_, t) => start + t)];
    return { inputIds: ids, weights: ids.map((_, t) => (t === 0 ? 0 : t === ids.length - 1 ? 1 : 0.1)) };
  });
}

const options: TrainOptions = {
  architecture: {
    hiddenSize: 32,
    intermediateSize: 64,
    numHiddenLayers: 2,
    numAttentionHeads: 4,
    numKeyValueHeads: 2,
    vocabSize: 16,
    maxPositionEmbeddings: 64,
  },
  sequenceLength: 16,
  batchSize: 4,
  steps: 40,
  peakLr: 1e-2,
  warmupSteps: 5,
  minLrRatio: 0.1,
  weightDecay: 0.1,
  gradClip: 1,
  seed: 3,
};
const ids = { bos: 1, eos: 2, pad: 0 };

describe("organism training", () => {
  it("reduces the loss on a toy task, deterministically for a seed, without leaking tensors", () => {
    const before = liveTensorCount();
    const first = train(toyExamples(), ids, options);
    const second = train(toyExamples(), ids, options);
    const losses = first.log.map((l) => l.loss);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-5))).toBeLessThan(0.5 * mean(losses.slice(0, 5)));
    expect(second.log.map((l) => l.loss)).toEqual(losses);
    const third = train(toyExamples(), ids, { ...options, seed: 4 });
    expect(third.log.map((l) => l.loss)).not.toEqual(losses);
    // document masking changes what each example sees, so the losses, but it learns as well
    const maskedRun = train(toyExamples(), ids, { ...options, documentMask: true });
    const masked = maskedRun.log.map((l) => l.loss);
    expect(masked).not.toEqual(losses);
    expect(mean(masked.slice(-5))).toBeLessThan(0.5 * mean(masked.slice(0, 5)));
    for (const r of [first, second, third, maskedRun]) r.model.dispose();
    expect(liveTensorCount()).toBe(before);
  });

  it("resumes a killed run from its checkpoint to the same losses", () => {
    const dir = mkdtempSync(join(tmpdir(), "bprof-organism-ckpt-"));
    try {
      const checkpointPath = join(dir, "ckpt.safetensors");
      const straight = train(toyExamples(), ids, options);
      expect(() =>
        train(toyExamples(), ids, options, {
          checkpointPath,
          checkpointEvery: 10,
          onStep(entry) {
            if (entry.step === 25) throw new Error("killed");
          },
        }),
      ).toThrow("killed");
      const resumed = train(toyExamples(), ids, options, { checkpointPath, checkpointEvery: 10 });
      expect(resumed.log[0]!.step).toBe(21);
      const expected = straight.log.slice(20).map((l) => l.loss);
      resumed.log.forEach((l, i) => expect(l.loss).toBeCloseTo(expected[i]!, 4));
      straight.model.dispose();
      resumed.model.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a second stage starts from given weights, not random ones, and rejects a mismatched file", () => {
    const dir = mkdtempSync(join(tmpdir(), "bprof-organism-init-"));
    try {
      const first = train(toyExamples(), ids, options);
      const weights = join(dir, "model.safetensors");
      writeFileSync(weights, encodeSafetensors(modelTensors(first.model)));
      const short = { ...options, steps: 5 };
      const fromScratch = train(toyExamples(), ids, short);
      const continued = train(toyExamples(), ids, short, { initialWeights: weights });
      // The trained weights start where the first run ended: a far lower loss than from random.
      expect(continued.log[0]!.loss).toBeLessThan(0.5 * fromScratch.log[0]!.loss);
      const wider = { ...short, architecture: { ...short.architecture, hiddenSize: 48 } };
      expect(() => train(toyExamples(), ids, wider, { initialWeights: weights })).toThrow(/expected F32 \[/);
      for (const r of [first, fromScratch, continued]) r.model.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("warms up linearly, then decays by cosine to the floor", () => {
    const o = { peakLr: 1, warmupSteps: 10, steps: 110, minLrRatio: 0.1 };
    expect(learningRate(0, o)).toBeCloseTo(0.1);
    expect(learningRate(9, o)).toBeCloseTo(1);
    expect(learningRate(60, o)).toBeCloseTo(0.55);
    expect(learningRate(110, o)).toBeCloseTo(0.1);
  });

  it("packs whole examples into padded rows with zero weight on padding", () => {
    const rows = packExamples(
      [
        { inputIds: [1, 5, 6], weights: [0, 1, 1] },
        { inputIds: [1, 7, 8, 9], weights: [0, 1, 1, 1] },
        { inputIds: [1, 4], weights: [0, 1] },
      ],
      6,
      0,
      32,
    );
    // first fit: [1, 4] goes back into the first row, which has room for it
    expect(rows).toEqual([
      { inputIds: [1, 5, 6, 1, 4, 0], weights: [0, 1, 1, 0, 1, 0], segmentIds: [0, 0, 0, 1, 1, 2] },
      { inputIds: [1, 7, 8, 9, 0, 0], weights: [0, 1, 1, 1, 0, 0], segmentIds: [0, 0, 0, 0, 1, 1] },
    ]);
    // a window of one open row packs in order
    expect(
      packExamples(
        [
          { inputIds: [1, 5, 6], weights: [0, 1, 1] },
          { inputIds: [1, 7, 8, 9], weights: [0, 1, 1, 1] },
          { inputIds: [1, 4], weights: [0, 1] },
        ],
        6,
        0,
        1,
      ),
    ).toEqual([
      { inputIds: [1, 5, 6, 0, 0, 0], weights: [0, 1, 1, 0, 0, 0], segmentIds: [0, 0, 0, 1, 1, 1] },
      { inputIds: [1, 7, 8, 9, 1, 4], weights: [0, 1, 1, 1, 0, 1], segmentIds: [0, 0, 0, 0, 1, 1] },
    ]);
  });

  it("weighs each token's cross-entropy, counting only weights above 0", () => {
    const config = resolveModelConfig(organismHfConfig(options.architecture, ids), "test config");
    const model = LlamaModel.random(config, { seed: 6 });
    const rows = packExamples(
      [
        { inputIds: [1, 5, 6, 7], weights: [0, 0.1, 0, 1] },
        { inputIds: [1, 9, 5], weights: [0, 0, 2] },
      ],
      8,
      0,
    );
    // the reference: every position's logits, log-softmax, the weighted mean
    const logits = model.forward(Tensor.fromInt64(rows[0]!.inputIds, [1, 8])); // [1, 8, V]
    const logProb = (t: number) => {
      const row = logits.narrow(1, t - 1, 1).reshape([-1]);
      return row.sub(row.exp().sum().log()).narrow(0, rows[0]!.inputIds[t]!, 1).item();
    };
    const expected = -(0.1 * logProb(1) + 1 * logProb(3) + 2 * logProb(6)) / 3.1;
    expect(weightedLoss(model, rows).item()).toBeCloseTo(expected, 5);
    expect(() => weightedLoss(model, packExamples([{ inputIds: [1, 5], weights: [0, 0] }], 4, 0))).toThrow(/no token/);
  });

  it("with document masking, each packed example's logits are those of the example alone", () => {
    const config = resolveModelConfig(organismHfConfig(options.architecture, ids), "test config");
    const model = LlamaModel.random(config, { seed: 5 });
    const [row] = packExamples(
      [
        { inputIds: [1, 5, 6, 7], weights: [0, 1, 1, 1] },
        { inputIds: [1, 9, 5, 6], weights: [0, 1, 1, 1] },
      ],
      8,
      0,
    );
    const packed = model.forward(Tensor.fromInt64(row!.inputIds, [1, 8]), { segmentIds: Tensor.fromInt64(row!.segmentIds, [1, 8]) }); // [1, 8, V]
    const alone = model.forward(Tensor.fromInt64([1, 9, 5, 6], [1, 4])); // [1, 4, V]
    const gap = (a: Tensor) => a.sub(alone).abs().reshape([-1]).max(0).values.item();
    expect(gap(packed.narrow(1, 4, 4))).toBeLessThan(1e-5);
    // without the mask the second example reads the first, and its logits change
    expect(gap(model.forward(Tensor.fromInt64(row!.inputIds, [1, 8])).narrow(1, 4, 4))).toBeGreaterThan(1e-3);
    expect(() =>
      model.forward(Tensor.fromInt64([1, 5], [1, 2]), { segmentIds: Tensor.fromInt64([0, 0], [1, 2]), cache: model.newCache(1) }),
    ).toThrow(/cache/);
  });
});
