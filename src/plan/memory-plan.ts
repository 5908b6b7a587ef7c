import type { GradientAggregate } from "../importance/gradients.js";
import { parseDecoderMatrix } from "../model/parameters.js";
import type { ModelConfig } from "../model/config.js";
import { expectedParameterShapes } from "../model/parameters.js";
import { MEASURED } from "./measured-constants.js";

/**
 * Predicted peak memory and disk of a profile, from config.json alone (METHOD.md's three
 * stages as bprof runs them):
 *
 * importance (device) = weights P·w + gradients of the scored matrices P_s·w
 *   + the f32 accumulator G 4·P_s (none for an f32 signed sum: it accumulates in .grad)
 *   + the per-tensor reduction's temporaries (largest scored matrix × 8 B in bf16, × 4 B in f32)
 *   + activations: κ · tokens · L · E · w (every layer's graph) or, checkpointed,
 *     tokens · L · C · w (the layer inputs) + κ · tokens · E · w (one layer's graph)
 *   + the head: λ · tokens · V (f32 logits, log-softmax and their gradients)
 * where w is the compute dtype's size, tokens = rows × sequence length per backward and
 * E the activation elements a layer saves per token (activationElements). κ, λ and the
 * process baseline are measured (scripts/measure-memory.ts → measured-constants.ts); every
 * other term is counted. On cpu the device is host RAM, so the baseline is added there.
 *
 * evaluation (device) = weights + one batch's logits: eval token budget × V × 8 B
 *   (f32 logits and log-softmax) + a KV cache of that budget.
 * selection (host) = the candidates of the largest n: 16 B each (score and index).
 * disk per ability = the top (and bottom) n_max candidates of each scope (8 B each), every
 *   score only with --keep-scores (4 or 2 B · P_s), and every mask (4 B per index).
 */

export type PlanDevice = "cpu" | "cuda";

/** Device memory planned for on cuda unless told (one 80 GB GPU); on cpu it is host RAM. */
export const DEFAULT_CUDA_MEMORY_BYTES = 80e9;
/** Longest probe item assumed, in tokens, when the probes are not tokenized yet. */
export const DEFAULT_PLAN_SEQ_LEN = 512;
/** Evaluation's rows × width per forward (ModelScoringLM's default maxBatchTokens). */
export const DEFAULT_EVAL_BATCH_TOKENS = 8192;
export type PlanDType = "f32" | "bf16" | "f16";
export const CHECKPOINT_CHOICES = ["auto", "on", "off"] as const;
export type CheckpointChoice = (typeof CHECKPOINT_CHOICES)[number];

export interface PlanOptions {
  device: PlanDevice;
  dtype: PlanDType;
  aggregate: GradientAggregate;
  /** Items per importance backward. */
  batchSize: number;
  /** Token slots per backward at most (null: batchSize rows of seqLen). */
  batchTokens: number | null;
  /** Tokens of the longest probe item assumed (the rows are padded to it). */
  seqLen: number;
  checkpointLayers: CheckpointChoice;
  /** Device memory available, bytes. */
  deviceMemory: number;
  /** Host RAM available, bytes. */
  hostMemory: number;
  /** Evaluation's rows × width per forward. */
  evalBatchTokens: number;
  abilities: number;
  ks: number[];
  /** Masks per ability and k (top, and bottom when asked), plus random controls per k. */
  masksPerK: number;
  randomControls: number;
  /** Ablation scopes profiled (each stores its own top-n candidates). */
  variants: number;
  /** Every score kept (--keep-scores, a contrast, or a method other than top), or none. */
  keepScores: "none" | "f16" | "f32";
  /** Whether the top-n candidates are stored (the top method without a contrast; storedScores). */
  candidates: boolean;
}

export interface StagePlan {
  /** Peak device memory (bytes), by term. */
  device: Record<string, number>;
  deviceTotal: number;
  /** Peak host RAM (bytes). */
  host: number;
}

