import { readFileSync } from "node:fs";
import { z } from "zod";
import { BprofError } from "../errors.js";
import { parseWithSchema } from "../util/schema.js";
import { llamaFeatures, type ArchitectureFeatures } from "./architecture.js";

/**
 * The model configuration, mirroring Hugging Face `config.json` key for key for the
 * decoder families bprof runs (`model_type` llama, mistral, qwen2, qwen3, gemma2,
 * gemma3_text, phi3; what sets each apart: architecture.ts). Keys the family does not use are
 * passed through untouched; keys it needs but a file leaves out get the Hugging Face
 * default for that model type, filled in `resolveModelConfig` and nowhere else.
 */

export const SUPPORTED_MODEL_TYPES = ["llama", "mistral", "qwen2", "qwen3", "gemma2", "gemma3_text", "phi3"] as const;
export type ModelType = (typeof SUPPORTED_MODEL_TYPES)[number];

const positiveInt = z.number().int().positive();
const tokenIdOrList = z.union([z.number().int().nonnegative(), z.array(z.number().int().nonnegative())]);

/** `rope_scaling` as written by HF: the type under `rope_type` (newer) or `type` (older). */
const RopeScalingSchema = z.looseObject({
  rope_type: z.string().optional(),
  type: z.string().optional(),
  factor: z.number().positive().optional(),
  low_freq_factor: z.number().positive().optional(),
  high_freq_factor: z.number().positive().optional(),
  original_max_position_embeddings: positiveInt.optional(),
});

export const HfConfigSchema = z.looseObject({
  model_type: z.string(),
  hidden_size: positiveInt,
  intermediate_size: positiveInt,
  num_hidden_layers: positiveInt,
  num_attention_heads: positiveInt,
  vocab_size: positiveInt,
  num_key_value_heads: positiveInt.nullish(),
  head_dim: positiveInt.nullish(),
  hidden_act: z.string().optional(),
  max_position_embeddings: positiveInt.optional(),
  rms_norm_eps: z.number().positive().optional(),
  rope_theta: z.number().positive().optional(),
  rope_scaling: RopeScalingSchema.nullish(),
  tie_word_embeddings: z.boolean().optional(),
  attention_bias: z.boolean().optional(),
  mlp_bias: z.boolean().optional(),
  sliding_window: positiveInt.nullish(),
  use_sliding_window: z.boolean().optional(),
  bos_token_id: tokenIdOrList.nullish(),
  eos_token_id: tokenIdOrList.nullish(),
  pad_token_id: tokenIdOrList.nullish(),
  torch_dtype: z.string().nullish(),
  dtype: z.string().nullish(),
  // Gemma-2/3
  hidden_activation: z.string().nullish(),
  query_pre_attn_scalar: z.number().positive().nullish(),
  attn_logit_softcapping: z.number().positive().nullish(),
  final_logit_softcapping: z.number().positive().nullish(),
  layer_types: z.array(z.enum(["sliding_attention", "full_attention"])).nullish(),
  sliding_window_pattern: positiveInt.nullish(),
  rope_local_base_freq: z.number().positive().nullish(),
  // Phi-3 (and others): a fraction of each head rotated
  partial_rotary_factor: z.number().positive().nullish(),
});
export type HfConfig = z.infer<typeof HfConfigSchema>;

export type RopeScaling =
  | { type: "llama3"; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositionEmbeddings: number }
  | { type: "linear"; factor: number };

/** Everything the model code needs, every default resolved. */
export interface ModelConfig extends ArchitectureFeatures {
  modelType: ModelType;
  hiddenSize: number;
  intermediateSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  numKeyValueHeads: number;
  headDim: number;
  vocabSize: number;
  maxPositionEmbeddings: number;
  rmsNormEps: number;
  ropeTheta: number;
  ropeScaling: RopeScaling | null;
  tieWordEmbeddings: boolean;
  /** q/k/v projections carry a bias (qwen2 always; llama with attention_bias). */
  qkvBias: boolean;
  /** o_proj carries a bias (llama with attention_bias). */
  oBias: boolean;
  /** gate/up/down projections carry a bias (llama with mlp_bias). */
  mlpBias: boolean;
  /** The sliding attention window of the layers marked in `slidingLayers`: token i sees tokens j with i - j < slidingWindow. */
  slidingWindow: number | null;
  bosTokenId: number | null;
  eosTokenIds: number[];
  /** The dtype the checkpoint was saved in (`torch_dtype`, or `dtype` in newer files). */
  torchDtype: string | null;
}

