import type { GradientAggregate, ScoreKind } from "../importance/gradients.js";
import type { LossScope } from "../importance/render.js";
import type { Contrast } from "../masks/contrast.js";
import type { SelectionMethod } from "../masks/selection.js";

/**
 * `--preset paper`: every method choice of the original benchmark-profiling authors in one
 * flag (docs/method.md, "Options"): the loss over the whole rendered chat, signed-sum
 * gradients, the Taylor score, their chunked top-k approximation, their bottom-n control and
 * their sweep of k, and no contrast (their method has none). bprof's statistics stay on: the
 * random masks that make the null band, the competence gate, the bootstrap. Options given
 * beside the preset override it.
 */
export const PRESETS = ["paper"] as const;
export type Preset = (typeof PRESETS)[number];

export const PAPER_KS: readonly number[] = [1e-5, 4e-5, 1.6e-4, 6.4e-4, 2.56e-3, 1.024e-2];

/** The method choices a preset sets: a part of ProfileOptions (run-options.ts), each by its own type. */
export interface PresetChoices {
  lossScope?: LossScope;
  aggregate?: GradientAggregate;
  score?: ScoreKind;
  method?: SelectionMethod;
  contrast?: Contrast;
  ks?: readonly number[];
  controls?: string;
}

export const PRESET_OPTIONS: Record<Preset, Readonly<PresetChoices>> = {
  paper: {
    lossScope: "full",
    aggregate: "signed-sum",
    score: "taylor",
    method: "chunked",
    contrast: "none",
    ks: PAPER_KS,
    controls: "random:3,bottom",
  },
};