export interface MemoryPlan {
  parameters: { total: number; scored: number; largestScored: number };
  importance: StagePlan;
  selection: StagePlan;
  evaluation: StagePlan;
  /** Run-directory bytes. */
  disk: number;
  checkpointLayers: boolean;
  rowsPerBackward: number;
  tokensPerBackward: number;
  fits: boolean;
  /** Why not, when it does not fit. */
  problems: string[];
}

const BYTES: Record<PlanDType, number> = { f32: 4, bf16: 2, f16: 2 };

/**
 * Activation elements one decoder layer keeps for the backward per token, from what
 * bprof's ops save: the two RMSNorms' inputs and f32 normalised copies (≈ 4·C each), the
 * q/k/v input (C), q scaled and k, v repeated to every head (3·H·D), the attention output
 * (H·D), the attention probabilities (H·T), the MLP input (C), gate, act(gate), up and their
 * product (4·F); the residual sums, (2·C). κ scales the sum to what is measured.
 */
export function activationElements(config: ModelConfig, seqLen: number): number {
  const { hiddenSize: C, intermediateSize: F, numAttentionHeads: H, headDim: D } = config;
  return 8 * C + 4 * H * D + 4 * F + H * seqLen + 3 * C;
}

function kappa(dtype: PlanDType): number {
  return dtype === "f32" ? MEASURED.activationFactor.f32 : MEASURED.activationFactor.bf16;
}

function lambda(dtype: PlanDType): number {
  return dtype === "f32" ? MEASURED.headBytesPerLogit.f32 : MEASURED.headBytesPerLogit.bf16;
}

export function parameterCounts(config: ModelConfig): MemoryPlan["parameters"] {
  let total = 0;
  let scored = 0;
  let largestScored = 0;
  for (const [name, shape] of expectedParameterShapes(config)) {
    const n = shape.reduce((a, b) => a * b, 1);
    total += n;
    if (parseDecoderMatrix(name) !== null) {
      scored += n;
      largestScored = Math.max(largestScored, n);
    }
  }
  return { total, scored, largestScored };
}

/** Importance's device terms for one checkpointing choice. */
function importanceTerms(config: ModelConfig, o: PlanOptions, checkpoint: boolean, rows: number): Record<string, number> {
  const p = parameterCounts(config);
  const w = BYTES[o.dtype];
  const tokens = rows * o.seqLen;
  const E = activationElements(config, o.seqLen);
  const L = config.numHiddenLayers;
  const inGrad = o.aggregate === "signed-sum" && o.dtype === "f32";
  return {
    weights: p.total * w,
    gradients: p.scored * w,
    accumulator: inGrad ? 0 : 4 * p.scored,
    reduction: p.largestScored * (w === 4 ? 4 : 8),
    activations: checkpoint ? tokens * L * config.hiddenSize * w + kappa(o.dtype) * tokens * E * w : kappa(o.dtype) * tokens * L * E * w,
    head: lambda(o.dtype) * tokens * config.vocabSize,
  };
}

const sum = (terms: Record<string, number>) => Object.values(terms).reduce((a, b) => a + b, 0);

