import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { BprofError } from "../errors.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { toHfConfig } from "./config.js";
import { readLlama2cCheckpoint } from "./loaders/llama2c.js";
import type { RawTensor } from "./loaders/raw-tensor.js";
import { encodeSafetensors, SAFETENSORS_FILE } from "./loaders/safetensors.js";
import { expectedParameterShapes } from "./parameters.js";
import { llama2cTokenizerToHf } from "./tokenizer/llama2c-to-hf.js";
import { Llama2cTokenizer } from "./tokenizer/llama2c-tokenizer.js";

/**
 * Turn a llama2.c checkpoint + tokenizer.bin into a complete Hugging Face model directory:
 * config.json, model.safetensors (F32, HF names, q/k rows already in HF's rotate-half
 * order), tokenizer.json + tokenizer_config.json (an equivalent Llama BPE tokenizer) and
 * generation_config.json. Everything is read and checked first and written into a
 * temporary sibling directory that is renamed into place, so a failure leaves no output.
 */
export function convertLlama2cToHf(checkpointPath: string, tokenizerPath: string, outDir: string): { files: string[] } {
  const out = resolve(outDir);
  if (existsSync(out) && readdirSync(out).length > 0) {
    throw new BprofError("output directory exists and is not empty", { file: out });
  }
  const checkpoint = readLlama2cCheckpoint(resolve(checkpointPath));
  const tokenizer = new Llama2cTokenizer(resolve(tokenizerPath));
  if (tokenizer.vocabSize !== checkpoint.config.vocabSize) {
    throw new BprofError(`tokenizer has ${tokenizer.vocabSize} tokens but the checkpoint's vocab_size is ${checkpoint.config.vocabSize}`, {
      file: tokenizer.source.path,
    });
  }
  const tensors = new Map<string, RawTensor>();
  for (const name of expectedParameterShapes(checkpoint.config).keys()) tensors.set(name, checkpoint.tensors.read(name));
  const { tokenizerJson, tokenizerConfig } = llama2cTokenizerToHf(tokenizer, checkpoint.config.maxPositionEmbeddings);
  const generationConfig = { bos_token_id: checkpoint.config.bosTokenId, eos_token_id: checkpoint.config.eosTokenIds[0] };

  const files: [string, string | Uint8Array][] = [
    ["config.json", JSON.stringify(toHfConfig(checkpoint.config), null, 2) + "\n"],
    [SAFETENSORS_FILE, encodeSafetensors(tensors, { format: "pt", converted_from: "llama2.c" })],
    ["tokenizer.json", JSON.stringify(tokenizerJson)],
    ["tokenizer_config.json", JSON.stringify(tokenizerConfig, null, 2) + "\n"],
    ["generation_config.json", JSON.stringify(generationConfig, null, 2) + "\n"],
  ];
  mkdirSync(dirname(out), { recursive: true });
  const staging = `${out}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const [name, data] of files) writeFileAtomic(join(staging, name), data);
    if (existsSync(out)) rmSync(out, { recursive: true }); // empty, checked above
    renameSync(staging, out);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  return { files: files.map(([name]) => join(out, name)) };
}
