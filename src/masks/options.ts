import { choiceOption, numericOption, type OptionSpec } from "../util/option-spec.js";
import { CONTRASTS } from "./contrast.js";
import { SELECTION_METHODS } from "./selection.js";
import { ABLATION_VARIANTS } from "./variant.js";

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
  k: fractionOption("k", "<fraction>", 1e-2, "ablation fraction: n = ⌊k · N_total⌋ weights are selected"),
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
