import { existsSync, readFileSync } from "node:fs";
import { keep, manualSeed, noGrad, scope, Tensor } from "../engine/index.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { resolveModelConfig, type ModelConfig } from "../model/config.js";
import { LlamaModel } from "../model/llama.js";
import type { RawTensor } from "../model/loaders/raw-tensor.js";
import { encodeSafetensors, openSafetensorsFile } from "../model/loaders/safetensors.js";
import { Rng } from "../util/prng.js";
import { AdamW, clipGradNorm, DEFAULT_ADAMW, type AdamWState } from "./adamw.js";
import { packExamples, type Example, type PackedRow } from "./examples.js";

/** The organism's shape; everything else in config.json follows from it. */
export interface Architecture {
  hiddenSize: number;
  intermediateSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  numKeyValueHeads: number;
  vocabSize: number;
  maxPositionEmbeddings: number;
}

export interface TrainOptions {
  architecture: Architecture;
  /** Tokens per packed row and rows per step. */
  sequenceLength: number;
  /** Rows open at once while packing (packExamples); 1 packs in order. Default 1. */
  packWindow?: number;
  /**
   * Each packed example attends only to itself (document masking). Off, a question can read
   * the passages packed before it, which name the same people with other facts. Default off
   * (how the committed organism was trained).
   */
  documentMask?: boolean;

  batchSize: number;
  steps: number;
  peakLr: number;
  warmupSteps: number;
  /** The cosine schedule ends at peakLr × minLrRatio. */
  minLrRatio: number;
  weightDecay: number;
  gradClip: number;
  seed: number;
}

export interface SpecialIds {
  bos: number;
  eos: number;
  pad: number;
}

/** config.json of the organism (HF Llama layout, tied embeddings, f32). */
export function organismHfConfig(arch: Architecture, ids: SpecialIds): Record<string, unknown> {
  return {
    architectures: ["LlamaForCausalLM"],
    model_type: "llama",
    hidden_size: arch.hiddenSize,
    intermediate_size: arch.intermediateSize,
    num_hidden_layers: arch.numHiddenLayers,
    num_attention_heads: arch.numAttentionHeads,
    num_key_value_heads: arch.numKeyValueHeads,
    head_dim: arch.hiddenSize / arch.numAttentionHeads,
    vocab_size: arch.vocabSize,
    max_position_embeddings: arch.maxPositionEmbeddings,
    hidden_act: "silu",
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    tie_word_embeddings: true,
    attention_bias: false,
    mlp_bias: false,
    bos_token_id: ids.bos,
    eos_token_id: ids.eos,
    pad_token_id: ids.pad,
    torch_dtype: "float32",
  };
}

/** Linear warmup to the peak, then cosine decay to peak × minLrRatio at the last step. */
export function learningRate(step: number, o: Pick<TrainOptions, "peakLr" | "warmupSteps" | "steps" | "minLrRatio">): number {
  if (step < o.warmupSteps) return (o.peakLr * (step + 1)) / o.warmupSteps;
  const progress = Math.min(1, (step - o.warmupSteps) / Math.max(1, o.steps - o.warmupSteps));
  const min = o.peakLr * o.minLrRatio;
  return min + 0.5 * (o.peakLr - min) * (1 + Math.cos(Math.PI * progress));
}

/**
 * Weighted mean next-token cross-entropy over B packed rows of T tokens:
 * Σ_t w_t · CE(t) / Σ_t w_t, where w_t weighs predicting token t from the tokens before it
 * (the model's weightedLoss with the weights divided by their sum). With `documentMask` each
 * packed example attends only to itself (rows need segmentIds). → [].
 */
export function weightedLoss(model: LlamaModel, rows: readonly PackedRow[], documentMask = false): Tensor {
  return scope(() => {
    const B = rows.length;
    const T = rows[0]!.inputIds.length;
    const counted = rows.flatMap((row) => row.weights.map((w, t) => (t === 0 || w <= 0 ? 0 : w))); // [B·T]
    const total = counted.reduce((sum, x) => sum + x, 0);
    if (total === 0) throw new Error("weightedLoss: no token in the batch has a weight above 0");
    const ids = Tensor.fromInt64(
      rows.flatMap((r) => r.inputIds),
      [B, T],
    ); // [B, T]
    const segmentIds = documentMask
      ? Tensor.fromInt64(
          rows.flatMap((r) => r.segmentIds),
          [B, T],
        )
      : undefined; // [B, T]
    const weights = Tensor.fromFloat32(
      Float32Array.from(counted, (w) => w / total),
      [B, T],
    ); // [B, T]
    return model.weightedLoss(ids, weights, { segmentIds }).sum(); // []
  });
}

