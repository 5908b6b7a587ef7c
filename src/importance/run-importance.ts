import { join, resolve } from "node:path";
import { scope, Tensor, type Device } from "../engine/index.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { createProgress } from "../util/progress.js";
import type { ParamDType } from "../model/llama.js";
import { loadModel, type LoadedModel } from "../model/load.js";
import { DEFAULT_TEMPLATE_DATE } from "../model/tokenizer/template-date.js";
import { loadProbeSplit, probeSplitPath } from "../probes/load.js";
import type { ProbeItem, ProbeSplit } from "../probes/schema.js";
import { VERSION } from "../version.js";
import { IMPORTANCE_OPTIONS } from "./options.js";
import {
  computeImportanceScores,
  checkScoreAggregate,
  scoredParameterNames,
  type CandidateRequest,
  type GradientAggregate,
  type ScoreKind,
} from "./gradients.js";
import { hashCheckpoint } from "../model/fingerprint.js";
import { sha256Hex } from "../util/hash.js";
import { candidatesBytes, candidatesFileName, IMPORTANCE_MANIFEST, scoreFileName, type ImportanceManifest } from "./importance-store.js";
import { tokenizeProbes, tokensJsonl } from "./probe-tokens.js";
import { renderFormat, type LossScope } from "./render.js";

export interface ImportanceRunOptions {
  model: string;
  tokenizer?: string;
  device?: Device;
  dtype?: ParamDType;
  allowUnusedTensors?: boolean;
  ability: string;
  probesDir: string;
  split: ProbeSplit;
  lossScope: LossScope;
  aggregate: GradientAggregate;
  score: ScoreKind;
  batchSize: number;
  /** At most this many token slots (rows × longest row) per backward; null: only batchSize bounds a batch. */
  batchTokens?: number | null;
  /** Activation checkpointing per decoder layer (same result, less activation memory, one more forward). */
  checkpointLayers?: boolean;
  limit?: number;
  /** Every score, in this precision (default f32); null: none (the candidates only). */
  keepScores?: "f32" | "f16" | null;
  /** Compact candidate sets (exact top/bottom n of a scope) to store. */
  candidates?: CandidateRequest[];
  systemPrompt: string;
  /** YYYY-MM-DD shown to a chat template that reads the date (default DEFAULT_TEMPLATE_DATE). */
  templateDate?: string;
  truncate: boolean;
  dumpTokens?: string;
  out: string;
  quiet?: boolean;
}

/**
 * `bprof importance`: probes → tokens → gradients → scores → importance directory. Every
 * input is checked before the gradient pass, and nothing is written unless it all succeeds.
 */
export async function runImportance(opts: ImportanceRunOptions): Promise<ImportanceManifest> {
  const o = IMPORTANCE_OPTIONS;
  o.lossScope.parse(opts.lossScope);
  o.aggregate.parse(opts.aggregate);
  o.score.parse(opts.score);
  o.batchSize.parse(opts.batchSize);
  o.split.parse(opts.split);
  o.limit.parse(opts.limit);
  checkScoreAggregate(opts.score, opts.aggregate);
  if (opts.batchTokens != null) o.batchTokens.parse(opts.batchTokens);
  if (opts.templateDate !== undefined) o.templateDate.parse(opts.templateDate);
  const probes = loadProbeSplit(opts.probesDir, opts.ability, opts.split).slice(0, opts.limit);
  const loaded = await loadModel(opts.model, {
    tokenizer: opts.tokenizer,
    device: opts.device,
    dtype: opts.dtype,
    allowUnusedTensors: opts.allowUnusedTensors,
  });
  try {
    return importanceOfLoadedModel(loaded, probes, opts);
  } finally {
    loaded.dispose();
  }
}

/**
 * The importance directory of `probes` on a model already loaded (the profile pipeline loads
 * it once for every ability). `modelHash` spares re-hashing a checkpoint the caller has hashed.
 */
