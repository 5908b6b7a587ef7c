import { DTYPE_CODE, INT32_CODE, native, type NativeHandle } from "./native.js";
import { track, untrack } from "./scope.js";

export type DType = "f32" | "bf16" | "f16" | "i64" | "bool";
export type Device = "cpu" | "cuda" | `cuda:${number}`;

const DTYPE_OF_CODE: readonly DType[] = ["f32", "bf16", "f16", "i64", "bool"];
const REDUCTION_CODE = { none: 0, mean: 1, sum: 2 } as const;

function dtypeCode(dtype: DType | undefined, fallback: DType = "f32"): number {
  return DTYPE_CODE[dtype ?? fallback];
}

function dimsList(dims: number[] | number | undefined): number[] | null {
  if (dims === undefined) return null;
  return typeof dims === "number" ? [dims] : dims;
}

/**
 * A handle on one libtorch tensor. Every op returns a new Tensor; tensors created inside
 * `scope()` are released when it ends unless returned, others by dispose() or, failing that,
 * after the wrapper is garbage-collected.
 * Shape, dtype and device are read once from libtorch and cached (they never change).
 */
export class Tensor {
  /** The native reference; only src/engine uses it. */
  readonly handle: NativeHandle;
  #shape: number[] | undefined;
  #dtype: DType | undefined;
  #device: Device | undefined;
  #disposed = false;

  /** Wraps a native handle; use the static creators instead. */
  constructor(handle: NativeHandle) {
    this.handle = handle;
    track(this);
  }

  // ------------------------------------------------------------------------------------------
  // Creation

  static fromFloat32(data: Float32Array, shape: number[], opts: { device?: Device; requiresGrad?: boolean; dtype?: DType } = {}): Tensor {
    return new Tensor(
      native.fromBuffer(data, DTYPE_CODE.f32, shape, dtypeCode(opts.dtype), opts.device ?? null, opts.requiresGrad ?? false),
    );
  }

  /** Raw little-endian bytes, e.g. straight from a safetensors file. */
  static fromBytes(bytes: Uint8Array, dtype: "f32" | "bf16" | "f16", shape: number[], opts: { device?: Device } = {}): Tensor {
    return new Tensor(native.fromBuffer(bytes, DTYPE_CODE[dtype], shape, DTYPE_CODE[dtype], opts.device ?? null, false));
  }

  static fromInt64(data: BigInt64Array | Int32Array | number[], shape: number[], opts: { device?: Device } = {}): Tensor {
    const [array, code] = Array.isArray(data)
      ? [BigInt64Array.from(data, (x) => BigInt(x)), DTYPE_CODE.i64]
      : data instanceof Int32Array
        ? [data, INT32_CODE]
        : [data, DTYPE_CODE.i64];
    return new Tensor(native.fromBuffer(array, code, shape, DTYPE_CODE.i64, opts.device ?? null, false));
  }

  static zeros(shape: number[], opts: { dtype?: DType; device?: Device } = {}): Tensor {
    return new Tensor(native.zeros(shape, dtypeCode(opts.dtype), opts.device ?? null));
  }

  static ones(shape: number[], opts: { dtype?: DType; device?: Device } = {}): Tensor {
    return Tensor.full(shape, 1, opts);
  }

  static full(shape: number[], value: number, opts: { dtype?: DType; device?: Device } = {}): Tensor {
    return new Tensor(native.full(shape, value, dtypeCode(opts.dtype), opts.device ?? null));
  }

  /** 0, 1, …, end-1; i64 unless told otherwise. */
  static arange(end: number, opts: { dtype?: DType; device?: Device } = {}): Tensor {
    return new Tensor(native.arange(end, dtypeCode(opts.dtype, "i64"), opts.device ?? null));
  }

  /** Standard normal; with a seed the values are the same on every device. */
  static randn(shape: number[], opts: { seed?: number; dtype?: DType; device?: Device } = {}): Tensor {
    return new Tensor(native.randn(shape, opts.seed ?? null, dtypeCode(opts.dtype), opts.device ?? null));
  }

  static cat(tensors: Tensor[], dim: number): Tensor {
    return new Tensor(
      native.cat(
        tensors.map((t) => t.handle),
        dim,
      ),
    );
  }

  static stack(tensors: Tensor[], dim: number): Tensor {
    return new Tensor(
      native.stack(
        tensors.map((t) => t.handle),
        dim,
      ),
    );
  }

  // ------------------------------------------------------------------------------------------
  // Metadata

