// The importable library: everything the CLI does is reachable from here.
export { BprofError } from "./errors.js";
export { VERSION } from "./version.js";
export * from "./engine/index.js";
export { loadModel, loadWeights, type LoadedModel, type ModelInfo } from "./model/load.js";
export { LlamaModel } from "./model/llama.js";
export { KVCache } from "./model/kv-cache.js";
export { readModelConfig, resolveModelConfig, type ModelConfig } from "./model/config.js";
export type { Tokenizer, ChatMessage } from "./model/tokenizer/tokenizer.js";
export { convertLlama2cToHf } from "./model/convert.js";
