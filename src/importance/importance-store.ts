import { existsSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { BprofError } from "../errors.js";
import { readJsonFile } from "../util/schema.js";
import { AGGREGATES, SCORES } from "./gradients.js";
import { LOSS_SCOPES } from "./render.js";
import { scoresFromFile, type ScoreSource } from "./score-source.js";

/**
 * An importance directory: `scores/<tensor name>.f32` (raw little-endian float32, the
 * tensor's flat row-major scores) for every decoder weight matrix, and `importance.json`,
 * written last, recording what the scores were computed from and how.
 */
export const IMPORTANCE_MANIFEST = "importance.json";

export const ImportanceManifestSchema = z.strictObject({
  format: z.literal("bprof-importance"),
  formatVersion: z.literal(1),
  toolVersion: z.string(),
  model: z.strictObject({
    path: z.string(),
    format: z.string(),
    /** sha256 over the checkpoint files (see fingerprint.ts). */
    hash: z.string(),
    dtype: z.string(),
    device: z.string(),
    contextLength: z.number().int().positive(),
  }),
  /** All model parameters, embeddings, norms and head included (a tied head once): N_total. */
  nTotal: z.number().int().positive(),
  probes: z.strictObject({
    file: z.string(),
    ability: z.string(),
    split: z.string(),
    /** sha256 of the items used (their JSON, in order). */
    hash: z.string(),
    items: z.number().int().positive(),
    limit: z.number().int().positive().nullable(),
  }),
  rendering: z.strictObject({
    format: z.enum(["chat-template", "plain-text"]),
    systemPrompt: z.string(),
    lossScope: z.enum(LOSS_SCOPES),
    /** The date a chat template reading the current date was shown (YYYY-MM-DD; template-date.ts). */
    templateDate: z.string().optional(),
    /** sha256 of the --dump-tokens JSONL of these items (whether or not it was written). */
    tokensHash: z.string(),
    truncated: z.array(z.string()),
  }),
  aggregate: z.enum(AGGREGATES),
  score: z.enum(SCORES),
  batchSize: z.number().int().positive(),
  stats: z.strictObject({
    tokens: z.number().int().nonnegative(),
    lossTokens: z.number().int().nonnegative(),
    meanLoss: z.number(),
    seconds: z.number().nonnegative(),
    tokensPerSecond: z.number().nonnegative(),
  }),
  tensors: z.array(z.strictObject({ name: z.string(), shape: z.array(z.number().int().nonnegative()), file: z.string() })),
});
export type ImportanceManifest = z.infer<typeof ImportanceManifestSchema>;

export function scoreFileName(name: string): string {
  return join("scores", `${name}.f32`);
}


export function readImportanceManifest(dir: string): ImportanceManifest {
  const path = join(dir, IMPORTANCE_MANIFEST);
  if (!existsSync(path)) throw new BprofError(`not an importance directory (no ${IMPORTANCE_MANIFEST})`, { file: dir });
  return readJsonFile(path, ImportanceManifestSchema);
}

/** The per-tensor score files of an importance directory, read lazily in ranges. */
export function importanceScoreSources(dir: string, manifest: ImportanceManifest): ScoreSource[] {
  return manifest.tensors.map((t) => {
    const file = join(dir, t.file);
    if (!existsSync(file)) throw new BprofError(`missing score file of ${t.name}`, { file });
    return scoresFromFile(t.name, file, t.shape.reduce((a, b) => a * b, 1));
  });
}
