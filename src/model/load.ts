import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { keep, scope, Tensor, type Device } from "../engine/index.js";
import { BprofError } from "../errors.js";
import { readModelConfig, type ModelConfig } from "./config.js";
import { readGenerationEosIds, stopTokenIds } from "./generation-config.js";
import { LlamaModel, type ParamDType } from "./llama.js";
import { readLlama2cCheckpoint } from "./loaders/llama2c.js";
import type { TensorSource } from "./loaders/raw-tensor.js";
import { openSafetensorsDir } from "./loaders/safetensors.js";
import { checkFinite } from "./loaders/finite-check.js";
import { checkNoUnusedTensors } from "./checkpoint-coverage.js";
import { countParameters, expectedParameterShapes } from "./parameters.js";
import { HfTokenizer } from "./tokenizer/hf-tokenizer.js";
import { Llama2cTokenizer } from "./tokenizer/llama2c-tokenizer.js";
import type { Tokenizer } from "./tokenizer/tokenizer.js";

export type CheckpointFormat = "huggingface" | "llama2c";

export interface ModelInfo {
  format: CheckpointFormat;
  /** The model directory (huggingface) or checkpoint file (llama2c), absolute. */
  path: string;
  architecture: string;
  numParameters: number;
  /** The dtype the weights are computed in. */
  dtype: ParamDType;
  /** The dtypes the checkpoint stores its weights in. */
  checkpointDtypes: string[];
  device: Device;
  tokenizer: { kind: "huggingface" | "llama2c"; path: string; vocabSize: number };
  hasChatTemplate: boolean;
  /** Generation ends at these ids (generation_config.json, else config.json, plus the tokenizer's eos). */
  stopIds: number[];
  config: ModelConfig;
}

export interface LoadedModel {
  model: LlamaModel;
  tokenizer: Tokenizer;
  info: ModelInfo;
  dispose(): void;
}

export interface LoadOptions {
  /** A tokenizer.bin, or a directory (or its tokenizer.json) with tokenizer.json + tokenizer_config.json. */
  tokenizer?: string;
  device?: Device;
  /** Default f32 on cpu, bf16 on cuda. */
  dtype?: ParamDType;
  /** Load a checkpoint that holds tensors the architecture does not use (warned); default: an error. */
  allowUnusedTensors?: boolean;
}

export interface LoadedWeights {
  model: LlamaModel;
  format: CheckpointFormat;
  /** The model directory (huggingface) or checkpoint file (llama2c), absolute. */
  path: string;
  config: ModelConfig;
  checkpointDtypes: string[];
}

/** Load a Hugging Face model directory or a llama2.c checkpoint file, with its tokenizer. */
export async function loadModel(path: string, opts: LoadOptions = {}): Promise<LoadedModel> {
  const checkpoint = openCheckpoint(path);
  // The tokenizer first: a missing one is reported before seconds of weight loading.
  const tokenizer = await loadTokenizer(checkpoint, opts.tokenizer);
  const { model, checkpointDtypes } = weightsOf(checkpoint, opts);
  const info = describe(checkpoint, tokenizer, checkpointDtypes, model.numParameters, model.device, model.dtype);
  return { model, tokenizer, info, dispose: () => model.dispose() };
}

/**
 * What loadModel would load, without reading the weights: the checkpoint is checked
 * against config.json (every tensor present, right shape) and the tokenizer is loaded.
 */
export async function inspectModel(path: string, opts: LoadOptions = {}): Promise<ModelInfo> {
  const checkpoint = openCheckpoint(path);
  const tokenizer = await loadTokenizer(checkpoint, opts.tokenizer);
  const checkpointDtypes = checkParameters(checkpoint, opts);
  const { device, dtype } = computePlacement(opts);
  return describe(checkpoint, tokenizer, checkpointDtypes, countParameters(expectedParameterShapes(checkpoint.config)), device, dtype);
}

