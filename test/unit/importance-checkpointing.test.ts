import { resolve, join } from "node:path";
import { describe, expect, it } from "vitest";
import { scope } from "../../src/engine/index.js";
import { accumulateGradients, itemBatches } from "../../src/importance/gradients.js";
import { Xoshiro128 } from "../../src/util/prng.js";
import type { RenderedProbe } from "../../src/importance/render.js";
import { loadWeights } from "../../src/model/load.js";

const FIXTURES = resolve(import.meta.dirname, "../fixtures/models");

function randomItems(count: number, vocab: number, seed: number): RenderedProbe[] {
  const rng = new Xoshiro128(seed);
  return Array.from({ length: count }, (_, i) => {
    const T = 4 + rng.nextBelow53(12);
    const inputIds = Array.from({ length: T }, () => rng.nextBelow53(vocab));
    return { id: `item-${i}`, inputIds, lossMask: inputIds.map((_, t) => (t >= T - 3 ? 1 : 0)) };
  });
}

describe("activation checkpointing per decoder layer", () => {
  it.each(["llama-gqa", "mistral-window", "gemma2-softcap", "gemma3-local-global", "phi3-fused", "qwen3-qknorm"])(
    "%s: the same G and losses as the plain backward",
    (fixture) => {
      const { model } = loadWeights(join(FIXTURES, fixture));
      try {
        const items = randomItems(7, model.config.vocabSize, 3);
        const plain = accumulateGradients(model, items, { aggregate: "signed-sum", batchSize: 3 });
        const checkpointed = accumulateGradients(model, items, { aggregate: "signed-sum", batchSize: 3, checkpointLayers: true });
        expect(Array.from(checkpointed.losses)).toEqual(Array.from(plain.losses));
        let worst = 0;
        for (const [name, g] of plain.statistic) {
          const a = scope(() => g.toFloat32());
          const b = scope(() => checkpointed.statistic.get(name)!.toFloat32());
          let scale = 0;
          let diff = 0;
          a.forEach((v, i) => {
            scale = Math.max(scale, Math.abs(v));
            diff = Math.max(diff, Math.abs(v - b[i]!));
          });
          worst = Math.max(worst, diff / scale);
        }
        expect(worst).toBeLessThan(1e-6);
        for (const t of [...plain.statistic.values(), ...checkpointed.statistic.values()]) t.dispose();
      } finally {
        model.dispose();
      }
    },
  );
});

describe("batches by a token budget", () => {
  const item = (id: string, length: number): RenderedProbe => ({
    id,
    inputIds: new Array<number>(length).fill(1),
    lossMask: new Array<number>(length).fill(1),
  });
  const items = [item("a", 10), item("b", 30), item("c", 5), item("d", 5), item("e", 50)];

  it("keeps order, bounds rows × longest row, and lets an over-long item go alone", () => {
    const sizes = (b: { batch: RenderedProbe[] }[]) => b.map((x) => x.batch.map((i) => i.id).join(""));
    expect(sizes(itemBatches(items, 8, null))).toEqual(["abcde"]);
    expect(sizes(itemBatches(items, 2, null))).toEqual(["ab", "cd", "e"]);
    expect(sizes(itemBatches(items, 8, 60))).toEqual(["ab", "cd", "e"]);
    expect(sizes(itemBatches(items, 8, 40))).toEqual(["a", "b", "cd", "e"]);
    expect(itemBatches(items, 8, 40).map((b) => b.start)).toEqual([0, 1, 2, 4]);
  });
});