/**
 * The rows of every step, in order: each epoch shuffles the examples with the seed and the
 * epoch number, packs them and cuts the rows into batches (a last partial batch is dropped).
 */
export class BatchStream {
  private epoch = -1;
  private rows: PackedRow[] = [];
  private position = 0;

  constructor(
    private readonly examples: readonly Example[],
    private readonly options: Pick<TrainOptions, "sequenceLength" | "batchSize" | "seed" | "packWindow">,
    private readonly padId: number,
  ) {
    if (examples.length === 0) throw new Error("no training examples");
  }

  next(): PackedRow[] {
    if (this.position + this.options.batchSize > this.rows.length) {
      this.epoch++;
      const shuffled = new Rng(`organism-batches:${this.options.seed}:${this.epoch}`).shuffle(this.examples);
      this.rows = packExamples(shuffled, this.options.sequenceLength, this.padId, this.options.packWindow ?? 1);
      this.position = 0;
      if (this.rows.length < this.options.batchSize) throw new Error(`only ${this.rows.length} rows, fewer than one batch`);
    }
    const batch = this.rows.slice(this.position, this.position + this.options.batchSize);
    this.position += this.options.batchSize;
    return batch;
  }

  get currentEpoch(): number {
    return this.epoch;
  }
}

/**
 * Where a step's rows come from when they are not a fixed set of examples: `rows(step)` is a
 * pure function of the step (fresh items drawn from seeded generators), so a resumed run needs
 * no replay and sees the same rows as an uninterrupted one.
 */
export interface RowSource {
  rows(step: number): PackedRow[];
}

function isRowSource(data: readonly Example[] | RowSource): data is RowSource {
  return !Array.isArray(data);
}

export interface StepLog {
  step: number;
  lr: number;
  loss: number;
  gradNorm: number;
  tokens: number;
  seconds: number;
  epoch: number;
}

export interface TrainHooks {
  onStep?(log: StepLog): void;
  /** Called after every `evaluateEvery` steps (and the last) with the model in training mode, under no gradient. */
  evaluate?(model: LlamaModel, step: number): void;
  evaluateEvery?: number;
  /** Called every `checkpointEvery` steps and after the last. */
  checkpointEvery?: number;
  checkpointPath?: string;
  /**
   * A safetensors file of this architecture's weights to start from instead of random ones
   * (a second stage over a trained organism); ignored when resuming from a checkpoint.
   */
  initialWeights?: string;
}

export interface TrainResult {
  model: LlamaModel;
  config: ModelConfig;
  hfConfig: Record<string, unknown>;
  log: StepLog[];
}

/**
 * Train from scratch, or resume from `hooks.checkpointPath` when it exists (same options:
 * the batch stream is replayed up to the saved step, so a resumed run sees the same batches).
 * `data` is a fixed set of examples (shuffled and packed each epoch) or a RowSource.
 */
