import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { BprofError } from "../errors.js";
import { parseWithSchema } from "../util/schema.js";

/**
 * `generation_config.json`, the keys bprof reads: the ids that end generation. Instruct
 * models list more than config.json does (Llama-3.1-Instruct: <|end_of_text|>, <|eom_id|>,
 * <|eot_id|>), and Hugging Face's generate stops at any of them.
 */
const GenerationConfigSchema = z.looseObject({
  eos_token_id: z.union([z.number().int().nonnegative(), z.array(z.number().int().nonnegative())]).nullish(),
});

export const GENERATION_CONFIG_FILE = "generation_config.json";

/** The eos ids of the model directory's generation_config.json; null when it has none (no file or no key). */
export function readGenerationEosIds(modelDir: string): number[] | null {
  const path = join(modelDir, GENERATION_CONFIG_FILE);
  if (!existsSync(path)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new BprofError(`invalid JSON: ${(err as Error).message}`, { file: path });
  }
  const eos = parseWithSchema(GenerationConfigSchema, raw, { file: path }).eos_token_id;
  if (eos == null) return null;
  return Array.isArray(eos) ? eos : [eos];
}

/**
 * The ids generation stops at: generation_config.json's eos ids when it lists some (as HF's
 * generate), else config.json's; the tokenizer's eos id in either case.
 */
export function stopTokenIds(generationEos: number[] | null, configEos: readonly number[], tokenizerEos: number | null): number[] {
  const ids = new Set(generationEos ?? configEos);
  if (tokenizerEos !== null) ids.add(tokenizerEos);
  return [...ids].sort((a, b) => a - b);
}