export function planMemory(config: ModelConfig, o: PlanOptions): MemoryPlan {
  const p = parameterCounts(config);
  const w = BYTES[o.dtype];
  const baseline = MEASURED.processBaselineBytes;
  const onCpu = o.device === "cpu";
  const rows =
    o.aggregate !== "signed-sum"
      ? 1
      : o.batchTokens === null
        ? o.batchSize
        : Math.max(1, Math.min(o.batchSize, Math.floor(o.batchTokens / o.seqLen)));
  const withBaseline = (terms: Record<string, number>) => (onCpu ? { process: baseline, ...terms } : terms);

  const plain = withBaseline(importanceTerms(config, o, false, rows));
  const checkpointed = withBaseline(importanceTerms(config, o, true, rows));
  const checkpoint = o.checkpointLayers === "on" || (o.checkpointLayers === "auto" && sum(plain) > o.deviceMemory);
  const importanceDevice = checkpoint ? checkpointed : plain;

  // On cuda the host holds the process and one tensor on its way to or from the device.
  const hostOnCuda = baseline + p.largestScored * 4 * 2;
  const nMax = Math.floor(Math.max(...o.ks) * p.total);
  const selectionHost = baseline + 16 * nMax;
  const evaluationDevice = withBaseline({
    weights: p.total * w,
    logits: o.evalBatchTokens * config.vocabSize * 8,
    kvCache: o.evalBatchTokens * config.numHiddenLayers * 2 * config.numKeyValueHeads * config.headDim * w,
  });
  const masksPerAbility = o.ks.reduce((s, k) => s + o.masksPerK * 4 * Math.floor(k * p.total), 0);
  const randomMasks = o.ks.reduce((s, k) => s + o.randomControls * 4 * Math.floor(k * p.total), 0);
  const keptScores = o.keepScores === "f32" ? 4 * p.scored : o.keepScores === "f16" ? 2 * p.scored : 0;
  const candidates = o.candidates ? 8 * nMax * o.variants * o.masksPerK : 0;
  const disk = o.abilities * (keptScores + candidates + masksPerAbility) + randomMasks;

  const stage = (device: Record<string, number>, host: number): StagePlan => ({
    device,
    deviceTotal: sum(device),
    host: onCpu ? sum(device) : host,
  });
  const plan: MemoryPlan = {
    parameters: p,
    importance: stage(importanceDevice, hostOnCuda),
    selection: stage(onCpu ? { process: baseline, candidates: 16 * nMax } : {}, selectionHost),
    evaluation: stage(evaluationDevice, hostOnCuda),
    disk,
    checkpointLayers: checkpoint,
    rowsPerBackward: rows,
    tokensPerBackward: rows * o.seqLen,
    fits: true,
    problems: [],
  };
  const gb = (b: number) => `${(b / 1e9).toFixed(1)} GB`;
  for (const [name, s] of [
    ["importance", plan.importance],
    ["selection", plan.selection],
    ["evaluation", plan.evaluation],
  ] as const) {
    if (s.deviceTotal > o.deviceMemory)
      plan.problems.push(`${name} needs ${gb(s.deviceTotal)} of ${onCpu ? "RAM" : "device memory"}, ${gb(o.deviceMemory)} available`);
    if (!onCpu && s.host > o.hostMemory) plan.problems.push(`${name} needs ${gb(s.host)} of host RAM, ${gb(o.hostMemory)} available`);
  }
  plan.fits = plan.problems.length === 0;
  return plan;
}

/**
 * Options that would make a plan that does not fit fit, tried in the order that costs least:
 * checkpointing, a smaller token budget, bf16, then fewer rows. Empty when nothing tried fits.
 */
export function optionsThatFit(config: ModelConfig, o: PlanOptions): string[] {
  const tries: [string, Partial<PlanOptions>][] = [];
  if (o.checkpointLayers !== "on") tries.push(["--checkpoint-layers on", { checkpointLayers: "on" }]);
  for (const tokens of [2048, 1024, 512])
    tries.push([`--checkpoint-layers on --batch-tokens ${tokens}`, { checkpointLayers: "on", batchTokens: tokens }]);
  if (o.dtype === "f32")
    tries.push(["--dtype bf16 --checkpoint-layers on --batch-tokens 512", { dtype: "bf16", checkpointLayers: "on", batchTokens: 512 }]);
  const found: string[] = [];
  for (const [flags, change] of tries) {
    if (planMemory(config, { ...o, ...change }).fits) {
      found.push(flags);
      if (found.length === 2) break;
    }
  }
  return found;
}