export function importanceOfLoadedModel(
  loaded: LoadedModel,
  probes: ProbeItem[],
  opts: Omit<ImportanceRunOptions, "model" | "tokenizer" | "device" | "dtype" | "allowUnusedTensors"> & { modelHash?: string },
): ImportanceManifest {
  const probeFile = probeSplitPath(opts.probesDir, opts.ability, opts.split);
  const { model, tokenizer, info } = loaded;
  const contextLength = info.config.maxPositionEmbeddings;
  const tokenized = tokenizeProbes(probes, tokenizer, { ...opts, contextLength, file: probeFile });
  const dump = tokensJsonl(tokenized.items);
  const totalTokens = tokenized.items.reduce((s, r) => s + r.inputIds.length, 0);

  const progress = createProgress({ label: `importance ${opts.ability}`, total: totalTokens, unit: "tokens", quiet: opts.quiet });
  const started = performance.now();
  // Each tensor's scores go to its file as they are made (the host never holds them all);
  // the manifest, written last, is what makes the directory complete.
  const keepScores = opts.keepScores === undefined ? "f32" : opts.keepScores;
  if (keepScores === null && (opts.candidates ?? []).length === 0) throw new Error("importance: neither scores nor candidates to keep");
  const { losses, candidates } = computeImportanceScores(model, tokenized.items, {
    ...opts,
    onProgress: (_items, tokens) => progress.tick(tokens),
    candidatesOnly: keepScores === null,
    onTensorScores: (name, s) => {
      const bytes =
        keepScores === "f16"
          ? scope(() => Tensor.fromFloat32(s, [s.length]).to({ dtype: "f16" }).toBytes())
          : new Uint8Array(s.buffer, s.byteOffset, s.byteLength);
      writeFileAtomic(join(opts.out, scoreFileName(name, keepScores ?? "f32")), bytes);
    },
  });
  const candidateEntries = candidates.map((c) => {
    const { bytes, tensors } = candidatesBytes(c);
    const file = candidatesFileName(c.variant, c.extreme);
    writeFileAtomic(join(opts.out, file), bytes);
    return { variant: c.variant, extreme: c.extreme, n: c.n, file, tensors };
  });
  const v2 = keepScores !== "f32" || candidateEntries.length > 0;
  progress.done();
  const seconds = (performance.now() - started) / 1000;

  const manifest: ImportanceManifest = {
    format: "bprof-importance",
    formatVersion: v2 ? 2 : 1,
    toolVersion: VERSION,
    model: {
      path: info.path,
      format: info.format,
      hash: opts.modelHash ?? hashCheckpoint(info.path),
      dtype: info.dtype,
      device: info.device,
      contextLength,
    },
    nTotal: info.numParameters,
    probes: {
      file: resolve(probeFile),
      ability: opts.ability,
      split: opts.split,
      hash: sha256Hex(JSON.stringify(probes)),
      items: probes.length,
      limit: opts.limit ?? null,
    },
    rendering: {
      format: renderFormat(tokenizer),
      systemPrompt: opts.systemPrompt,
      lossScope: opts.lossScope,
      templateDate: opts.templateDate ?? DEFAULT_TEMPLATE_DATE,
      tokensHash: sha256Hex(dump),
      truncated: tokenized.truncated,
    },
    aggregate: opts.aggregate,
    score: opts.score,
    batchSize: opts.batchSize,
    stats: {
      tokens: totalTokens,
      lossTokens: tokenized.items.reduce((s, r) => s + r.lossMask.reduce((a, m) => a + m, 0), 0),
      meanLoss: losses.reduce((a, l) => a + l, 0) / losses.length,
      seconds,
      tokensPerSecond: totalTokens / seconds,
    },
    tensors: scoredParameterNames(model).map((name) => ({
      name,
      shape: [...model.param(name).shape],
      file: keepScores === null ? null : scoreFileName(name, keepScores),
    })),
    ...(v2 ? { scoreDtype: keepScores ?? undefined, candidates: candidateEntries } : {}),
  };
  if (opts.dumpTokens) writeFileAtomic(opts.dumpTokens, dump);
  writeFileAtomic(join(opts.out, IMPORTANCE_MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}
