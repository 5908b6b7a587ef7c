import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { BprofError } from "../errors.js";
import { readModelConfig, type ModelConfig } from "../model/config.js";
import { llama2cConfig, readLlama2cHeader } from "../model/loaders/llama2c.js";

/**
 * The configuration a memory plan is made from, without reading any weight: config.json of
 * a Hugging Face directory (or the file itself), or a llama2.c checkpoint's 28-byte header;
 * null for a pytorch_model.bin (nothing to plan: it is refused when loaded).
 */
export function planConfig(modelPath: string): ModelConfig | null {
  const path = resolve(modelPath);
  if (!existsSync(path)) throw new BprofError("no such model file or directory", { file: path });
  if (statSync(path).isDirectory()) {
    const config = join(path, "config.json");
    if (!existsSync(config)) throw new BprofError("missing config.json in the model directory", { file: config });
    return readModelConfig(config);
  }
  if (path.endsWith(".json")) return readModelConfig(path);
  // A PyTorch pickle has no header to read: the loader refuses it, with the conversion command.
  if (/^pytorch_model.*\.bin$/.test(basename(path))) return null;
  const header = new Uint8Array(28);
  const fd = openSync(path, "r");
  try {
    readSync(fd, header, 0, 28, 0);
  } finally {
    closeSync(fd);
  }
  return llama2cConfig(readLlama2cHeader(header, path));
}
