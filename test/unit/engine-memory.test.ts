import { describe, expect, it } from "vitest";
import { Tensor, keep, liveTensorCount, noGrad, scope } from "../../src/engine/index.js";

describe("engine: scopes", () => {
  it("frees everything created inside except what is returned", () => {
    const base = liveTensorCount();
    const x = Tensor.ones([4, 4]);
    const result = scope(() => {
      const a = x.mul(2);
      const b = a.add(1).exp();
      return { b, parts: [a.sum()], byName: new Map([["max", b.max(0).values]]) };
    });
    expect(liveTensorCount()).toBe(base + 4); // x, b, the sum, the max values
    expect(result.b.disposed).toBe(false);
    expect(result.byName.get("max")!.shape).toEqual([4]);
    expect(x.disposed).toBe(false);
  });

  it("moves returned tensors to the enclosing scope and exempts kept ones", () => {
    const base = liveTensorCount();
    let inner: Tensor | undefined;
    let kept: Tensor | undefined;
    scope(() => {
      inner = scope(() => Tensor.ones([2]).mul(3));
      kept = keep(Tensor.zeros([2]));
      expect(inner.disposed).toBe(false);
    });
    expect(inner!.disposed).toBe(true);
    expect(kept!.disposed).toBe(false);
    expect(liveTensorCount()).toBe(base + 1);
    kept!.dispose();
    expect(liveTensorCount()).toBe(base);
  });

  it("frees on a throw, and refuses async functions", () => {
    const base = liveTensorCount();
    expect(() =>
      scope(() => {
        Tensor.ones([3]);
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(liveTensorCount()).toBe(base);
    expect(() => scope(async () => Tensor.ones([1]))).toThrow(/synchronous/);
    expect(liveTensorCount()).toBe(base);
  });

  it("releases gradients fetched inside a scope but keeps the parameter's", () => {
    const w = Tensor.ones([3]).setRequiresGrad(true);
    scope(() => w.mul(2).sum().backward());
    const base = liveTensorCount();
    scope(() => w.grad!.sum().item());
    expect(liveTensorCount()).toBe(base);
    expect(Array.from(w.grad!.toFloat32())).toEqual([2, 2, 2]);
  });
});

describe("engine: flat in-place access", () => {
  it("round-trips setFlat/getFlat bit-exactly and restores the original", () => {
    for (const dtype of ["f32", "bf16", "f16"] as const) {
      const w = Tensor.randn([16, 8], { seed: 11, dtype });
      const before = w.toBytes();
      const indices = new BigInt64Array([0n, 5n, 127n, 64n]);
      const saved = w.getFlat(indices);
      w.setFlat(indices, 0);
      expect(Array.from(w.getFlat(indices))).toEqual([0, 0, 0, 0]);
      w.setFlat(indices, saved);
      expect(Buffer.from(w.toBytes()).equals(Buffer.from(before))).toBe(true);
    }
  });

  it("writes into a parameter that requires grad, and checks indices", () => {
    const w = Tensor.fromFloat32(new Float32Array([1, 2, 3, 4]), [2, 2], { requiresGrad: true });
    w.setFlat(new BigInt64Array([3n, 0n]), new Float32Array([40, 10]));
    expect(Array.from(w.toFloat32())).toEqual([10, 2, 3, 40]);
    expect(() => w.setFlat(new BigInt64Array([4n]), 0)).toThrow(/^setFlat: /);
    expect(() => w.setFlat(new BigInt64Array([1n]), new Float32Array([1, 2]))).toThrow(/1 indices but 2 values/);
    expect(() => w.transpose(0, 1).getFlat(new BigInt64Array([0n]))).toThrow(/contiguous/);
  });
});

describe("engine: memory over many iterations", () => {
  it("runs 1,000 scoped MLP forwards without growing RSS or live tensors", () => {
    // [B, C] → [B, 4C] → [B, C], the shape of a transformer MLP block, ~1 MB of activations.
    const C = 128;
    const w1 = Tensor.randn([4 * C, C], { seed: 1 }).mul(0.05);
    const w2 = Tensor.randn([C, 4 * C], { seed: 2 }).mul(0.05);
    const x = Tensor.randn([64, C], { seed: 3 });
    const step = (): number =>
      scope(() =>
        noGrad(() =>
          x
            .linear(w1)
            .silu()
            .linear(w2)
            .add(x)
            .rmsNorm(Tensor.ones([C]), 1e-6)
            .square()
            .mean()
            .item(),
        ),
      );
    for (let i = 0; i < 100; i++) step();
    const liveBefore = liveTensorCount();
    const rssBefore = process.memoryUsage().rss;
    for (let i = 0; i < 1000; i++) step();
    const grownMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    expect(liveTensorCount()).toBe(liveBefore);
    expect(grownMb).toBeLessThan(20);
  });

  it("runs 1,000 scoped forward+backward steps without growing RSS or live tensors", () => {
    const w = Tensor.randn([256, 256], { seed: 4 }).mul(0.05).setRequiresGrad(true);
    const x = Tensor.randn([32, 256], { seed: 5 });
    const step = (): void =>
      scope(() => {
        w.zeroGrad();
        x.linear(w).tanh().square().mean().backward();
      });
    for (let i = 0; i < 100; i++) step();
    const liveBefore = liveTensorCount();
    const rssBefore = process.memoryUsage().rss;
    for (let i = 0; i < 1000; i++) step();
    const grownMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    expect(liveTensorCount()).toBe(liveBefore);
    expect(grownMb).toBeLessThan(20);
  });
});