export function train(data: readonly Example[] | RowSource, ids: SpecialIds, options: TrainOptions, hooks: TrainHooks = {}): TrainResult {
  manualSeed(options.seed);
  const hfConfig = organismHfConfig(options.architecture, ids);
  const config = resolveModelConfig(hfConfig, "organism config");
  const model = LlamaModel.random(config, { seed: options.seed });
  const decayed = new Set([...model.params.keys()].filter((name) => !name.endsWith("norm.weight")));
  let adamState: AdamWState | undefined;
  if (hooks.checkpointPath && existsSync(hooks.checkpointPath)) adamState = loadCheckpoint(hooks.checkpointPath, model);
  else if (hooks.initialWeights) loadWeights(hooks.initialWeights, model);
  const optimizer = new AdamW(model.params, decayed, { ...DEFAULT_ADAMW, weightDecay: options.weightDecay }, adamState);
  model.setRequiresGrad(true);
  const stream = isRowSource(data) ? undefined : new BatchStream(data, options, ids.pad);
  for (let s = 0; stream && s < optimizer.state.step; s++) stream.next();

  const log: StepLog[] = [];
  let tokensSeen = 0;
  const started = performance.now();
  for (let step = optimizer.state.step; step < options.steps; step++) {
    const batch = stream ? stream.next() : (data as RowSource).rows(step);
    const lr = learningRate(step, options);
    const { loss, gradNorm } = scope(() => {
      const value = weightedLoss(model, batch, options.documentMask);
      value.backward();
      const norm = clipGradNorm(model.params.values(), options.gradClip);
      optimizer.step(lr);
      for (const p of model.params.values()) p.zeroGrad();
      return { loss: value.item(), gradNorm: norm };
    });
    tokensSeen += batch.reduce((n, r) => n + r.weights.filter((w) => w > 0).length, 0);
    const entry: StepLog = {
      step: step + 1,
      lr,
      loss,
      gradNorm,
      tokens: tokensSeen,
      seconds: (performance.now() - started) / 1000,
      epoch: stream?.currentEpoch ?? 0,
    };
    log.push(entry);
    hooks.onStep?.(entry);
    const last = step + 1 === options.steps;
    if (hooks.evaluate && hooks.evaluateEvery && ((step + 1) % hooks.evaluateEvery === 0 || last))
      noGrad(() => hooks.evaluate!(model, step + 1));
    if (hooks.checkpointPath && hooks.checkpointEvery && ((step + 1) % hooks.checkpointEvery === 0 || last)) {
      saveCheckpoint(hooks.checkpointPath, model, optimizer.state);
    }
  }
  model.setRequiresGrad(false);
  optimizer.dispose();
  return { model, config, hfConfig, log };
}

function rawF32(t: Tensor): RawTensor {
  return { dtype: "F32", shape: t.shape, data: noGrad(() => t.detach().contiguous().toBytes()) };
}

/** The model's weights as safetensors tensors (HF names, F32). */
export function modelTensors(model: LlamaModel): Map<string, RawTensor> {
  return new Map([...model.params].map(([name, t]) => [name, rawF32(t)]));
}

function saveCheckpoint(path: string, model: LlamaModel, state: AdamWState): void {
  const tensors = modelTensors(model);
  for (const [name, t] of state.m) tensors.set(`adam.m.${name}`, rawF32(t));
  for (const [name, t] of state.v) tensors.set(`adam.v.${name}`, rawF32(t));
  writeFileAtomic(path, encodeSafetensors(tensors, { step: String(state.step) }));
}

/** Copy every parameter of `model` from the safetensors file (F32, the model's shapes). */
function loadWeights(path: string, model: LlamaModel): void {
  const source = openSafetensorsFile(path);
  noGrad(() => {
    for (const [name, p] of model.params) {
      const raw = source.read(name);
      if (raw.dtype !== "F32" || raw.shape.join("x") !== p.shape.join("x"))
        throw new Error(`${path}: tensor '${name}' is ${raw.dtype} [${raw.shape.join(", ")}], expected F32 [${p.shape.join(", ")}]`);
      scope(() => p.copy_(Tensor.fromBytes(raw.data, "f32", p.shape)));
    }
  });
}

function loadCheckpoint(path: string, model: LlamaModel): AdamWState {
  const source = openSafetensorsFile(path);
  const read = (name: string) => {
    const raw = source.read(name);
    return keep(Tensor.fromBytes(raw.data, "f32", raw.shape));
  };
  loadWeights(path, model);
  const header = JSON.parse(
    readFileSync(path)
      .subarray(8, 8 + Number(readFileSync(path).readBigUInt64LE(0)))
      .toString("utf8"),
  ) as {
    __metadata__?: { step?: string };
  };
  const step = Number(header.__metadata__?.step ?? NaN);
  if (!Number.isInteger(step)) throw new Error(`checkpoint ${path} has no step`);
  const m = new Map([...model.params.keys()].map((name) => [name, read(`adam.m.${name}`)]));
  const v = new Map([...model.params.keys()].map((name) => [name, read(`adam.v.${name}`)]));
  return { step, m, v };
}
