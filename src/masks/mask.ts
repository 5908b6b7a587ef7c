import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { BprofError } from "../errors.js";
import type { ImportanceManifest } from "../importance/importance-store.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { sha256Hex } from "../util/hash.js";
import { readJsonFile } from "../util/schema.js";
import { VERSION } from "../version.js";
import { ABLATION_VARIANTS, variantNamesInLayerOrder } from "./variant.js";
import { SELECTION_METHODS, type Selection } from "./selection.js";

/**
 * A mask on disk is a directory:
 * - `indices.bin`: every tensor's selected flat indices (row-major, in the checkpoint's own
 *   layout), ascending, as little-endian uint32, tensors one after another in manifest order;
 * - `mask.json`: the manifest below: the recipe that made the selection, and per tensor its
 *   shape, where its indices start in `indices.bin` (in elements) and how many there are,
 *   plus the sha256 of `indices.bin`.
 * `mask.json` is written last, so a directory with a manifest is a complete mask.
 * Indices address the tensors by their Hugging Face names as bprof loads them; for a llama2.c
 * checkpoint that is the file's layout except q/k_proj, whose rows the loader permutes into the
 * HF RoPE convention (MLP masks are unaffected).
 */
export const MASK_MANIFEST = "mask.json";
export const MASK_INDICES = "indices.bin";

/** What the scores were computed from; copied from the importance manifest. */
export const ImportanceProvenanceSchema = z.strictObject({
  ability: z.string(),
  split: z.string(),
  lossScope: z.string(),
  aggregate: z.string(),
  score: z.string(),
  modelHash: z.string(),
  probeHash: z.string(),
});
export type ImportanceProvenance = z.infer<typeof ImportanceProvenanceSchema>;

/** What a mask records of the importance it was selected from. */
export function provenanceOf(manifest: ImportanceManifest): ImportanceProvenance {
  return {
    ability: manifest.probes.ability,
    split: manifest.probes.split,
    lossScope: manifest.rendering.lossScope,
    aggregate: manifest.aggregate,
    score: manifest.score,
    modelHash: manifest.model.hash,
    probeHash: manifest.probes.hash,
  };
}

export const MaskRecipeSchema = z.strictObject({
  variant: z.enum(ABLATION_VARIANTS),
  k: z.number().gt(0).lt(1),
  /** ⌊k · N_total⌋ */
  n: z.number().int().positive(),
  /** Elements selected: n, or more for `chunked` (see selection.ts). */
  count: z.number().int().nonnegative(),
  nTotal: z.number().int().positive(),
  nScope: z.number().int().positive(),
  method: z.enum(SELECTION_METHODS),
  control: z.enum(["none", "bottom", "random"]),
  seed: z.number().int().nonnegative().nullable(),
  /** `chunked` only: the minimum chunk size used (10⁶ by default). */
  chunkMinimum: z.number().int().positive().nullable(),
  importance: ImportanceProvenanceSchema.nullable(),
  /**
   * Set when the selection ranked contrastive scores (contrast.ts): the kind, the other
   * abilities whose importance it was taken against, and (ratio) ε. Absent or null: the
   * ability's own scores.
   */
  contrast: z
    .discriminatedUnion("kind", [
      z.strictObject({ kind: z.literal("ratio"), others: z.array(ImportanceProvenanceSchema).min(1), epsilon: z.number().gt(0) }),
      z.strictObject({ kind: z.literal("difference"), others: z.array(ImportanceProvenanceSchema).min(1) }),
    ])
    .nullable()
    .optional(),
});
export type MaskRecipe = z.infer<typeof MaskRecipeSchema>;