  /** Frozen: the same array on every read. */
  get shape(): number[] {
    return (this.#shape ??= Object.freeze(native.shape(this.handle)) as number[]);
  }

  get dtype(): DType {
    if (this.#dtype === undefined) {
      const dtype = DTYPE_OF_CODE[native.dtype(this.handle)];
      if (dtype === undefined) throw new Error(`dtype: unsupported native dtype code ${native.dtype(this.handle)}`);
      this.#dtype = dtype;
    }
    return this.#dtype;
  }

  get device(): Device {
    return (this.#device ??= native.device(this.handle) as Device);
  }

  get numel(): number {
    let n = 1;
    for (const d of this.shape) n *= d;
    return n;
  }

  get byteSize(): number {
    return native.byteSize(this.handle);
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  get requiresGrad(): boolean {
    return native.requiresGrad(this.handle);
  }

  isContiguous(): boolean {
    return native.isContiguous(this.handle);
  }

  toString(): string {
    return this.#disposed ? "Tensor(disposed)" : `Tensor(${this.dtype}, [${this.shape.join(", ")}], ${this.device})`;
  }

  // ------------------------------------------------------------------------------------------
  // Read back (copies into JS memory)

  /** Converts bf16/f16/i64/bool to f32. */
  toFloat32(): Float32Array {
    return native.toFloat32(this.handle);
  }

  toInt64(): BigInt64Array {
    return native.toInt64(this.handle);
  }

  /** Raw bytes in the tensor's own dtype, row-major. */
  toBytes(): Uint8Array {
    return native.toBytes(this.handle);
  }

  item(): number {
    return native.item(this.handle);
  }

  // ------------------------------------------------------------------------------------------
  // Elementwise (broadcasting as in torch)

  add(o: Tensor | number): Tensor {
    return new Tensor(typeof o === "number" ? native.addScalar(this.handle, o) : native.add(this.handle, o.handle));
  }
  sub(o: Tensor | number): Tensor {
    return new Tensor(typeof o === "number" ? native.subScalar(this.handle, o) : native.sub(this.handle, o.handle));
  }
  mul(o: Tensor | number): Tensor {
    return new Tensor(typeof o === "number" ? native.mulScalar(this.handle, o) : native.mul(this.handle, o.handle));
  }
  div(o: Tensor | number): Tensor {
    return new Tensor(typeof o === "number" ? native.divScalar(this.handle, o) : native.div(this.handle, o.handle));
  }
  pow(p: Tensor | number): Tensor {
    return new Tensor(typeof p === "number" ? native.powScalar(this.handle, p) : native.pow(this.handle, p.handle));
  }
  maximum(o: Tensor): Tensor {
    return new Tensor(native.maximum(this.handle, o.handle));
  }
  minimum(o: Tensor): Tensor {
    return new Tensor(native.minimum(this.handle, o.handle));
  }
  clamp(min: number | null, max: number | null = null): Tensor {
    return new Tensor(native.clamp(this.handle, min, max));
  }
  neg(): Tensor {
    return new Tensor(native.neg(this.handle));
  }
  exp(): Tensor {
    return new Tensor(native.exp(this.handle));
  }
  log(): Tensor {
    return new Tensor(native.log(this.handle));
  }
  sqrt(): Tensor {
    return new Tensor(native.sqrt(this.handle));
  }
  rsqrt(): Tensor {
    return new Tensor(native.rsqrt(this.handle));
  }
  abs(): Tensor {
    return new Tensor(native.abs(this.handle));
  }
  square(): Tensor {
    return new Tensor(native.square(this.handle));
  }
  sin(): Tensor {
    return new Tensor(native.sin(this.handle));
  }
  cos(): Tensor {
    return new Tensor(native.cos(this.handle));
  }
  silu(): Tensor {
    return new Tensor(native.silu(this.handle));
  }
  sigmoid(): Tensor {
    return new Tensor(native.sigmoid(this.handle));
  }
  tanh(): Tensor {
    return new Tensor(native.tanh(this.handle));
  }

  eq(o: Tensor | number): Tensor {
    return new Tensor(typeof o === "number" ? native.eqScalar(this.handle, o) : native.eq(this.handle, o.handle));
  }
  ne(o: Tensor | number): Tensor {
    return new Tensor(typeof o === "number" ? native.neScalar(this.handle, o) : native.ne(this.handle, o.handle));
  }
  lt(o: Tensor | number): Tensor {
    return new Tensor(typeof o === "number" ? native.ltScalar(this.handle, o) : native.lt(this.handle, o.handle));
  }
  gt(o: Tensor | number): Tensor {
    return new Tensor(typeof o === "number" ? native.gtScalar(this.handle, o) : native.gt(this.handle, o.handle));
  }
  ge(o: Tensor | number): Tensor {
    return new Tensor(typeof o === "number" ? native.geScalar(this.handle, o) : native.ge(this.handle, o.handle));
  }
  le(o: Tensor | number): Tensor {
    return new Tensor(typeof o === "number" ? native.leScalar(this.handle, o) : native.le(this.handle, o.handle));
  }
  logicalAnd(o: Tensor): Tensor {
    return new Tensor(native.logicalAnd(this.handle, o.handle));
  }
  logicalNot(): Tensor {
    return new Tensor(native.logicalNot(this.handle));
  }

  /** mask ? value : this */
  maskedFill(mask: Tensor, value: number): Tensor {
    return new Tensor(native.maskedFill(this.handle, mask.handle, value));
  }
  /** cond ? this : other */
  where(cond: Tensor, other: Tensor): Tensor {
    return new Tensor(native.where(cond.handle, this.handle, other.handle));
  }
  triu(diagonal = 0): Tensor {
    return new Tensor(native.triu(this.handle, diagonal));
  }
  tril(diagonal = 0): Tensor {
    return new Tensor(native.tril(this.handle, diagonal));
  }

  // ------------------------------------------------------------------------------------------
  // Reductions (no dims: over everything)

  sum(dims?: number[] | number, keepDim = false): Tensor {
    return new Tensor(native.sum(this.handle, dimsList(dims), keepDim));
  }
  mean(dims?: number[] | number, keepDim = false): Tensor {
    return new Tensor(native.mean(this.handle, dimsList(dims), keepDim));
  }

  max(dim: number, keepDim = false): { values: Tensor; indices: Tensor } {
    const [values, indices] = native.max(this.handle, dim, keepDim);
    return { values: new Tensor(values), indices: new Tensor(indices) };
  }

  argmax(dim: number, keepDim = false): Tensor {
    return new Tensor(native.argmax(this.handle, dim, keepDim));
  }
  softmax(dim: number): Tensor {
    return new Tensor(native.softmax(this.handle, dim));
  }
  logSoftmax(dim: number): Tensor {
    return new Tensor(native.logSoftmax(this.handle, dim));
  }
  cumsum(dim: number): Tensor {
    return new Tensor(native.cumsum(this.handle, dim));
  }

  // ------------------------------------------------------------------------------------------
  // Linear algebra and fused model ops

  /** torch.matmul semantics (batched, broadcast). */
  matmul(o: Tensor): Tensor {
    return new Tensor(native.matmul(this.handle, o.handle));
  }

  /** this @ weight^T + bias; weight in [out, in] (HF layout). */
  linear(weight: Tensor, bias?: Tensor): Tensor {
    return new Tensor(native.linear(this.handle, weight.handle, bias?.handle ?? null));
  }

  /** weight * x / sqrt(mean(x², -1) + eps), normalised in f32 as HF LlamaRMSNorm does. */
  rmsNorm(weight: Tensor, eps: number): Tensor {
    return new Tensor(native.rmsNorm(this.handle, weight.handle, eps));
  }

  /** this = logits [N, V], targets [N] i64; mean over non-ignored targets by default. */
  crossEntropy(targets: Tensor, opts: { ignoreIndex?: number; reduction?: "mean" | "sum" | "none" } = {}): Tensor {
    return new Tensor(native.crossEntropy(this.handle, targets.handle, opts.ignoreIndex ?? -100, REDUCTION_CODE[opts.reduction ?? "mean"]));
  }

  /**
   * softmax(q k^T * scale + mask) v with this = q [B, H, T, D], k and v [B, H, S, D].
   * A bool mask is true where attention is allowed (broadcast to [B, H, T, S]); a float mask is
   * added. isCausal aligns the triangle top-left as torch does: for a query block that follows
   * cached keys (T < S), pass a mask instead. Fully masked rows stay finite.
   */
  scaledDotProductAttention(k: Tensor, v: Tensor, opts: { mask?: Tensor; isCausal?: boolean; scale?: number } = {}): Tensor {
    return new Tensor(
      native.scaledDotProductAttention(
        this.handle,
        k.handle,
        v.handle,
        opts.mask?.handle ?? null,
        opts.isCausal ?? false,
        opts.scale ?? null,
      ),
    );
  }

  /**
   * Rotary position embedding (rotate-half) fused with the head split: this = x [B, T, h·D]
   * → [B, h, T, D] contiguous, each head [a, b] (halves) becoming [a·cos − b·sin, b·cos + a·sin]
   * with cos, sin [B|1, T, D/2]. One autograd node; the gradient is the inverse rotation.
   */
  rope(cos: Tensor, sin: Tensor, heads: number): Tensor {
    return new Tensor(native.rope(this.handle, cos.handle, sin.handle, heads));
  }

  // ------------------------------------------------------------------------------------------
  // Shape

  reshape(shape: number[]): Tensor {
    return new Tensor(native.reshape(this.handle, shape));
  }
  transpose(d0: number, d1: number): Tensor {
    return new Tensor(native.transpose(this.handle, d0, d1));
  }
  permute(dims: number[]): Tensor {
    return new Tensor(native.permute(this.handle, dims));
  }
  contiguous(): Tensor {
    return new Tensor(native.contiguous(this.handle));
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return new Tensor(native.narrow(this.handle, dim, start, length));
  }
  unsqueeze(dim: number): Tensor {
    return new Tensor(native.unsqueeze(this.handle, dim));
  }
  /** No dim: drop every size-1 dimension. */
  squeeze(dim?: number): Tensor {
    return new Tensor(native.squeeze(this.handle, dim ?? null));
  }
  expand(shape: number[]): Tensor {
    return new Tensor(native.expand(this.handle, shape));
  }
  repeatInterleave(repeats: number, dim: number): Tensor {
    return new Tensor(native.repeatInterleave(this.handle, repeats, dim));
  }
  flatten(): Tensor {
    return new Tensor(native.flatten(this.handle));
  }

  // ------------------------------------------------------------------------------------------
  // Indexing

  /** this = weight [V, C], ids [...] i64 → [..., C] */
  embedding(ids: Tensor): Tensor {
    return new Tensor(native.embedding(this.handle, ids.handle));
  }
  gather(dim: number, index: Tensor): Tensor {
    return new Tensor(native.gather(this.handle, dim, index.handle));
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return new Tensor(native.indexSelect(this.handle, dim, index.handle));
  }

  topk(k: number, opts: { largest?: boolean; dim?: number; sorted?: boolean } = {}): { values: Tensor; indices: Tensor } {
    const [values, indices] = native.topk(this.handle, k, opts.dim ?? -1, opts.largest ?? true, opts.sorted ?? true);
    return { values: new Tensor(values), indices: new Tensor(indices) };
  }

  sort(opts: { dim?: number; descending?: boolean; stable?: boolean } = {}): { values: Tensor; indices: Tensor } {
    const [values, indices] = native.sort(this.handle, opts.dim ?? -1, opts.descending ?? false, opts.stable ?? false);
    return { values: new Tensor(values), indices: new Tensor(indices) };
  }

  // ------------------------------------------------------------------------------------------
  // dtype / device

  to(target: { dtype?: DType; device?: Device }): Tensor {
    return new Tensor(native.to(this.handle, target.dtype === undefined ? null : DTYPE_CODE[target.dtype], target.device ?? null));
  }

  clone(): Tensor {
    return new Tensor(native.clone(this.handle));
  }
  detach(): Tensor {
    return new Tensor(native.detach(this.handle));
  }

  // ------------------------------------------------------------------------------------------
  // Autograd

  setRequiresGrad(flag: boolean): this {
    native.setRequiresGrad(this.handle, flag);
    return this;
  }

  /** Accumulates into .grad of the leaves; retainGraph keeps the graph for another backward. */
  backward(gradient?: Tensor, opts: { retainGraph?: boolean } = {}): void {
    native.backward(this.handle, gradient?.handle ?? null, opts.retainGraph ?? false);
  }

  /** A new handle on the accumulated gradient (shares its memory), or null. */
  get grad(): Tensor | null {
    const g = native.grad(this.handle);
    return g === null ? null : new Tensor(g);
  }

  /** Sets .grad to None, as optimizer.zero_grad(set_to_none=True). */
  zeroGrad(): void {
    native.zeroGrad(this.handle);
  }

  // ------------------------------------------------------------------------------------------
  // In place, outside autograd (ablation, exact restore, optimizer updates); need a contiguous tensor for flat access

  /** Values at flat row-major indices, as f32 (exact for f32, bf16, f16). */
  getFlat(indices: BigInt64Array): Float32Array {
    return native.getFlat(this.handle, indices);
  }

  /** this.view(-1)[indices] = values */
  setFlat(indices: BigInt64Array, values: Float32Array | number): void {
    native.setFlat(this.handle, indices, values);
  }

  copy_(src: Tensor): void {
    native.copyInPlace(this.handle, src.handle);
  }
  /** this += alpha * o */
  addInPlace(o: Tensor, alpha = 1): void {
    native.addInPlace(this.handle, o.handle, alpha);
  }
  mulInPlace(factor: Tensor | number): void {
    if (typeof factor === "number") native.mulScalarInPlace(this.handle, factor);
    else native.mulInPlace(this.handle, factor.handle);
  }
  /** this += value * a * b */
  addcmulInPlace(a: Tensor, b: Tensor, value = 1): void {
    native.addcmulInPlace(this.handle, a.handle, b.handle, value);
  }
  /** this += value * a / b */
  addcdivInPlace(a: Tensor, b: Tensor, value = 1): void {
    native.addcdivInPlace(this.handle, a.handle, b.handle, value);
  }

  // ------------------------------------------------------------------------------------------
  // Memory

  /** Drops this handle's reference now; later use throws. Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    untrack(this);
    native.dispose(this.handle);
  }
}
