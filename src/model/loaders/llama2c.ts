import { readFileSync } from "node:fs";
import { BprofError } from "../../errors.js";
import type { ModelConfig } from "../config.js";
import { llamaFeatures } from "../architecture.js";
import type { RawTensor, TensorSource } from "./raw-tensor.js";

/**
 * llama2.c legacy (version 0) checkpoints: a header of 7 int32
 * `dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len` (a negative
 * vocab_size means the output head is stored separately), then float32 weights in this
 * order, each per-layer block stacked over layers, every matrix in [out, in] layout:
 * token embedding, attention norms, wq, wk, wv, wo, ffn norms, w1, w2, w3, final norm,
 * the RoPE cos/sin tables (ignored: recomputed), and the output head when not shared.
 *
 * Weights are mapped onto Hugging Face Llama names (w1 = gate, w3 = up, w2 = down), and
 * the q/k rows are permuted: llama2.c rotates adjacent pairs (x0, x1), HF rotates halves
 * (x_i, x_{i + d/2}); the same permutation the llama2.c HF export scripts apply.
 */

export interface Llama2cHeader {
  dim: number;
  hiddenDim: number;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  vocabSize: number;
  seqLen: number;
  sharedClassifier: boolean;
}

const HEADER_BYTES = 7 * 4;
/** "ak42": the magic of llama2.c's newer export formats (version 1 and 2). */
const NEWER_FORMAT_MAGIC = 0x616b3432;
/** llama2.c's run.c fixes the RMSNorm epsilon at 1e-5. */
const LLAMA2C_RMS_NORM_EPS = 1e-5;

