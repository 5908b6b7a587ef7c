import { describe, expect, it } from "vitest";
import { Tensor, noGrad, scope } from "../../src/engine/index.js";

function expectClose(actual: ArrayLike<number>, expected: number[], tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs((actual[i] as number) - e)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(e))));
}

describe("engine: autograd", () => {
  it("gives the analytic gradient of sum(sin(x) * x^2)", () => {
    const xs = [0.3, -1.2, 2.0, 0.7];
    const x = Tensor.fromFloat32(new Float32Array(xs), [4], { requiresGrad: true });
    expect(x.requiresGrad).toBe(true);
    x.sin().mul(x.square()).sum().backward();
    expectClose(
      x.grad!.toFloat32(),
      xs.map((v) => Math.cos(v) * v * v + 2 * v * Math.sin(v)),
    );
  });

  it("gives (softmax - onehot) / N through linear + cross-entropy, and W's gradient", () => {
    // logits = x W^T, loss = mean CE; dL/dlogits = (p - y) / N, dL/dW = (dL/dlogits)^T x
    const x = Tensor.fromFloat32(new Float32Array([1, 2, -1, 0.5]), [2, 2]);
    const wValues = [0.1, -0.2, 0.3, 0.4, -0.5, 0.6];
    const w = Tensor.fromFloat32(new Float32Array(wValues), [3, 2], { requiresGrad: true });
    const targets = [2, 0];
    const loss = x.linear(w).crossEntropy(Tensor.fromInt64(targets, [2]));
    loss.backward();

    const xv = [
      [1, 2],
      [-1, 0.5],
    ];
    const wv = [
      [0.1, -0.2],
      [0.3, 0.4],
      [-0.5, 0.6],
    ];
    const dLogits = xv.map((row, n) => {
      const logits = wv.map((wr) => wr[0]! * row[0]! + wr[1]! * row[1]!);
      const z = logits.reduce((s, l) => s + Math.exp(l), 0);
      return logits.map((l, c) => (Math.exp(l) / z - (c === targets[n] ? 1 : 0)) / 2);
    });
    const dW = wv.map((_, c) => [0, 1].map((i) => dLogits[0]![c]! * xv[0]![i]! + dLogits[1]![c]! * xv[1]![i]!));
    expectClose(w.grad!.toFloat32(), dW.flat());
  });

  it("accumulates across backward calls until zeroGrad, and takes an explicit gradient", () => {
    const x = Tensor.fromFloat32(new Float32Array([1, 2]), [2], { requiresGrad: true });
    x.mul(3).sum().backward();
    x.mul(3).sum().backward();
    expect(Array.from(x.grad!.toFloat32())).toEqual([6, 6]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
    x.square().backward(Tensor.fromFloat32(new Float32Array([1, 10]), [2]));
    expect(Array.from(x.grad!.toFloat32())).toEqual([2, 40]);
  });

  it("propagates through attention, rmsNorm, embedding and the shape ops", () => {
    scope(() => {
      const emb = Tensor.randn([5, 4], { seed: 3 }).setRequiresGrad(true);
      const norm = Tensor.ones([4]).setRequiresGrad(true);
      const h = emb.embedding(Tensor.fromInt64([1, 4, 2], [1, 3])).rmsNorm(norm, 1e-6); // [1, 3, 4]
      const q = h.reshape([1, 3, 2, 2]).transpose(1, 2); // [1, 2, 3, 2]
      const out = q.scaledDotProductAttention(q, q, { isCausal: true });
      out.sum().backward();
      const g = emb.grad!.toFloat32();
      expect(Array.from(g.subarray(0, 4))).toEqual([0, 0, 0, 0]); // id 0 unused
      expect(g.subarray(4, 8).some((v) => v !== 0)).toBe(true);
      expect(norm.grad!.shape).toEqual([4]);
    });
  });

  it("records nothing under noGrad and restores the mode afterwards", () => {
    const x = Tensor.fromFloat32(new Float32Array([1]), [1], { requiresGrad: true });
    expect(noGrad(() => x.mul(2).requiresGrad)).toBe(false);
    expect(noGrad(() => noGrad(() => 1))).toBe(1);
    expect(x.mul(2).requiresGrad).toBe(true);
    expect(() =>
      noGrad(() => {
        throw new Error("inside");
      }),
    ).toThrow("inside");
    expect(x.mul(2).requiresGrad).toBe(true);
  });

  it("updates parameters in place without recording (an SGD step)", () => {
    const w = Tensor.fromFloat32(new Float32Array([1, 2]), [2], { requiresGrad: true });
    w.square().sum().backward();
    w.addInPlace(w.grad!, -0.25); // w -= 0.25 * 2w
    expect(Array.from(w.toFloat32())).toEqual([0.5, 1]);
    w.mulInPlace(2);
    expect(Array.from(w.toFloat32())).toEqual([1, 2]);
    expect(w.requiresGrad).toBe(true);
  });
});
