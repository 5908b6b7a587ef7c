/**
 * The Ability Impact Score (docs/method.md, step 5):
 *
 *   AIS(a, b) = (S_b(θ) − S_b(θ^{−a})) / (S_b(θ) − C_b)
 *
 * 1 means ablating a's weights takes the model down to chance on b, 0 means no effect,
 * negative means the ablation helped b, above 1 means below chance after ablation. It is not
 * clipped. When the base model is within `minMargin` of chance (or below it) the denominator
 * is noise, so the AIS is undefined and the reason is returned instead of a huge number.
 */
export type AisResult = { ais: number; reason: null } | { ais: null; reason: string };

export function abilityImpactScore(baseScore: number, ablatedScore: number, chance: number, minMargin: number): AisResult {
  const margin = baseScore - chance;
  if (!(margin >= minMargin) || margin <= 0) return { ais: null, reason: nearChanceReason(baseScore, chance, minMargin) };
  return { ais: (baseScore - ablatedScore) / margin, reason: null };
}

/** True when S_b(θ) − C_b is large enough for the AIS to be defined. */
export function aisDefined(baseScore: number, chance: number, minMargin: number): boolean {
  const margin = baseScore - chance;
  return margin >= minMargin && margin > 0;
}

export function nearChanceReason(baseScore: number, chance: number, minMargin: number): string {
  const margin = baseScore - chance;
  const where = margin < 0 ? "below chance" : "near chance";
  return (
    `model ${where}: base score ${baseScore.toFixed(4)} − chance ${chance.toFixed(4)} = ${margin.toFixed(4)}, ` +
    `less than the minimum margin ${minMargin}`
  );
}