/** Hugging Face's defaults per model type, for the keys a config.json may leave out. */
const HF_DEFAULTS: Record<
  ModelType,
  {
    maxPositionEmbeddings: number;
    rmsNormEps: number;
    bosTokenId: number | null;
    eosTokenId: number | null;
    slidingWindow: number | null;
    ropeTheta: number;
    tieWordEmbeddings: boolean;
  }
> = {
  llama: {
    maxPositionEmbeddings: 2048,
    rmsNormEps: 1e-6,
    bosTokenId: 1,
    eosTokenId: 2,
    slidingWindow: null,
    ropeTheta: 10000,
    tieWordEmbeddings: false,
  },
  mistral: {
    maxPositionEmbeddings: 4096 * 32,
    rmsNormEps: 1e-6,
    bosTokenId: 1,
    eosTokenId: 2,
    slidingWindow: 4096,
    ropeTheta: 10000,
    tieWordEmbeddings: false,
  },
  qwen2: {
    maxPositionEmbeddings: 32768,
    rmsNormEps: 1e-6,
    bosTokenId: null,
    eosTokenId: null,
    slidingWindow: null,
    ropeTheta: 10000,
    tieWordEmbeddings: false,
  },
  qwen3: {
    maxPositionEmbeddings: 32768,
    rmsNormEps: 1e-6,
    bosTokenId: null,
    eosTokenId: null,
    slidingWindow: null,
    ropeTheta: 10000,
    tieWordEmbeddings: false,
  },
  gemma2: {
    maxPositionEmbeddings: 8192,
    rmsNormEps: 1e-6,
    bosTokenId: 2,
    eosTokenId: 1,
    slidingWindow: 4096,
    ropeTheta: 10000,
    tieWordEmbeddings: true,
  },
  gemma3_text: {
    maxPositionEmbeddings: 131072,
    rmsNormEps: 1e-6,
    bosTokenId: 2,
    eosTokenId: 1,
    slidingWindow: 4096,
    ropeTheta: 1000000,
    tieWordEmbeddings: true,
  },
  phi3: {
    maxPositionEmbeddings: 4096,
    rmsNormEps: 1e-5,
    bosTokenId: 1,
    eosTokenId: 32000,
    slidingWindow: null,
    ropeTheta: 10000,
    tieWordEmbeddings: false,
  },
};

const GEMMA = new Set<ModelType>(["gemma2", "gemma3_text"]);
/** Types whose attention_bias puts a bias on q, k, v and o alike. */
const ATTENTION_BIAS_ON_ALL = new Set<ModelType>(["llama", "qwen3", "gemma2", "gemma3_text"]);

