// The engine: libtorch tensors, autograd and memory scopes (docs: notes/engine-api.md).
export { Tensor, type DType, type Device } from "./tensor.js";
export { scope, keep, noGrad, liveTensorCount } from "./scope.js";
export { setNumThreads, getNumThreads, cudaAvailable, cudaDeviceCount, manualSeed, engineInfo } from "./runtime.js";