function describe(
  checkpoint: OpenedCheckpoint,
  tokenizer: Tokenizer,
  checkpointDtypes: string[],
  numParameters: number,
  device: Device,
  dtype: ParamDType,
): ModelInfo {
  return {
    format: checkpoint.format,
    path: checkpoint.path,
    architecture: checkpoint.config.modelType,
    numParameters,
    dtype,
    checkpointDtypes,
    device,
    tokenizer: { ...tokenizer.source, vocabSize: tokenizer.vocabSize },
    hasChatTemplate: tokenizer.hasChatTemplate,
    stopIds: stopTokenIds(
      checkpoint.format === "huggingface" ? readGenerationEosIds(checkpoint.path) : null,
      checkpoint.config.eosTokenIds,
      tokenizer.eosId,
    ),
    config: checkpoint.config,
  };
}

/** Only the weights (no tokenizer needed): for logits audits and tests. */
export function loadWeights(path: string, opts: Omit<LoadOptions, "tokenizer"> = {}): LoadedWeights {
  return weightsOf(openCheckpoint(path), opts);
}

interface OpenedCheckpoint {
  format: CheckpointFormat;
  path: string;
  config: ModelConfig;
  source: TensorSource;
  configFile: string;
}

function weightsOf(checkpoint: OpenedCheckpoint, opts: Omit<LoadOptions, "tokenizer">): LoadedWeights {
  const { device, dtype } = computePlacement(opts);
  const checkpointDtypes = checkParameters(checkpoint, opts);
  const params = readParameters(checkpoint, device, dtype);
  return {
    model: new LlamaModel(checkpoint.config, params),
    format: checkpoint.format,
    path: checkpoint.path,
    config: checkpoint.config,
    checkpointDtypes,
  };
}

/** Default f32 on cpu, bf16 on a GPU. */
function computePlacement(opts: { device?: Device; dtype?: ParamDType }): { device: Device; dtype: ParamDType } {
  const device = opts.device ?? "cpu";
  const dtype = opts.dtype ?? (device === "cpu" ? "f32" : "bf16");
  if (device === "cpu" && dtype === "f16") {
    throw new BprofError("f16 compute is not available on cpu (libtorch has no f16 CPU matmul): use f32 or bf16", { field: "dtype" });
  }
  return { device, dtype };
}

/** A directory is a Hugging Face model (config.json + safetensors), a file a llama2.c checkpoint. */
function openCheckpoint(path: string): OpenedCheckpoint {
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new BprofError("no such model file or directory", { file: absolute });
  if (statSync(absolute).isDirectory()) {
    const configFile = join(absolute, "config.json");
    if (!existsSync(configFile)) throw new BprofError("missing config.json in the model directory", { file: configFile });
    refusePickleOnly(absolute);
    return { format: "huggingface", path: absolute, config: readModelConfig(configFile), source: openSafetensorsDir(absolute), configFile };
  }
  if (/^pytorch_model.*\.bin$/.test(basename(absolute))) refusePickleOnly(dirname(absolute), absolute);
  if (absolute.endsWith(".safetensors")) {
    throw new BprofError("pass the model directory (with config.json), not the .safetensors file", { file: absolute });
  }
  const checkpoint = readLlama2cCheckpoint(absolute);
  return { format: "llama2c", path: absolute, config: checkpoint.config, source: checkpoint.tensors, configFile: absolute };
}

/**
 * A directory with PyTorch pickles (`pytorch_model.bin`, or shards with
 * `pytorch_model.bin.index.json`) and no safetensors is refused before anything is read:
 * unpickling runs arbitrary code. The message says how to convert.
 */
function refusePickleOnly(dir: string, file?: string): void {
  const hasSafetensors = existsSync(join(dir, "model.safetensors")) || existsSync(join(dir, "model.safetensors.index.json"));
  const pickles = readdirSync(dir).filter((name) => /^pytorch_model.*\.bin(\.index\.json)?$/.test(name));
  if ((file === undefined && hasSafetensors) || (file === undefined && pickles.length === 0)) return;
  throw new BprofError(
    `${file ? "this is" : "the model directory has"} a PyTorch pickle checkpoint (${pickles.join(", ") || basename(file!)}), which bprof never loads ` +
      "(unpickling can run arbitrary code). Convert it to safetensors once, e.g. with transformers installed: " +
      `python -c "from transformers import AutoModelForCausalLM as M; M.from_pretrained('${dir}').save_pretrained('${dir}-safetensors', safe_serialization=True)" ` +
      "(and copy the tokenizer files), then pass the new directory",
    { file: file ?? dir },
  );
}