const MaskManifestSchema = z.strictObject({
  format: z.literal("bprof-mask"),
  formatVersion: z.literal(1),
  toolVersion: z.string(),
  recipe: MaskRecipeSchema,
  indices: z.strictObject({
    file: z.literal(MASK_INDICES),
    dtype: z.literal("uint32-le"),
    count: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  tensors: z.array(
    z.strictObject({
      name: z.string().min(1),
      shape: z.array(z.number().int().nonnegative()),
      offset: z.number().int().nonnegative(),
      count: z.number().int().nonnegative(),
    }),
  ),
});
export type MaskManifest = z.infer<typeof MaskManifestSchema>;

export interface MaskTensor {
  name: string;
  shape: number[];
  /** Ascending flat indices. */
  indices: Uint32Array;
}

export interface Mask {
  recipe: MaskRecipe;
  toolVersion: string;
  tensors: MaskTensor[];
}

export function numelOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Write a mask directory (indices first, manifest last, each atomically). */
export function writeMask(dir: string, mask: Omit<Mask, "toolVersion">): void {
  const total = mask.tensors.reduce((s, t) => s + t.indices.length, 0);
  const all = new Uint32Array(total);
  const tensors: MaskManifest["tensors"] = [];
  let offset = 0;
  for (const t of mask.tensors) {
    checkIndices(t, dir);
    all.set(t.indices, offset);
    tensors.push({ name: t.name, shape: t.shape, offset, count: t.indices.length });
    offset += t.indices.length;
  }
  const bytes = new Uint8Array(all.buffer);
  const manifest: MaskManifest = {
    format: "bprof-mask",
    formatVersion: 1,
    toolVersion: VERSION,
    recipe: mask.recipe,
    indices: { file: MASK_INDICES, dtype: "uint32-le", count: total, sha256: sha256Hex(bytes) },
    tensors,
  };
  writeFileAtomic(join(dir, MASK_INDICES), bytes);
  writeFileAtomic(join(dir, MASK_MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
}

/** Read and check a mask directory: manifest schema, binary hash, index ranges and order. */
export function readMask(dir: string): Mask {
  const manifestPath = join(dir, MASK_MANIFEST);
  if (!existsSync(manifestPath)) throw new BprofError(`not a mask directory (no ${MASK_MANIFEST})`, { file: dir });
  const manifest = readMaskManifest(manifestPath);
  const binPath = join(dir, manifest.indices.file);
  if (!existsSync(binPath)) throw new BprofError("missing (the manifest lists it)", { file: binPath });
  const bytes = readFileSync(binPath);
  if (sha256Hex(bytes) !== manifest.indices.sha256) {
    throw new BprofError(`sha256 does not match ${MASK_MANIFEST} (the file was changed or truncated)`, { file: binPath });
  }
  if (bytes.length !== manifest.indices.count * 4) {
    throw new BprofError(`holds ${bytes.length} bytes, the manifest says ${manifest.indices.count} uint32 indices`, { file: binPath });
  }
  const all = new Uint32Array(manifest.indices.count);
  new Uint8Array(all.buffer).set(bytes);
  const tensors = manifest.tensors.map((t) => {
    if (t.offset + t.count > all.length) {
      throw new BprofError(`tensor ${t.name} reaches past the end of ${MASK_INDICES}`, { file: manifestPath, field: "tensors" });
    }
    const tensor = { name: t.name, shape: t.shape, indices: all.slice(t.offset, t.offset + t.count) };
    checkIndices(tensor, binPath);
    return tensor;
  });
  return { recipe: manifest.recipe, toolVersion: manifest.toolVersion, tensors };
}

export function readMaskManifest(path: string): MaskManifest {
  return readJsonFile(path, MaskManifestSchema);
}

function checkIndices(t: MaskTensor, file: string): void {
  const numel = numelOf(t.shape);
  for (let i = 0; i < t.indices.length; i++) {
    const v = t.indices[i]!;
    if (v >= numel || (i > 0 && v <= t.indices[i - 1]!)) {
      throw new BprofError(`indices of ${t.name} must be ascending, distinct and below ${numel}; entry ${i} is ${v}`, {
        file,
        field: t.name,
      });
    }
  }
}

/**
 * The mask of one selection: every tensor of the scope in layer order (those with no selected
 * element too, so per-tensor counts cover the whole scope), with the recipe that made it.
 */
export function maskFromSelection(
  selection: Selection,
  shapes: Map<string, number[]>,
  importance: ImportanceProvenance | null,
  chunkMinimum = 1_000_000,
  contrast: MaskRecipe["contrast"] = null,
): Omit<Mask, "toolVersion"> {
  const { control } = selection;
  return {
    recipe: {
      variant: selection.variant,
      k: selection.k,
      n: selection.n,
      count: selection.count,
      nTotal: selection.nTotal,
      nScope: selection.nScope,
      method: selection.method,
      control: control.kind,
      seed: control.kind === "random" ? control.seed : null,
      chunkMinimum: selection.method === "chunked" ? chunkMinimum : null,
      importance,
      contrast,
    },
    tensors: variantNamesInLayerOrder(shapes.keys(), selection.variant).map((name) => ({
      name,
      shape: shapes.get(name)!,
      indices: selection.indices.get(name) ?? new Uint32Array(0),
    })),
  };
}

/** A directory name that says what the mask is: `mlp-k0.0001-top`, `all-k0.01-chunked.bottom`, `mlp-k0.01-top.random-s3`. */
export function maskDirName(selection: Selection): string {
  const c = selection.control;
  const control = c.kind === "none" ? "" : c.kind === "bottom" ? ".bottom" : `.random-s${c.seed}`;
  return `${selection.variant}-k${selection.k}-${selection.method}${control}`;
}