export function readLlama2cHeader(bytes: Uint8Array, path: string): Llama2cHeader {
  if (bytes.length < HEADER_BYTES) {
    throw new BprofError(`truncated llama2.c checkpoint: ${bytes.length} bytes, the header alone needs ${HEADER_BYTES}`, { file: path });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  if (view.getUint32(0, true) === NEWER_FORMAT_MAGIC) {
    throw new BprofError("llama2.c version 1/2 export format is not supported (only the legacy version-0 format)", { file: path });
  }
  const [dim, hiddenDim, nLayers, nHeads, nKvHeads, vocab, seqLen] = Array.from({ length: 7 }, (_, i) => view.getInt32(i * 4, true)) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fields = { dim, hidden_dim: hiddenDim, n_layers: nLayers, n_heads: nHeads, n_kv_heads: nKvHeads, seq_len: seqLen };
  for (const [field, value] of Object.entries(fields)) {
    if (value <= 0) throw new BprofError(`header ${field} = ${value} must be positive (not a llama2.c checkpoint?)`, { file: path, field });
  }
  if (vocab === 0) throw new BprofError("header vocab_size = 0", { file: path, field: "vocab_size" });
  if (dim % nHeads !== 0 || (dim / nHeads) % 2 !== 0) {
    throw new BprofError(`dim ${dim} is not n_heads ${nHeads} times an even head size`, { file: path, field: "n_heads" });
  }
  if (nHeads % nKvHeads !== 0) {
    throw new BprofError(`n_heads ${nHeads} is not a multiple of n_kv_heads ${nKvHeads}`, { file: path, field: "n_kv_heads" });
  }
  return { dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize: Math.abs(vocab), seqLen, sharedClassifier: vocab > 0 };
}

export function llama2cConfig(h: Llama2cHeader): ModelConfig {
  return {
    modelType: "llama",
    hiddenSize: h.dim,
    intermediateSize: h.hiddenDim,
    numHiddenLayers: h.nLayers,
    numAttentionHeads: h.nHeads,
    numKeyValueHeads: h.nKvHeads,
    headDim: h.dim / h.nHeads,
    vocabSize: h.vocabSize,
    maxPositionEmbeddings: h.seqLen,
    rmsNormEps: LLAMA2C_RMS_NORM_EPS,
    ropeTheta: 10000,
    ropeScaling: null,
    tieWordEmbeddings: h.sharedClassifier,
    qkvBias: false,
    oBias: false,
    mlpBias: false,
    slidingWindow: null,
    ...llamaFeatures(h.nLayers, h.dim / h.nHeads, null),
    bosTokenId: 1,
    eosTokenIds: [2],
    torchDtype: "float32",
  };
}

/**
 * Reorder the rows of a q or k projection [nHeads * headDim, cols] from llama2.c's
 * interleaved pairs to HF's halves: within each head, new row p * headDim/2 + i takes old
 * row 2i + p. (torch: w.view(nHeads, headDim/2, 2, cols).transpose(1, 2).reshape(rows, cols))
 */
export function permuteInterleavedToHalves(w: Float32Array, nHeads: number, cols: number): Float32Array {
  const rows = w.length / cols;
  const headDim = rows / nHeads;
  const half = headDim / 2;
  const out = new Float32Array(w.length);
  for (let h = 0; h < nHeads; h++) {
    for (let i = 0; i < half; i++) {
      for (let p = 0; p < 2; p++) {
        const from = (h * headDim + 2 * i + p) * cols;
        const to = (h * headDim + p * half + i) * cols;
        out.set(w.subarray(from, from + cols), to);
      }
    }
  }
  return out;
}

export interface Llama2cCheckpoint {
  header: Llama2cHeader;
  config: ModelConfig;
  tensors: TensorSource;
}

export function readLlama2cCheckpoint(path: string): Llama2cCheckpoint {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new BprofError(`cannot read llama2.c checkpoint: ${(err as Error).message}`, { file: path });
  }
  const header = readLlama2cHeader(bytes, path);
  const { dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen } = header;
  const headDim = dim / nHeads;
  const kvDim = nKvHeads * headDim;

  // The blocks in file order, sizes in floats; a null name is read past but not kept.
  const blocks: { name: string | null; perLayer: boolean; shape: number[] }[] = [
    { name: "model.embed_tokens.weight", perLayer: false, shape: [vocabSize, dim] },
    { name: "input_layernorm.weight", perLayer: true, shape: [dim] },
    { name: "self_attn.q_proj.weight", perLayer: true, shape: [dim, dim] },
    { name: "self_attn.k_proj.weight", perLayer: true, shape: [kvDim, dim] },
    { name: "self_attn.v_proj.weight", perLayer: true, shape: [kvDim, dim] },
    { name: "self_attn.o_proj.weight", perLayer: true, shape: [dim, dim] },
    { name: "post_attention_layernorm.weight", perLayer: true, shape: [dim] },
    { name: "mlp.gate_proj.weight", perLayer: true, shape: [hiddenDim, dim] },
    { name: "mlp.down_proj.weight", perLayer: true, shape: [dim, hiddenDim] },
    { name: "mlp.up_proj.weight", perLayer: true, shape: [hiddenDim, dim] },
    { name: "model.norm.weight", perLayer: false, shape: [dim] },
    { name: null, perLayer: false, shape: [seqLen, headDim / 2] }, // RoPE cos table
    { name: null, perLayer: false, shape: [seqLen, headDim / 2] }, // RoPE sin table
  ];
  if (!header.sharedClassifier) blocks.push({ name: "lm_head.weight", perLayer: false, shape: [vocabSize, dim] });

  const floatsOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  const expectedBytes = HEADER_BYTES + 4 * blocks.reduce((n, b) => n + floatsOf(b.shape) * (b.perLayer ? nLayers : 1), 0);
  if (bytes.length < expectedBytes) {
    throw new BprofError(
      `truncated llama2.c checkpoint: the header (dim ${dim}, hidden_dim ${hiddenDim}, n_layers ${nLayers}, vocab_size ${vocabSize}, ` +
        `seq_len ${seqLen}) needs ${expectedBytes} bytes, the file has ${bytes.length}`,
      { file: path },
    );
  }
  if (bytes.length > expectedBytes) {
    throw new BprofError(
      `${bytes.length - expectedBytes} unexpected bytes after the weights the header describes (not a legacy llama2.c checkpoint?)`,
      { file: path },
    );
  }

  // Copy out of the file buffer: Float32Array needs 4-byte alignment, which a Buffer slice may lack.
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset + HEADER_BYTES, bytes.byteOffset + bytes.length));
  const tensors = new Map<string, RawTensor>();
  const keep = (name: string, shape: number[], values: Float32Array) =>
    tensors.set(name, { dtype: "F32", shape, data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) });
  let at = 0;
  for (const block of blocks) {
    const n = floatsOf(block.shape);
    for (let layer = 0; layer < (block.perLayer ? nLayers : 1); layer++) {
      const values = floats.slice(at, at + n);
      at += n;
      if (block.name === null) continue;
      if (!block.perLayer) {
        keep(block.name, block.shape, values);
        continue;
      }
      const name = `model.layers.${layer}.${block.name}`;
      if (block.name === "self_attn.q_proj.weight") keep(name, block.shape, permuteInterleavedToHalves(values, nHeads, dim));
      else if (block.name === "self_attn.k_proj.weight") keep(name, block.shape, permuteInterleavedToHalves(values, nKvHeads, dim));
      else keep(name, block.shape, values);
    }
  }

  const source: TensorSource = {
    path,
    names: () => [...tensors.keys()],
    describe: (name) => {
      const t = tensors.get(name);
      return t ? { dtype: t.dtype, shape: [...t.shape], file: path } : undefined;
    },
    read: (name) => {
      const t = tensors.get(name);
      if (!t) throw new BprofError(`tensor '${name}' is missing`, { file: path, field: name });
      return t;
    },
  };
  return { header, config: llama2cConfig(header), tensors: source };
}