/** Validate a parsed config.json object and fill in every default. `file` names it in errors. */
export function resolveModelConfig(raw: unknown, file: string): ModelConfig {
  const c = parseWithSchema(HfConfigSchema, raw, { file });
  if (!(SUPPORTED_MODEL_TYPES as readonly string[]).includes(c.model_type)) {
    throw new BprofError(`unknown model_type '${c.model_type}' (supported: ${SUPPORTED_MODEL_TYPES.join(", ")})`, {
      file,
      field: "model_type",
    });
  }
  const modelType = c.model_type as ModelType;
  const defaults = HF_DEFAULTS[modelType];

  const isGemma = GEMMA.has(modelType);
  // Gemma reads `hidden_activation` (HF's Gemma classes), falling back to `hidden_act`.
  const activationField = isGemma && c.hidden_activation != null ? "hidden_activation" : "hidden_act";
  const activation = (isGemma ? (c.hidden_activation ?? c.hidden_act) : c.hidden_act) ?? (isGemma ? "gelu_pytorch_tanh" : "silu");
  const hiddenActivation =
    activation === "silu" ? "silu" : activation === "gelu_pytorch_tanh" || activation === "gelu_tanh" ? "gelu_tanh" : null;
  if (hiddenActivation === null || (hiddenActivation === "gelu_tanh") !== isGemma) {
    throw new BprofError(
      `unsupported ${activationField} '${activation}' for ${modelType} (${isGemma ? "gelu_pytorch_tanh" : "silu"} only)`,
      { file, field: activationField },
    );
  }
  if (c.partial_rotary_factor != null && c.partial_rotary_factor !== 1) {
    throw new BprofError(`partial_rotary_factor ${c.partial_rotary_factor} is not supported (every head dimension rotated only)`, {
      file,
      field: "partial_rotary_factor",
    });
  }
  const numKeyValueHeads = c.num_key_value_heads ?? c.num_attention_heads;
  if (c.num_attention_heads % numKeyValueHeads !== 0) {
    throw new BprofError(`num_attention_heads ${c.num_attention_heads} is not a multiple of num_key_value_heads ${numKeyValueHeads}`, {
      file,
      field: "num_key_value_heads",
    });
  }
  const headDim = c.head_dim ?? c.hidden_size / c.num_attention_heads;
  if (!Number.isInteger(headDim) || headDim % 2 !== 0) {
    throw new BprofError(`head dimension ${headDim} must be an even integer`, { file, field: "head_dim" });
  }
  if ((modelType === "qwen2" || modelType === "qwen3") && c.use_sliding_window) {
    throw new BprofError(`${modelType} sliding-window attention is not supported`, { file, field: "use_sliding_window" });
  }
  const attentionBias = c.attention_bias ?? false;
  const slidingWindow =
    modelType === "mistral" || modelType === "phi3" || isGemma
      ? c.sliding_window === undefined
        ? defaults.slidingWindow
        : c.sliding_window
      : null;
  const features = architectureFeatures(modelType, c, headDim, slidingWindow, file);

  return {
    modelType,
    hiddenSize: c.hidden_size,
    intermediateSize: c.intermediate_size,
    numHiddenLayers: c.num_hidden_layers,
    numAttentionHeads: c.num_attention_heads,
    numKeyValueHeads,
    headDim,
    vocabSize: c.vocab_size,
    maxPositionEmbeddings: c.max_position_embeddings ?? defaults.maxPositionEmbeddings,
    rmsNormEps: c.rms_norm_eps ?? defaults.rmsNormEps,
    ropeTheta: c.rope_theta ?? defaults.ropeTheta,
    ropeScaling: resolveRopeScaling(c.rope_scaling ?? null, file),
    tieWordEmbeddings: c.tie_word_embeddings ?? defaults.tieWordEmbeddings,
    qkvBias: modelType === "qwen2" || (ATTENTION_BIAS_ON_ALL.has(modelType) && attentionBias),
    oBias: ATTENTION_BIAS_ON_ALL.has(modelType) && attentionBias,
    mlpBias: modelType === "llama" && (c.mlp_bias ?? false),
    slidingWindow,
    ...features,
    bosTokenId: firstId(c.bos_token_id, defaults.bosTokenId),
    eosTokenIds: allIds(c.eos_token_id, defaults.eosTokenId),
    torchDtype: c.torch_dtype ?? c.dtype ?? null,
  };
}

/** The switches of architecture.ts for one model type, from its config keys and HF's defaults. */
function architectureFeatures(
  modelType: ModelType,
  c: HfConfig,
  headDim: number,
  slidingWindow: number | null,
  file: string,
): ArchitectureFeatures {
  const L = c.num_hidden_layers;
  const base = llamaFeatures(L, headDim, slidingWindow);
  if (modelType === "qwen3") return { ...base, qkNorm: true };
  if (modelType === "phi3") return { ...base, fusedProjections: true };
  if (!GEMMA.has(modelType)) return base;
  const gemma2 = modelType === "gemma2";
  // HF: Gemma-2 slides on even layers; Gemma-3 makes every `sliding_window_pattern`-th layer global.
  const pattern = c.sliding_window_pattern ?? 6;
  let sliding = Array.from({ length: L }, (_, i) => (gemma2 ? i % 2 === 0 : (i + 1) % pattern !== 0));
  if (c.layer_types != null) {
    if (c.layer_types.length !== L) {
      throw new BprofError(`layer_types has ${c.layer_types.length} entries for ${L} layers`, { file, field: "layer_types" });
    }
    sliding = c.layer_types.map((t) => t === "sliding_attention");
  }
  if (slidingWindow === null) sliding = sliding.map(() => false);
  return {
    ...base,
    qkNorm: !gemma2,
    normPlusOne: true,
    sandwichNorms: true,
    embeddingScale: Math.sqrt(c.hidden_size),
    hiddenActivation: "gelu_tanh",
    attentionScale: (c.query_pre_attn_scalar ?? 256) ** -0.5,
    attnLogitSoftcap: gemma2
      ? c.attn_logit_softcapping === undefined
        ? 50
        : c.attn_logit_softcapping
      : (c.attn_logit_softcapping ?? null),
    finalLogitSoftcap: gemma2
      ? c.final_logit_softcapping === undefined
        ? 30
        : c.final_logit_softcapping
      : (c.final_logit_softcapping ?? null),
    slidingLayers: sliding,
    localRopeTheta: gemma2 ? null : (c.rope_local_base_freq ?? 10000),
  };
}

