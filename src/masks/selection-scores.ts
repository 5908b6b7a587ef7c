import { BprofError } from "../errors.js";
import { CONTRAST_EPSILON, contrastSources, type ContrastKind } from "./contrast.js";
import { importanceScoreSources, readImportanceManifest, type ImportanceManifest } from "../importance/importance-store.js";
import type { ScoreSource } from "../importance/score-source.js";
import { provenanceOf, type MaskRecipe } from "./mask.js";
import type { AblationVariant } from "./variant.js";

export interface SelectionScores {
  /** The ability's own importance manifest (its provenance goes into every mask). */
  manifest: ImportanceManifest;
  /** What selection ranks: the ability's scores, or its contrastive scores. */
  sources: ScoreSource[];
  /** The mask recipe's record of the contrast; null without one. */
  contrast: MaskRecipe["contrast"];
}

/**
 * The scores one ability's masks are selected from: its importance directory as it is, or,
 * given the other abilities' importance directories and a contrast kind, the contrastive
 * scores S_a against them (contrast.ts). The others must come from the same model (checkpoint hash and N_total) and
 * be of other abilities; each directory is named in the error when it is not.
 */
export function selectionScores(
  importanceDir: string,
  contrastWith: { kind: ContrastKind; dirs: readonly string[] } | null,
  variant: AblationVariant,
): SelectionScores {
  const manifest = readImportanceManifest(importanceDir);
  const own = importanceScoreSources(importanceDir, manifest);
  if (contrastWith === null) return { manifest, sources: own, contrast: null };
  const { kind } = contrastWith;
  const seen = new Set([manifest.probes.ability]);
  const others = contrastWith.dirs.map((dir) => {
    const other = readImportanceManifest(dir);
    if (other.model.hash !== manifest.model.hash || other.nTotal !== manifest.nTotal) {
      throw new BprofError(`is the importance of another model than ${importanceDir} (checkpoint hash or parameter count differ)`, {
        file: dir,
        field: "contrast-with",
      });
    }
    if (seen.has(other.probes.ability)) {
      throw new BprofError(`is a second importance of ability ${other.probes.ability}: contrast takes one per other ability`, {
        file: dir,
        field: "contrast-with",
      });
    }
    seen.add(other.probes.ability);
    return { manifest: other, sources: importanceScoreSources(dir, other) };
  });
  const sources = contrastSources(
    kind,
    { ability: manifest.probes.ability, sources: own },
    others.map((o) => ({ ability: o.manifest.probes.ability, sources: o.sources })),
    variant,
  );
  const provenances = others.map((o) => provenanceOf(o.manifest));
  const contrast: MaskRecipe["contrast"] =
    kind === "ratio" ? { kind, others: provenances, epsilon: CONTRAST_EPSILON } : { kind, others: provenances };
  return { manifest, sources, contrast };
}
