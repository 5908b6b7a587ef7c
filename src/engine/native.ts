import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Names one native at::Tensor (a slot and its generation); only src/engine touches it. */
export type NativeHandle = number & { readonly __nativeTensor: unique symbol };

type Pair = [NativeHandle, NativeHandle];

/** The functions native/bprof_native.cc exports; argument order mirrors that file. */
export interface NativeBinding {
  fromBuffer(
    data: ArrayBufferView,
    sourceDtype: number,
    shape: number[],
    targetDtype: number,
    device: string | null,
    requiresGrad: boolean,
  ): NativeHandle;
  zeros(shape: number[], dtype: number, device: string | null): NativeHandle;
  full(shape: number[], value: number, dtype: number, device: string | null): NativeHandle;
  arange(end: number, dtype: number, device: string | null): NativeHandle;
  randn(shape: number[], seed: number | null, dtype: number, device: string | null): NativeHandle;
  cat(tensors: NativeHandle[], dim: number): NativeHandle;
  stack(tensors: NativeHandle[], dim: number): NativeHandle;
  toFloat32(t: NativeHandle): Float32Array;
  toInt64(t: NativeHandle): BigInt64Array;
  toBytes(t: NativeHandle): Uint8Array;
  item(t: NativeHandle): number;

  shape(t: NativeHandle): number[];
  dtype(t: NativeHandle): number;
  device(t: NativeHandle): string;
  byteSize(t: NativeHandle): number;
  isContiguous(t: NativeHandle): boolean;
  dispose(t: NativeHandle): void;
  liveTensorCount(): number;

  neg(t: NativeHandle): NativeHandle;
  exp(t: NativeHandle): NativeHandle;
  log(t: NativeHandle): NativeHandle;
  sqrt(t: NativeHandle): NativeHandle;
  rsqrt(t: NativeHandle): NativeHandle;
  abs(t: NativeHandle): NativeHandle;
  square(t: NativeHandle): NativeHandle;
  sin(t: NativeHandle): NativeHandle;
  cos(t: NativeHandle): NativeHandle;
  silu(t: NativeHandle): NativeHandle;
  sigmoid(t: NativeHandle): NativeHandle;
  tanh(t: NativeHandle): NativeHandle;
  logicalNot(t: NativeHandle): NativeHandle;
  contiguous(t: NativeHandle): NativeHandle;
  clone(t: NativeHandle): NativeHandle;
  detach(t: NativeHandle): NativeHandle;
  flatten(t: NativeHandle): NativeHandle;

  add(a: NativeHandle, b: NativeHandle): NativeHandle;
  addScalar(a: NativeHandle, b: number): NativeHandle;
  sub(a: NativeHandle, b: NativeHandle): NativeHandle;
  subScalar(a: NativeHandle, b: number): NativeHandle;
  mul(a: NativeHandle, b: NativeHandle): NativeHandle;
  mulScalar(a: NativeHandle, b: number): NativeHandle;
  div(a: NativeHandle, b: NativeHandle): NativeHandle;
  divScalar(a: NativeHandle, b: number): NativeHandle;
  eq(a: NativeHandle, b: NativeHandle): NativeHandle;
  eqScalar(a: NativeHandle, b: number): NativeHandle;
  ne(a: NativeHandle, b: NativeHandle): NativeHandle;
  neScalar(a: NativeHandle, b: number): NativeHandle;
  lt(a: NativeHandle, b: NativeHandle): NativeHandle;
  ltScalar(a: NativeHandle, b: number): NativeHandle;
  gt(a: NativeHandle, b: NativeHandle): NativeHandle;
  gtScalar(a: NativeHandle, b: number): NativeHandle;
  ge(a: NativeHandle, b: NativeHandle): NativeHandle;
  geScalar(a: NativeHandle, b: number): NativeHandle;
  le(a: NativeHandle, b: NativeHandle): NativeHandle;
  leScalar(a: NativeHandle, b: number): NativeHandle;
  pow(a: NativeHandle, b: NativeHandle): NativeHandle;
  powScalar(a: NativeHandle, b: number): NativeHandle;
  logicalAnd(a: NativeHandle, b: NativeHandle): NativeHandle;
  maximum(a: NativeHandle, b: NativeHandle): NativeHandle;
  minimum(a: NativeHandle, b: NativeHandle): NativeHandle;
  clamp(t: NativeHandle, min: number | null, max: number | null): NativeHandle;
  where(cond: NativeHandle, a: NativeHandle, b: NativeHandle): NativeHandle;
  maskedFill(t: NativeHandle, mask: NativeHandle, value: number): NativeHandle;
  triu(t: NativeHandle, diagonal: number): NativeHandle;
  tril(t: NativeHandle, diagonal: number): NativeHandle;

  sum(t: NativeHandle, dims: number[] | null, keepDim: boolean): NativeHandle;
  mean(t: NativeHandle, dims: number[] | null, keepDim: boolean): NativeHandle;
  max(t: NativeHandle, dim: number, keepDim: boolean): Pair;
  argmax(t: NativeHandle, dim: number, keepDim: boolean): NativeHandle;
  softmax(t: NativeHandle, dim: number): NativeHandle;
  logSoftmax(t: NativeHandle, dim: number): NativeHandle;
  cumsum(t: NativeHandle, dim: number): NativeHandle;