/**
 * Every parameter the config implies is in the checkpoint with the right shape, and the
 * checkpoint holds nothing else (checkpoint-coverage.ts); returns the stored dtypes.
 */
function checkParameters({ config, source, configFile }: OpenedCheckpoint, opts: { allowUnusedTensors?: boolean }): string[] {
  const dtypes = new Set<string>();
  const expected = expectedParameterShapes(config);
  for (const [name, shape] of expected) {
    const found = source.describe(name);
    if (found === undefined) throw new BprofError(`missing tensor '${name}'`, { file: source.path, field: name });
    if (found.shape.join(",") !== shape.join(",")) {
      throw new BprofError(
        `tensor '${name}' has shape [${found.shape.join(", ")}] but ${basename(configFile)} implies [${shape.join(", ")}]`,
        { file: found.file, field: name },
      );
    }
    dtypes.add(found.dtype);
  }
  checkNoUnusedTensors(source, expected, config.modelType, { allowUnused: opts.allowUnusedTensors, configFile: basename(configFile) });
  return [...dtypes].sort();
}

/** Read the (checked) parameters onto the device in the compute dtype. */
function readParameters({ config, source }: OpenedCheckpoint, device: Device, dtype: ParamDType): Map<string, Tensor> {
  const params = new Map<string, Tensor>();
  try {
    for (const [name, shape] of expectedParameterShapes(config)) {
      const raw = source.read(name);
      checkFinite(raw, name, source.describe(name)?.file ?? source.path);
      const stored = ({ F32: "f32", BF16: "bf16", F16: "f16" } as const)[raw.dtype];
      params.set(name, keep(scope(() => Tensor.fromBytes(raw.data, stored, shape, { device }).to({ dtype }))));
    }
  } catch (err) {
    for (const t of params.values()) t.dispose();
    throw err;
  }
  return params;
}

async function loadTokenizer({ format, path, config }: OpenedCheckpoint, explicit: string | undefined): Promise<Tokenizer> {
  const tokenizer = explicit ? await tokenizerFromPath(resolve(explicit)) : await defaultTokenizer(format, path, config);
  if (tokenizer.vocabSize > config.vocabSize) {
    throw new BprofError(
      `tokenizer has ${tokenizer.vocabSize} tokens but the model's vocab_size is ${config.vocabSize} (wrong tokenizer?)`,
      { file: tokenizer.source.path },
    );
  }
  return tokenizer;
}

async function tokenizerFromPath(path: string): Promise<Tokenizer> {
  if (!existsSync(path)) throw new BprofError("missing tokenizer: no such file or directory", { file: path });
  if (statSync(path).isDirectory()) return HfTokenizer.fromDirectory(path);
  if (basename(path) === "tokenizer.json" || basename(path) === "tokenizer_config.json") return HfTokenizer.fromDirectory(dirname(path));
  return new Llama2cTokenizer(path);
}

/** HF: the model directory itself. llama2.c: tokenizer.bin or tok<vocab_size>.bin next to the checkpoint (llama2.c's naming). */
async function defaultTokenizer(format: CheckpointFormat, modelPath: string, config: ModelConfig): Promise<Tokenizer> {
  if (format === "huggingface") return HfTokenizer.fromDirectory(modelPath);
  const candidates = ["tokenizer.bin", `tok${config.vocabSize}.bin`].map((name) => join(dirname(modelPath), name));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new BprofError(
      `missing tokenizer: neither ${candidates.map((c) => basename(c)).join(" nor ")} is next to the checkpoint (pass --tokenizer <file>)`,
      { file: modelPath },
    );
  }
  return new Llama2cTokenizer(found);
}
