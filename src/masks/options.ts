import { choiceOption, numericOption, type OptionSpec } from "../util/option-spec.js";
import { CONTRASTS } from "./contrast.js";
import { SELECTION_METHODS } from "./selection.js";
import { ABLATION_VARIANTS } from "./variant.js";

/**
 * The ablation fraction (docs/method.md, selection). The original sweep starts at k = 1e-5,
 * which on a model of a few million parameters is a few dozen weights and moves no score;
 * 1e-2 is the top decade of that sweep, where a small model's scores do move. The one place
 * the default lives: `bprof select`, `bprof profile` and `bprof validate` all read it.
 */
export const DEFAULT_K = 1e-2;

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
