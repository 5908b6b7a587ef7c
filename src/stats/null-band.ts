import type { Dependence, NullBand } from "./profile-schema.js";

/**
 * The null band of one (benchmark, variant, k): the AIS that ablating the same number of
 * *random* weights of the same scope produces. Each random seed gives an AIS with its own
 * bootstrap interval; the band is the hull of those intervals (and their point estimates):
 *
 *   lower = min over seeds of min(AIS_s, CI_s.lower),  upper = max over seeds of max(AIS_s, CI_s.upper)
 *
 * so it covers both the spread between random masks and each one's sampling noise. Seeds
 * whose AIS or interval is undefined do not contribute; with none left there is no band.
 */
export interface RandomControlResult {
  ais: number | null;
  ais_ci: readonly [number, number] | null;
}

export function nullBand(randomControls: readonly RandomControlResult[]): NullBand | null {
  let lower = Infinity;
  let upper = -Infinity;
  let seeds = 0;
  for (const c of randomControls) {
    if (c.ais === null || c.ais_ci === null) continue;
    lower = Math.min(lower, c.ais, c.ais_ci[0]);
    upper = Math.max(upper, c.ais, c.ais_ci[1]);
    seeds++;
  }
  return seeds === 0 ? null : { lower, upper, n_seeds: seeds };
}

/**
 * A cell counts as a dependence only where its whole interval lies above the band and above
 * 0, and as interference only where it lies wholly below the band and below 0 (the ablation
 * really helped). Random masks usually cost a little, so a band can sit above 0; an AIS of
 * exactly 0 is then below the band but is no effect, not interference. Anything touching
 * or overlapping the band is "none".
 */
export function classifyDependence(ci: readonly [number, number], band: NullBand): Exclude<Dependence, "untested"> {
  if (ci[0] > Math.max(band.upper, 0)) return "depends";
  if (ci[1] < Math.min(band.lower, 0)) return "interferes";
  return "none";
}
