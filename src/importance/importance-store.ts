import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { BprofError } from "../errors.js";
import { readJsonFile } from "../util/schema.js";
import { AGGREGATES, SCORES } from "./gradients.js";
import { LOSS_SCOPES } from "./render.js";
import { ABLATION_VARIANTS, type AblationVariant } from "../model/parameters.js";
import type { Extremes } from "./device-extremes.js";
import { compareNames, scoresFromFile, type Extreme, type ScoreSource } from "./score-source.js";

/**
 * An importance directory: `scores/<tensor name>.f32` (raw little-endian float32, the
 * tensor's flat row-major scores; `.f16` when kept in half precision) for every decoder
 * weight matrix, and/or `candidates/<variant>-<extreme>.bin`, the exact top (or bottom) n of
 * a scope in compact form (per tensor in name order: its count ascending uint32 flat indices,
 * then their float32 scores; 8 B per element), enough for every mask of that scope with up to
 * n elements; and `importance.json`, written last, recording what was computed from what.
 * formatVersion 2 adds the candidates and score files that may be absent (file null).
 */
export const IMPORTANCE_MANIFEST = "importance.json";

export const ImportanceManifestSchema = z.strictObject({
  format: z.literal("bprof-importance"),
  formatVersion: z.union([z.literal(1), z.literal(2)]),
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
  tensors: z.array(z.strictObject({ name: z.string(), shape: z.array(z.number().int().nonnegative()), file: z.string().nullable() })),
  /** The dtype of the score files (f32 when absent). */
  scoreDtype: z.enum(["f32", "f16"]).optional(),
  candidates: z
    .array(
      z.strictObject({
        variant: z.enum(ABLATION_VARIANTS),
        extreme: z.enum(["highest", "lowest"]),
        n: z.number().int().nonnegative(),
        file: z.string(),
        tensors: z.array(z.strictObject({ name: z.string(), count: z.number().int().nonnegative() })),
      }),
    )
    .optional(),
});
export type ImportanceManifest = z.infer<typeof ImportanceManifestSchema>;

export function scoreFileName(name: string, dtype: "f32" | "f16" = "f32"): string {
  return join("scores", `${name}.${dtype}`);
}

export function candidatesFileName(variant: AblationVariant, extreme: Extreme): string {
  return join("candidates", `${variant}-${extreme}.bin`);
}

/** The candidates file of a deviceExtremes result: per tensor in name order, indices (u32) then scores (f32). */
export function candidatesBytes(extremes: Extremes): { bytes: Uint8Array; tensors: { name: string; count: number }[] } {
  const names = [...extremes.indices.keys()].sort(compareNames);
  const bytes = new Uint8Array(8 * extremes.n);
  let at = 0;
  const tensors = names.map((name) => {
    const indices = extremes.indices.get(name)!;
    const scores = extremes.scores.get(name)!;
    bytes.set(new Uint8Array(indices.buffer, indices.byteOffset, indices.byteLength), at);
    bytes.set(new Uint8Array(scores.buffer, scores.byteOffset, scores.byteLength), at + indices.byteLength);
    at += 8 * indices.length;
    return { name, count: indices.length };
  });
  return { bytes, tensors };
}

export function readImportanceManifest(dir: string): ImportanceManifest {
  const path = join(dir, IMPORTANCE_MANIFEST);
  if (!existsSync(path)) throw new BprofError(`not an importance directory (no ${IMPORTANCE_MANIFEST})`, { file: dir });
  return readJsonFile(path, ImportanceManifestSchema);
}

/** The per-tensor score files of an importance directory, read lazily in ranges. */
export function importanceScoreSources(dir: string, manifest: ImportanceManifest): ScoreSource[] {
  return manifest.tensors.map((t) => {
    if (t.file === null) {
      throw new BprofError(
        `keeps the top-n candidates only, not every score (${t.name} has none): compute the importance with --keep-scores for this selection`,
        { file: join(dir, IMPORTANCE_MANIFEST) },
      );
    }
    const file = join(dir, t.file);
    if (!existsSync(file)) throw new BprofError(`missing score file of ${t.name}`, { file });
    return scoresFromFile(
      t.name,
      file,
      t.shape.reduce((a, b) => a * b, 1),
      manifest.scoreDtype ?? "f32",
    );
  });
}

/**
 * The scores of one scope as the candidates file stores them, as full-size sources: the
 * candidates at their indices, elsewhere a filler below (above, for `lowest`) every real score,
 * so an exact selection of up to the stored n over them is the selection over all the scores.
 * null when the directory has no candidates of that scope and extreme holding n elements.
 */
export function candidateScoreSources(
  dir: string,
  manifest: ImportanceManifest,
  variant: AblationVariant,
  extreme: Extreme,
  n: number,
): ScoreSource[] | null {
  const entry = manifest.candidates?.find((c) => c.variant === variant && c.extreme === extreme && c.n >= n);
  if (!entry) return null;
  const file = join(dir, entry.file);
  if (!existsSync(file)) throw new BprofError(`missing candidates file of the ${variant} scope`, { file });
  const bytes = readFileSync(file);
  if (bytes.length !== 8 * entry.n) throw new BprofError(`holds ${bytes.length} bytes, expected ${8 * entry.n}`, { file });
  const filler = extreme === "highest" ? -3.4e38 : 3.4e38;
  const stored = new Map<string, { indices: Uint32Array; scores: Float32Array }>();
  let at = 0;
  for (const t of entry.tensors) {
    const copy = new Uint8Array(bytes.subarray(at, at + 8 * t.count)); // aligned for the typed views
    stored.set(t.name, { indices: new Uint32Array(copy.buffer, 0, t.count), scores: new Float32Array(copy.buffer, 4 * t.count, t.count) });
    at += 8 * t.count;
  }
  return manifest.tensors.map((t) => {
    const numel = t.shape.reduce((a, b) => a * b, 1);
    const own = stored.get(t.name);
    return {
      name: t.name,
      numel,
      file,
      read(start: number, length: number): Float32Array {
        const out = new Float32Array(length).fill(filler);
        if (own === undefined) return out;
        let lo = 0;
        let hi = own.indices.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (own.indices[mid]! < start) lo = mid + 1;
          else hi = mid;
        }
        for (let i = lo; i < own.indices.length && own.indices[i]! < start + length; i++) out[own.indices[i]! - start] = own.scores[i]!;
        return out;
      },
    };
  });
}
