// The engine: libtorch tensors, autograd and memory scopes (ARCHITECTURE.md).
export { Tensor, type DType, type Device } from "./tensor.js";
export { scope, keep, noGrad, gradEnabled, liveTensorCount } from "./scope.js";
export { setNumThreads, getNumThreads, cudaAvailable, cudaDeviceCount, manualSeed, engineInfo } from "./runtime.js";
