import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { resolve } from "node:path";
import { expect, it } from "vitest";
import { liveTensorCount, noGrad, scope, Tensor } from "../../src/engine/index.js";
import { loadWeights } from "../../src/model/load.js";

setFlagsFromString("--expose-gc");
/** A full collection between measurements, so JS garbage is not mistaken for growth. */
const collectGarbage = runInNewContext("gc") as () => void;

/** 1,000 forward passes of a tiny model in a loop must not grow the process's memory. */
it("1,000 forward passes do not grow memory", () => {
  const { model } = loadWeights(resolve(import.meta.dirname, "../fixtures/models/llama-gqa"));
  const [B, T] = [8, 64];
  const ids = Tensor.fromInt64(
    Array.from({ length: B * T }, (_, i) => (i * 7) % 64),
    [B, T],
  );
  const mask = Tensor.ones([B, T], { dtype: "i64" });
  const step = () => noGrad(() => scope(() => model.forward(ids, { attentionMask: mask }).sum().item()));
  try {
    for (let i = 0; i < 200; i++) step(); // warm up allocator pools and the JIT
    collectGarbage();
    const tensorsBefore = liveTensorCount();
    const rssBefore = process.memoryUsage().rss;
    let checksum = 0;
    for (let i = 0; i < 1000; i++) checksum += step();
    collectGarbage();
    const grownMiB = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    expect(Number.isFinite(checksum)).toBe(true);
    expect(liveTensorCount()).toBe(tensorsBefore);
    // The logits alone are B·T·V·4 bytes = 128 KiB a pass: keeping them would add 125 MiB.
    expect(grownMiB).toBeLessThan(32);
  } finally {
    model.dispose();
    ids.dispose();
    mask.dispose();
  }
});
