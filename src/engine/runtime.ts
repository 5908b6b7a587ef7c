import { native } from "./native.js";

/** libtorch's intra-op threads; set to the machine's cores when the engine loads. */
export function setNumThreads(n: number): void {
  native.setNumThreads(n);
}

export function getNumThreads(): number {
  return native.getNumThreads();
}

export function cudaAvailable(): boolean {
  return native.cudaAvailable();
}

export function cudaDeviceCount(): number {
  return native.cudaDeviceCount();
}

/** Seeds libtorch's default generators (CPU and every GPU). */
export function manualSeed(seed: number): void {
  native.manualSeed(seed);
}

/** What the engine runs on; threads is read live. */
export const engineInfo: {
  readonly libtorchVersion: string;
  readonly libtorchPath: string;
  readonly cuda: boolean;
  readonly threads: number;
} = {
  libtorchVersion: native.libtorchVersion,
  libtorchPath: native.libtorchPath,
  cuda: native.cudaAvailable(),
  get threads(): number {
    return native.getNumThreads();
  },
};