  matmul(a: NativeHandle, b: NativeHandle): NativeHandle;
  linear(x: NativeHandle, weight: NativeHandle, bias: NativeHandle | null): NativeHandle;
  rmsNorm(x: NativeHandle, weight: NativeHandle, eps: number): NativeHandle;
  crossEntropy(logits: NativeHandle, targets: NativeHandle, ignoreIndex: number, reduction: number): NativeHandle;
  scaledDotProductAttention(
    q: NativeHandle,
    k: NativeHandle,
    v: NativeHandle,
    mask: NativeHandle | null,
    isCausal: boolean,
    scale: number | null,
  ): NativeHandle;
  rope(x: NativeHandle, cos: NativeHandle, sin: NativeHandle, heads: number): NativeHandle;

  reshape(t: NativeHandle, shape: number[]): NativeHandle;
  transpose(t: NativeHandle, d0: number, d1: number): NativeHandle;
  permute(t: NativeHandle, dims: number[]): NativeHandle;
  narrow(t: NativeHandle, dim: number, start: number, length: number): NativeHandle;
  unsqueeze(t: NativeHandle, dim: number): NativeHandle;
  squeeze(t: NativeHandle, dim: number | null): NativeHandle;
  expand(t: NativeHandle, shape: number[]): NativeHandle;
  repeatInterleave(t: NativeHandle, repeats: number, dim: number): NativeHandle;

  embedding(weight: NativeHandle, ids: NativeHandle): NativeHandle;
  gather(t: NativeHandle, dim: number, index: NativeHandle): NativeHandle;
  indexSelect(t: NativeHandle, dim: number, index: NativeHandle): NativeHandle;
  topk(t: NativeHandle, k: number, dim: number, largest: boolean, sorted: boolean): Pair;
  sort(t: NativeHandle, dim: number, descending: boolean, stable: boolean): Pair;

  to(t: NativeHandle, dtype: number | null, device: string | null): NativeHandle;

  requiresGrad(t: NativeHandle): boolean;
  setRequiresGrad(t: NativeHandle, flag: boolean): void;
  backward(t: NativeHandle, gradient: NativeHandle | null, retainGraph: boolean): void;
  grad(t: NativeHandle): NativeHandle | null;
  zeroGrad(t: NativeHandle): void;
  setGradEnabled(enabled: boolean): boolean;
  isGradEnabled(): boolean;

  getFlat(t: NativeHandle, indices: BigInt64Array): Float32Array;
  setFlat(t: NativeHandle, indices: BigInt64Array, values: Float32Array | number): void;
  copyInPlace(t: NativeHandle, src: NativeHandle): void;
  addInPlace(t: NativeHandle, other: NativeHandle, alpha: number): void;
  mulInPlace(t: NativeHandle, factor: NativeHandle): void;
  mulScalarInPlace(t: NativeHandle, factor: number): void;
  addcmulInPlace(t: NativeHandle, a: NativeHandle, b: NativeHandle, value: number): void;
  addcdivInPlace(t: NativeHandle, a: NativeHandle, b: NativeHandle, value: number): void;

  setNumThreads(n: number): void;
  getNumThreads(): number;
  cudaAvailable(): boolean;
  cudaDeviceCount(): number;
  manualSeed(seed: number): void;
  readonly libtorchVersion: string;
  readonly libtorchPath: string;
}

/** dtype codes shared with native/bprof_native.cc (DTypeCode). */
export const DTYPE_CODE = { f32: 0, bf16: 1, f16: 2, i64: 3, bool: 4 } as const;
/** Int32Array input only: converted to i64 on the way in. */
export const INT32_CODE = 5;

const ADDON_PATH = join(resolve(dirname(fileURLToPath(import.meta.url)), "..", ".."), "build", "Release", "bprof_native.node");

function loadBinding(): NativeBinding {
  // src/engine (tsx) and dist/src/engine (compiled) both sit two levels below a root with build/.
  // BPROF_NATIVE points a long run at a private copy of the addon, so a rebuild meanwhile cannot touch it.
  const candidates = process.env.BPROF_NATIVE
    ? [resolve(process.env.BPROF_NATIVE)]
    : [ADDON_PATH, resolve(dirname(ADDON_PATH), "..", "..", "..", "build", "Release", "bprof_native.node")];
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(`bprof's native engine is not built (looked for ${candidates.join(" and ")}): run \`npm run build:native\``);
  }
  // libtorch's elementwise ops run on an OpenMP pool, its matmuls on OpenBLAS's own threads.
  // By default idle OpenMP workers spin for a while after each parallel region, taking the
  // cores from the matmul that follows (on 2 cores this halved forward+backward throughput;
  // BENCHMARKS.md). libgomp reads this when it loads, i.e. inside the require below.
  process.env.OMP_WAIT_POLICY ??= "PASSIVE";
  const binding = createRequire(import.meta.url)(found) as NativeBinding;
  // libtorch starts with one thread here; use every core.
  binding.setNumThreads(availableParallelism());
  return binding;
}

export const native: NativeBinding = loadBinding();