/** The plan options of a profile run's resolved options (probe lengths not known yet: DEFAULT_PLAN_SEQ_LEN). */
export function profilePlanOptions(
  config: ModelConfig,
  o: {
    device: string;
    dtype?: PlanDType;
    aggregate: GradientAggregate;
    importanceBatchSize: number;
    importanceBatchTokens: number | null;
    checkpointLayers: CheckpointChoice;
    deviceMemory: number | null;
    abilities: number;
    ks: readonly number[];
    controls: { bottom: boolean; randomSeeds: readonly number[] };
    variants: readonly string[];
    keepScores: "none" | "f16" | "f32";
    method: string;
    contrast: string;
  },
  hostMemory: number,
): PlanOptions {
  const device: PlanDevice = o.device.startsWith("cuda") ? "cuda" : "cpu";
  return {
    device,
    dtype: o.dtype ?? (device === "cpu" ? "f32" : "bf16"),
    aggregate: o.aggregate,
    batchSize: o.importanceBatchSize,
    batchTokens: o.importanceBatchTokens,
    seqLen: Math.min(DEFAULT_PLAN_SEQ_LEN, config.maxPositionEmbeddings),
    checkpointLayers: o.checkpointLayers,
    deviceMemory: o.deviceMemory ?? (device === "cpu" ? hostMemory : DEFAULT_CUDA_MEMORY_BYTES),
    hostMemory,
    evalBatchTokens: DEFAULT_EVAL_BATCH_TOKENS,
    abilities: o.abilities,
    ks: [...o.ks],
    masksPerK: o.controls.bottom ? 2 : 1,
    randomControls: o.controls.randomSeeds.length,
    variants: o.variants.length,
    ...storedScores(o.keepScores, o.method, o.contrast),
  };
}

/**
 * What a profile's importance stages keep, as the run stores them (run-plan.ts
 * importanceStore): the top-n candidates serve only the top method without a contrast;
 * anything else keeps every score instead (f32 unless --keep-scores says f16).
 */
export function storedScores(
  keepScores: "none" | "f16" | "f32",
  method: string,
  contrast: string,
): { keepScores: "none" | "f16" | "f32"; candidates: boolean } {
  const candidates = method === "top" && contrast === "none";
  return { keepScores: keepScores !== "none" ? keepScores : candidates ? "none" : "f32", candidates };
}

export function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(0)} MB`;
}

/** The plan as the lines `bprof plan` and `profile` print. */
export function describePlan(plan: MemoryPlan, o: PlanOptions): string {
  const { total, scored } = plan.parameters;
  const terms = (t: Record<string, number>) =>
    Object.entries(t)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${formatBytes(v)}`)
      .join(", ");
  const where = o.device === "cpu" ? "RAM" : "device";
  const lines = [
    `parameters: ${total.toLocaleString("en-US")} (${scored.toLocaleString("en-US")} in decoder matrices, scored)`,
    `assumed: ${o.device}, ${o.dtype}, aggregate ${o.aggregate}, ${plan.rowsPerBackward} rows × ${o.seqLen} tokens per backward` +
      `${o.batchTokens !== null ? ` (token budget ${o.batchTokens})` : ""}, activation checkpointing ${plan.checkpointLayers ? "on" : "off"}` +
      `${o.checkpointLayers === "auto" ? " (auto)" : ""}, eval ${o.evalBatchTokens} tokens per forward, ${o.abilities} abilities, k ${o.ks.join(",")}`,
    `importance  ${where} ${formatBytes(plan.importance.deviceTotal).padStart(9)}  (${terms(plan.importance.device)})`,
    `selection   host ${formatBytes(plan.selection.host).padStart(9)}`,
    `evaluation  ${where} ${formatBytes(plan.evaluation.deviceTotal).padStart(9)}  (${terms(plan.evaluation.device)})`,
  ];
  if (o.device !== "cpu")
    lines.push(`host RAM    ${formatBytes(Math.max(plan.importance.host, plan.selection.host, plan.evaluation.host)).padStart(9)}`);
  lines.push(`disk        ${formatBytes(plan.disk).padStart(9)}  (run directory)`);
  lines.push(plan.fits ? `fits: yes (${formatBytes(o.deviceMemory)} ${where})` : `fits: NO: ${plan.problems.join("; ")}`);
  return lines.join("\n") + "\n";
}