function resolveRopeScaling(raw: z.infer<typeof RopeScalingSchema> | null, file: string): RopeScaling | null {
  if (raw === null) return null;
  const type = raw.rope_type ?? raw.type;
  const field = (key: string) => `rope_scaling.${key}`;
  const need = (key: "factor" | "low_freq_factor" | "high_freq_factor" | "original_max_position_embeddings"): number => {
    const value = raw[key];
    if (value === undefined) throw new BprofError(`rope_scaling type '${type}' needs '${key}'`, { file, field: field(key) });
    return value;
  };
  switch (type) {
    case "default":
      return null;
    case "linear":
      return { type: "linear", factor: need("factor") };
    case "llama3":
      return {
        type: "llama3",
        factor: need("factor"),
        lowFreqFactor: need("low_freq_factor"),
        highFreqFactor: need("high_freq_factor"),
        originalMaxPositionEmbeddings: need("original_max_position_embeddings"),
      };
    default:
      throw new BprofError(`unsupported rope_scaling type '${type}' (supported: llama3, linear)`, {
        file,
        field: field(raw.rope_type !== undefined ? "rope_type" : "type"),
      });
  }
}

function firstId(value: number | number[] | null | undefined, fallback: number | null): number | null {
  if (value === undefined) return fallback;
  if (value === null) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

function allIds(value: number | number[] | null | undefined, fallback: number | null): number[] {
  if (value === undefined) return fallback === null ? [] : [fallback];
  if (value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Read and resolve a config.json file. */
export function readModelConfig(path: string): ModelConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new BprofError(`cannot read config: ${(err as Error).message}`, { file: path });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new BprofError(`invalid JSON: ${(err as Error).message}`, { file: path });
  }
  return resolveModelConfig(raw, path);
}

/** The config.json a resolved config corresponds to (used when converting checkpoints). */
export function toHfConfig(config: ModelConfig): HfConfig {
  const scaling = config.ropeScaling;
  const modelType = config.modelType;
  if (modelType !== "llama" && modelType !== "mistral" && modelType !== "qwen2") {
    throw new Error(`toHfConfig: writes Llama-family configs only (got ${modelType})`);
  }
  return {
    architectures: [{ llama: "LlamaForCausalLM", mistral: "MistralForCausalLM", qwen2: "Qwen2ForCausalLM" }[modelType]],
    model_type: config.modelType,
    hidden_size: config.hiddenSize,
    intermediate_size: config.intermediateSize,
    num_hidden_layers: config.numHiddenLayers,
    num_attention_heads: config.numAttentionHeads,
    num_key_value_heads: config.numKeyValueHeads,
    head_dim: config.headDim,
    vocab_size: config.vocabSize,
    hidden_act: "silu",
    max_position_embeddings: config.maxPositionEmbeddings,
    rms_norm_eps: config.rmsNormEps,
    rope_theta: config.ropeTheta,
    rope_scaling:
      scaling === null
        ? null
        : scaling.type === "linear"
          ? { rope_type: "linear", factor: scaling.factor }
          : {
              rope_type: "llama3",
              factor: scaling.factor,
              low_freq_factor: scaling.lowFreqFactor,
              high_freq_factor: scaling.highFreqFactor,
              original_max_position_embeddings: scaling.originalMaxPositionEmbeddings,
            },
    tie_word_embeddings: config.tieWordEmbeddings,
    attention_bias: config.modelType === "llama" ? config.oBias : undefined,
    mlp_bias: config.modelType === "llama" ? config.mlpBias : undefined,
    sliding_window: config.modelType === "mistral" ? config.slidingWindow : undefined,
    bos_token_id: config.bosTokenId,
    eos_token_id: config.eosTokenIds.length === 1 ? config.eosTokenIds[0] : config.eosTokenIds,
    torch_dtype: config.torchDtype,
  };
}
