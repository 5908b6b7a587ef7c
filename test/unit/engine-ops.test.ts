import { describe, expect, it } from "vitest";
import { Tensor, engineInfo, getNumThreads, scope } from "../../src/engine/index.js";

const f32 = (values: number[], shape: number[]): Tensor => Tensor.fromFloat32(new Float32Array(values), shape);
const values = (t: Tensor): number[] => Array.from(t.toFloat32());

function expectClose(actual: ArrayLike<number>, expected: number[], tolerance = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs((actual[i] as number) - e)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(e))));
}

describe("engine: creation and read-back", () => {
  it("reports libtorch and uses every core", () => {
    expect(engineInfo.libtorchVersion).toMatch(/^\d+\.\d+/);
    expect(getNumThreads()).toBeGreaterThanOrEqual(1);
  });

  it("round-trips f32, i64 and metadata", () => {
    const t = f32([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe("f32");
    expect(t.device).toBe("cpu");
    expect(t.numel).toBe(6);
    expect(t.byteSize).toBe(24);
    expect(values(t)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(Tensor.fromInt64([3, -1, 7], [3]).toInt64())).toEqual([3n, -1n, 7n]);
    expect(Array.from(Tensor.fromInt64(new Int32Array([5, 6]), [2]).toInt64())).toEqual([5n, 6n]);
    expect(Tensor.fromInt64(new BigInt64Array([9n]), [1]).dtype).toBe("i64");
  });

  it("reads a typed array that is a view into a larger buffer", () => {
    const buffer = new Float32Array([9, 9, 1, 2, 3, 9]);
    expect(values(Tensor.fromFloat32(buffer.subarray(2, 5), [3]))).toEqual([1, 2, 3]);
  });

  it("reads raw bytes at an unaligned offset (a safetensors payload)", () => {
    const payload = new Float32Array([0.5, -1, 3]);
    const file = new Uint8Array(1 + payload.byteLength);
    file.set(new Uint8Array(payload.buffer), 1);
    expect(values(Tensor.fromBytes(file.subarray(1), "f32", [3]))).toEqual([0.5, -1, 3]);
  });

  it("round-trips bf16 and f16 through raw bytes and from f32", () => {
    // 1.5 and -2 are exact in both; 0.1 rounds to the nearest bf16 / f16.
    const source = new Float32Array([1.5, -2, 0.1]);
    const bf16 = Tensor.fromFloat32(source, [3], { dtype: "bf16" });
    expect(bf16.dtype).toBe("bf16");
    expect(bf16.byteSize).toBe(6);
    expect(values(bf16)).toEqual([1.5, -2, 0.10009765625]);
    const f16 = Tensor.fromFloat32(source, [3]).to({ dtype: "f16" });
    expect(values(f16)).toEqual([1.5, -2, 0.0999755859375]);

    // bf16 1.5 = 0x3FC0, -2 = 0xC000 (little-endian)
    const bytes = new Uint8Array([0xc0, 0x3f, 0x00, 0xc0]);
    const fromBytes = Tensor.fromBytes(bytes, "bf16", [2]);
    expect(values(fromBytes)).toEqual([1.5, -2]);
    expect(Array.from(fromBytes.toBytes())).toEqual(Array.from(bytes));
    expect(Array.from(f16.toBytes().subarray(0, 2))).toEqual([0x00, 0x3e]); // f16 1.5 = 0x3E00
  });

  it("rejects data that does not fit the shape", () => {
    expect(() => f32([1, 2, 3], [2, 2])).toThrow(/fromBuffer: data has 12 bytes/);
  });

  it("makes zeros, ones, full, arange, seeded randn", () => {
    expect(values(Tensor.zeros([2]))).toEqual([0, 0]);
    expect(values(Tensor.ones([2], { dtype: "bf16" }))).toEqual([1, 1]);
    expect(values(Tensor.full([3], 2.5))).toEqual([2.5, 2.5, 2.5]);
    expect(Tensor.arange(4).dtype).toBe("i64");
    expect(values(Tensor.arange(4))).toEqual([0, 1, 2, 3]);
    const a = values(Tensor.randn([100], { seed: 7 }));
    expect(values(Tensor.randn([100], { seed: 7 }))).toEqual(a);
    expect(values(Tensor.randn([100], { seed: 8 }))).not.toEqual(a);
    const mean = a.reduce((s, x) => s + x, 0) / a.length;
    expect(Math.abs(mean)).toBeLessThan(0.5);
  });

  it("concatenates and stacks", () => {
    const a = f32([1, 2], [1, 2]);
    const b = f32([3, 4], [1, 2]);
    expect(Tensor.cat([a, b], 0).shape).toEqual([2, 2]);
    expect(values(Tensor.cat([a, b], 1))).toEqual([1, 2, 3, 4]);
    expect(Tensor.stack([a, b], 0).shape).toEqual([2, 1, 2]);
  });
});

describe("engine: elementwise and reductions", () => {
  it("computes elementwise ops with tensor and number operands, broadcasting", () => {
    const a = f32([1, 2, 3, 4], [2, 2]);
    const row = f32([10, 20], [2]);
    expect(values(a.add(row))).toEqual([11, 22, 13, 24]);
    expect(values(a.sub(1))).toEqual([0, 1, 2, 3]);
    expect(values(a.mul(a))).toEqual([1, 4, 9, 16]);
    expect(values(a.div(2))).toEqual([0.5, 1, 1.5, 2]);
    expect(values(a.neg())).toEqual([-1, -2, -3, -4]);
    expect(values(a.pow(2))).toEqual([1, 4, 9, 16]);
    expect(values(a.square())).toEqual([1, 4, 9, 16]);
    expect(values(f32([-2, 3], [2]).abs())).toEqual([2, 3]);
    expectClose(a.exp().toFloat32(), [1, 2, 3, 4].map(Math.exp));
    expectClose(a.log().toFloat32(), [1, 2, 3, 4].map(Math.log));
    expectClose(a.sqrt().toFloat32(), [1, 2, 3, 4].map(Math.sqrt));
    expectClose(
      a.rsqrt().toFloat32(),
      [1, 2, 3, 4].map((x) => 1 / Math.sqrt(x)),
    );
    expectClose(a.sin().toFloat32(), [1, 2, 3, 4].map(Math.sin));
    expectClose(a.cos().toFloat32(), [1, 2, 3, 4].map(Math.cos));
    expectClose(a.tanh().toFloat32(), [1, 2, 3, 4].map(Math.tanh));
    expectClose(
      a.sigmoid().toFloat32(),
      [1, 2, 3, 4].map((x) => 1 / (1 + Math.exp(-x))),
    );
    expectClose(
      a.silu().toFloat32(),
      [1, 2, 3, 4].map((x) => x / (1 + Math.exp(-x))),
    );
    expect(values(a.clamp(2, 3))).toEqual([2, 2, 3, 3]);
  });

  it("compares, masks and selects", () => {
    const a = f32([1, 2, 3, 4], [4]);
    expect(a.gt(2).dtype).toBe("bool");
    expect(values(a.gt(2))).toEqual([0, 0, 1, 1]);
    expect(values(a.le(2))).toEqual([1, 1, 0, 0]);
    expect(values(a.eq(f32([1, 0, 3, 0], [4])))).toEqual([1, 0, 1, 0]);
    expect(values(a.ne(3))).toEqual([1, 1, 0, 1]);
    expect(values(a.lt(2).logicalAnd(a.ge(1)))).toEqual([1, 0, 0, 0]);
    expect(values(a.maskedFill(a.gt(2), -1))).toEqual([1, 2, -1, -1]);
    expect(values(a.where(a.gt(2), a.neg()))).toEqual([-1, -2, 3, 4]);
    const ones = Tensor.ones([3, 3]);
    expect(values(ones.tril(0))).toEqual([1, 0, 0, 1, 1, 0, 1, 1, 1]);
    expect(values(ones.triu(1))).toEqual([0, 1, 1, 0, 0, 1, 0, 0, 0]);
    expect(values(a.cumsum(0))).toEqual([1, 3, 6, 10]);
  });

  it("reduces over all, one or several dims", () => {
    const a = f32([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(a.sum().item()).toBe(21);
    expect(values(a.sum(0))).toEqual([5, 7, 9]);
    expect(a.sum(1, true).shape).toEqual([2, 1]);
    expect(values(a.mean([0, 1]))).toEqual([3.5]);
    const { values: maxValues, indices } = f32([1, 9, 3, 8, 2, 7], [2, 3]).max(1);
    expect(values(maxValues)).toEqual([9, 8]);
    expect(Array.from(indices.toInt64())).toEqual([1n, 0n]);
    expect(Array.from(f32([1, 9, 3, 8, 2, 7], [2, 3]).argmax(1).toInt64())).toEqual([1n, 0n]);
  });

  it("computes softmax and logSoftmax", () => {
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    const x = f32([1, 2, 3], [1, 3]);
    expectClose(
      x.softmax(-1).toFloat32(),
      [1, 2, 3].map((v) => Math.exp(v) / z),
    );
    expectClose(
      x.logSoftmax(-1).toFloat32(),
      [1, 2, 3].map((v) => v - Math.log(z)),
    );
  });
});

describe("engine: linear algebra and fused ops", () => {
  it("multiplies matrices, batched and broadcast", () => {
    const a = f32([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = f32([1, 0, 0, 1, 1, 1], [3, 2]);
    expect(values(a.matmul(b))).toEqual([4, 5, 10, 11]);
    const batch = Tensor.stack([a, a.mul(2)], 0); // [2, 2, 3]
    expect(values(batch.matmul(b))).toEqual([4, 5, 10, 11, 8, 10, 20, 22]);
  });

  it("applies linear as x W^T + b with W in [out, in]", () => {
    const x = f32([1, 2], [1, 2]);
    const w = f32([1, 1, 2, -1, 0, 3], [3, 2]);
    expect(values(x.linear(w))).toEqual([3, 0, 6]);
    expect(values(x.linear(w, f32([1, 1, 1], [3])))).toEqual([4, 1, 7]);
  });

  it("normalises with rmsNorm like HF LlamaRMSNorm", () => {
    const x = f32([3, 4], [1, 2]);
    const rms = Math.sqrt((9 + 16) / 2 + 1e-5);
    expectClose(x.rmsNorm(f32([1, 2], [2]), 1e-5).toFloat32(), [3 / rms, (2 * 4) / rms]);
  });

  it("computes cross-entropy with mean, sum, none and an ignored index", () => {
    const logits = f32([1, 2, 3, 0, 0, 0], [2, 3]);
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    const first = Math.log(z) - 3;
    const second = Math.log(3);
    const targets = Tensor.fromInt64([2, 1], [2]);
    expectClose(logits.crossEntropy(targets, { reduction: "none" }).toFloat32(), [first, second]);
    expectClose([logits.crossEntropy(targets).item()], [(first + second) / 2]);
    expectClose([logits.crossEntropy(targets, { reduction: "sum" }).item()], [first + second]);
    expectClose([logits.crossEntropy(Tensor.fromInt64([2, -100], [2])).item()], [first]);
  });

  it("computes attention equal to softmax(q k^T / sqrt(D) + mask) v", () => {
    // One head, T = S = 2, D = 2.
    const q = f32([1, 0, 0, 1], [1, 1, 2, 2]);
    const k = f32([1, 0, 1, 1], [1, 1, 2, 2]);
    const v = f32([1, 2, 3, 4], [1, 1, 2, 2]);
    const s = 1 / Math.sqrt(2);
    const softmaxRow = (a: number, b: number): [number, number] => {
      const ea = Math.exp(a),
        eb = Math.exp(b);
      return [ea / (ea + eb), eb / (ea + eb)];
    };
    const [p00, p01] = softmaxRow(1 * s, 1 * s);
    const [p10, p11] = softmaxRow(0, 1 * s);
    const full = [p00 * 1 + p01 * 3, p00 * 2 + p01 * 4, p10 * 1 + p11 * 3, p10 * 2 + p11 * 4];
    expectClose(q.scaledDotProductAttention(k, v).toFloat32(), full, 1e-5);
    const causal = [1, 2, p10 * 1 + p11 * 3, p10 * 2 + p11 * 4];
    expectClose(q.scaledDotProductAttention(k, v, { isCausal: true }).toFloat32(), causal, 1e-5);
    const mask = Tensor.ones([2, 2], { dtype: "bool" }).tril(0);
    expectClose(q.scaledDotProductAttention(k, v, { mask }).toFloat32(), causal, 1e-5);
    const additive = Tensor.zeros([2, 2]).maskedFill(mask.logicalNot(), -1e9);
    expectClose(q.scaledDotProductAttention(k, v, { mask: additive }).toFloat32(), causal, 1e-5);
  });

  it("keeps a fully masked attention row finite", () => {
    const q = Tensor.randn([1, 1, 2, 4], { seed: 1 });
    const mask = Tensor.fromInt64([0, 0, 1, 1], [2, 2]).ne(0); // row 0 masked everywhere
    const out = q.scaledDotProductAttention(q, q, { mask }).toFloat32();
    expect(out.every(Number.isFinite)).toBe(true);
  });
});

describe("engine: shapes and indexing", () => {
  it("reshapes, transposes, permutes, narrows, squeezes, expands, repeats", () => {
    const a = f32([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(a.reshape([3, 2]).shape).toEqual([3, 2]);
    expect(values(a.transpose(0, 1).contiguous())).toEqual([1, 4, 2, 5, 3, 6]);
    expect(a.reshape([1, 2, 3]).permute([2, 0, 1]).shape).toEqual([3, 1, 2]);
    expect(values(a.narrow(1, 1, 2))).toEqual([2, 3, 5, 6]);
    expect(a.unsqueeze(0).shape).toEqual([1, 2, 3]);
    expect(a.reshape([1, 2, 1, 3]).squeeze().shape).toEqual([2, 3]);
    expect(a.reshape([1, 2, 1, 3]).squeeze(2).shape).toEqual([1, 2, 3]);
    expect(values(f32([1, 2], [2, 1]).expand([2, 2]))).toEqual([1, 1, 2, 2]);
    expect(values(f32([1, 2], [2]).repeatInterleave(2, 0))).toEqual([1, 1, 2, 2]);
    expect(a.flatten().shape).toEqual([6]);
    expect(a.transpose(0, 1).isContiguous()).toBe(false);
  });

  it("embeds, gathers and selects", () => {
    const weight = f32([0, 0, 1, 1, 2, 2], [3, 2]);
    const ids = Tensor.fromInt64([2, 0, 1, 1], [2, 2]);
    const e = weight.embedding(ids);
    expect(e.shape).toEqual([2, 2, 2]);
    expect(values(e)).toEqual([2, 2, 0, 0, 1, 1, 1, 1]);
    const a = f32([10, 11, 12, 20, 21, 22], [2, 3]);
    expect(values(a.gather(1, Tensor.fromInt64([2, 0], [2, 1])))).toEqual([12, 20]);
    expect(values(a.indexSelect(1, Tensor.fromInt64([0, 2], [2])))).toEqual([10, 12, 20, 22]);
  });

  it("finds top-k and sorts", () => {
    const a = f32([3, 1, 4, 1, 5, 9, 2, 6], [8]);
    const top = a.topk(3);
    expect(values(top.values)).toEqual([9, 6, 5]);
    expect(Array.from(top.indices.toInt64())).toEqual([5n, 7n, 4n]);
    expect(values(a.topk(2, { largest: false }).values)).toEqual([1, 1]);
    const sorted = a.sort({ descending: true, stable: true });
    expect(values(sorted.values)).toEqual([9, 6, 5, 4, 3, 2, 1, 1]);
    expect(Array.from(a.sort({ stable: true }).indices.toInt64()).slice(0, 2)).toEqual([1n, 3n]);
  });
});

describe("engine: errors", () => {
  it("throws a catchable Error naming the op for a bad matmul shape, and keeps working", () => {
    const a = f32([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(() => a.matmul(a)).toThrow(/^matmul: .*shapes cannot be multiplied \(2x3 and 2x3\)/);
    expect(values(a.matmul(a.transpose(0, 1)))).toEqual([14, 32, 32, 77]);
  });

  it("throws on other libtorch failures and on disposed tensors", () => {
    expect(() => f32([1, 2], [2]).reshape([3])).toThrow(/^reshape: shape '\[3\]' is invalid/);
    expect(() => f32([1, 2], [2]).embedding(Tensor.fromInt64([5], [1]))).toThrow(/^embedding: /);
    const t = f32([1], [1]);
    t.dispose();
    expect(t.disposed).toBe(true);
    expect(() => t.add(1)).toThrow(/^add: tensor was disposed/);
    const reuser = f32([2], [1]); // takes the freed native slot
    expect(() => t.add(reuser)).toThrow(/^add: tensor was disposed/);
    expect(values(reuser.add(1))).toEqual([3]);
  });

  it("moves between dtypes and says when CUDA is missing", () => {
    scope(() => {
      const a = f32([1.25, 2], [2]);
      expect(a.to({ dtype: "bf16" }).to({ dtype: "f32" }).dtype).toBe("f32");
      expect(values(a.to({ dtype: "i64" }))).toEqual([1, 2]);
      if (!engineInfo.cuda) expect(() => a.to({ device: "cuda" })).toThrow(/^to: /);
    });
  });
});
