import { choiceOption, numericOption, type OptionSpec } from "../util/option-spec.js";
import { CONTRASTS } from "./contrast.js";
import { SELECTION_METHODS } from "./selection.js";
import { ABLATION_VARIANTS } from "./variant.js";

/**
 * The ablation fraction (docs/method.md, selection). The original sweep (k = 1e-5 … 1.024e-2)
 * ablates a few dozen weights of a model of a few million parameters at its low end and moves
 * no score; 4e-2 is the best k of the model organism's options table (models/organism/README.md):
 * at 1e-2 the masks move the planted benchmarks by a few items only, at 1.6e-1 the random masks
 * move them too. The one place the default lives: `bprof select`, `bprof profile` and
 * `bprof validate` all read it.
 */
export const DEFAULT_K = 4e-2;

/** The options of step 2 (METHOD.md), declared once for `bprof select`, `bprof profile`, `bprof validate` and the library. */
export const SELECTION_OPTIONS = {
  variant: choiceOption(
    "variant",
    "<variant>",
    ABLATION_VARIANTS,
    "mlp",
    "ablation variant (which weight matrices may be selected)",
    "ablation variant",
  ),
  method: choiceOption("method", "<method>", SELECTION_METHODS, "top", "selection", "selection method"),
  k: fractionOption("k", "<fraction>", DEFAULT_K, "ablation fraction: n = ⌊k · N_total⌋ weights are selected"),
  contrast: choiceOption(
    "contrast",
    "<kind>",
    CONTRASTS,
    "none",
    "select by the ability's scores relative to the other abilities' (docs/method.md, contrast)",
    "contrast",
  ),
};

/** An ablation fraction k in (0, 1) (each is checked later against N_total). */
function fractionOption(name: string, placeholder: string, defaultValue: number, help: string): OptionSpec<number> {
  return numericOption(
    name,
    placeholder,
    defaultValue,
    help,
    (k) => Number.isFinite(k) && k > 0 && k < 1,
    (v) => `ablation fraction k must be a number in (0, 1), got '${String(v)}'`,
  );
}
