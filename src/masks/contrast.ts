import { BprofError } from "../errors.js";
import type { ScoreSource } from "../importance/score-source.js";
import { variantNamesInLayerOrder, type AblationVariant } from "./variant.js";

/**
 * Contrastive importance (docs/method.md, "Contrast"). A weight that matters for every ability
 * (a shared reading or formatting circuit) is no evidence of ability a. Per element of the
 * ablation scope, with
 *
 *   Î_b = I_b / mean_scope(I_b),   Ī_¬a = mean over b ≠ a of Î_b,
 *
 * `ratio` ranks S_a = Î_a / (Ī_¬a + ε), ε = 10⁻³ · mean_scope(Ī_¬a), and `difference` ranks
 * S_a = Î_a − Ī_¬a. Dividing each ability's scores by their mean over the scope first keeps an
 * ability whose loss is larger (so whose scores are larger throughout) from dominating. Since
 * every Î_b has mean 1 over the scope, Ī_¬a has mean 1 too and ε is exactly 10⁻³; ε only
 * keeps S_a finite where no other ability needs the weight. The ratio is largest where the
 * denominator is near 0, i.e. on weights no ability needs much; the difference keeps the
 * scale of Î_a, so a weight is chosen only if it matters to a, and more to a than to the
 * others on average. `none` ranks I_a as it is. Which is the default is decided by the
 * validation on planted ground truth (the options table of models/organism/README.md).
 */
export const CONTRASTS = ["difference", "ratio", "none"] as const;
export type Contrast = (typeof CONTRASTS)[number];
/** A contrast that is taken (needs the other abilities' importance). */
export type ContrastKind = Exclude<Contrast, "none">;

/** ε relative to the mean of Ī_¬a over the scope. */
export const CONTRAST_EPSILON = 1e-3;

/** Scores are read in pieces of this many elements (4 MiB of float32 per ability). */
const BLOCK = 1 << 20;

/**
 * S_a on one block of elements, from the raw scores of a (`own`) and of every other ability
 * (`others[b]`, the same elements), and each ability's mean over the scope. All arrays have
 * the same length; the result is a new array of that length. This is the whole formula: the
 * streaming sources below and any other caller (scores held on a device, in memory) use it.
 */
export function contrastBlock(
  kind: ContrastKind,
  own: Float32Array,
  ownMean: number,
  others: readonly Float32Array[],
  otherMeans: readonly number[],
  epsilon = CONTRAST_EPSILON,
): Float32Array {
  if (others.length === 0) throw new BprofError("contrast needs the scores of at least one other ability", { field: "contrast" });
  if (others.length !== otherMeans.length) throw new RangeError("one mean per other ability");
  const n = own.length;
  const othersSum = new Float64Array(n); // [n] Σ_b≠a Î_b
  others.forEach((scores, b) => {
    if (scores.length !== n) throw new RangeError(`other ability ${b}: ${scores.length} scores, expected ${n}`);
    const inverse = 1 / otherMeans[b]!;
    for (let i = 0; i < n; i++) othersSum[i]! += scores[i]! * inverse;
  });
  const out = new Float32Array(n);
  const ownInverse = 1 / ownMean;
  const othersInverse = 1 / others.length;
  if (kind === "ratio") for (let i = 0; i < n; i++) out[i] = (own[i]! * ownInverse) / (othersSum[i]! * othersInverse + epsilon);
  else for (let i = 0; i < n; i++) out[i] = own[i]! * ownInverse - othersSum[i]! * othersInverse;
  return out;
}

/** The mean of an ability's scores over the tensors of a scope (every element weighs the same). */
export function scopeMean(sources: readonly ScoreSource[], variant: AblationVariant): number {
  const inScope = scopeSources(sources, variant, "");
  let sum = 0;
  let count = 0;
  for (const s of inScope) {
    for (let start = 0; start < s.numel; start += BLOCK) {
      const block = s.read(start, Math.min(BLOCK, s.numel - start));
      for (let i = 0; i < block.length; i++) sum += block[i]!;
      count += block.length;
    }
  }
  return count === 0 ? 0 : sum / count;
}

export interface ContrastInput {
  /** The ability being selected for. */
  ability: string;
  sources: readonly ScoreSource[];
}

/**
 * Score sources that yield S_a for every tensor of the scope, read lazily a block at a time
 * from `own`'s and every other ability's sources: selection streams them like any scores,
 * and no ability's scores are ever held whole. Every ability must have scores of the same
 * tensors and sizes, and a positive mean over the scope (an ability whose every score is 0
 * has no gradient signal, and its ratio would be 0/0).
 */
export function contrastSources(
  kind: ContrastKind,
  own: ContrastInput,
  others: readonly ContrastInput[],
  variant: AblationVariant,
): ScoreSource[] {
  if (others.length === 0) {
    throw new BprofError(`contrast '${kind}' for ${own.ability} needs the importance of at least one other ability`, { field: "contrast" });
  }
  const ownSources = scopeSources(own.sources, variant, own.ability);
  const otherSources = others.map((o) => {
    const list = scopeSources(o.sources, variant, o.ability);
    const byName = new Map(list.map((s) => [s.name, s]));
    for (const s of ownSources) {
      const match = byName.get(s.name);
      if (!match || match.numel !== s.numel) {
        throw new BprofError(
          `the importance of ${o.ability} ${match ? `has ${match.numel} scores of ${s.name}, ${own.ability} ${s.numel}` : `has no scores of ${s.name}`}: not the same model`,
          { file: match?.file, field: "contrast" },
        );
      }
    }
    return byName;
  });
  const mean = (ability: string, sources: readonly ScoreSource[]): number => {
    const m = scopeMean(sources, variant);
    if (!(m > 0))
      throw new BprofError(`the importance scores of ${ability} are all 0 over the ${variant} scope: no contrast can be taken`, {
        field: "contrast",
      });
    return m;
  };
  const ownMean = mean(own.ability, own.sources);
  const otherMeans = others.map((o) => mean(o.ability, o.sources));
  return ownSources.map((s) => ({
    name: s.name,
    numel: s.numel,
    file: s.file,
    read: (start: number, length: number) =>
      contrastBlock(
        kind,
        s.read(start, length),
        ownMean,
        otherSources.map((byName) => byName.get(s.name)!.read(start, length)),
        otherMeans,
      ),
  }));
}

function scopeSources(sources: readonly ScoreSource[], variant: AblationVariant, ability: string): ScoreSource[] {
  const byName = new Map(sources.map((s) => [s.name, s]));
  const names = variantNamesInLayerOrder(byName.keys(), variant);
  if (names.length === 0 && ability !== "")
    throw new BprofError(`the importance of ${ability} has no tensor of the '${variant}' scope`, { field: "contrast" });
  return names.map((n) => byName.get(n)!);
}

export function parseContrast(value: string, field = "contrast"): Contrast {
  if ((CONTRASTS as readonly string[]).includes(value)) return value as Contrast;
  throw new BprofError(`unknown contrast '${value}' (expected one of: ${CONTRASTS.join(", ")})`, { field });
}
