import { mean, percentileInterval, planBootstrap, resampledMeans } from "./bootstrap.js";
import type { ItemScores } from "./compute-profile.js";
import type { Competence } from "./profile-schema.js";

/**
 * The competence gate's margin: an ability counts as possessed when the lower end of the 95 %
 * interval of its test accuracy is above chance + 0.05.
 */
export const DEFAULT_GATE_MARGIN = 0.05;

/**
 * The competence gate (docs/method.md, statistics). An ability the model does not have cannot
 * be localised: its gradients come from a model that fails the task, so its top weights are
 * the ones any prompt needs, and ablating them hurts every benchmark. Every profile therefore
 * scores the base model on each ability's test split (the same evaluation as the
 * self-profile's base row), and an ability counts as *possessed* only when
 *
 *   lower end of the paired-bootstrap interval of its test accuracy > chance + margin
 *
 * (default margin 0.05, interval at the profile's confidence, 95 % by default). A
 * not-possessed ability keeps its column, with this record as the reason, but is never a
 * dependence, never flows into a benchmark, and is left out of the selectivity index and of
 * the validation figures. With the gate off every ability is possessed and the accuracies are
 * still recorded.
 */
export interface GateInput {
  ability: string;
  /** The test split's benchmark name (selfProfileName). */
  benchmark: string;
  chance: number;
  /** The base model's per-item accuracy on the test split. */
  scores: ItemScores;
}

export interface GateOptions {
  enabled: boolean;
  margin: number;
  confidence: number;
  bootstrapSamples: number;
  seed: number;
}

export function competenceOf(inputs: readonly GateInput[], opts: GateOptions): Competence {
  return {
    enabled: opts.enabled,
    margin: opts.margin,
    confidence: opts.confidence,
    abilities: inputs.map((g) => {
      const values = Float64Array.from(g.scores.values);
      // The same resampling stream as the benchmark of the same name: the interval equals the self-profile's base interval.
      const plan = planBootstrap(values.length, opts.bootstrapSamples, opts.seed, g.benchmark);
      const ci = percentileInterval(resampledMeans(plan, values), opts.confidence);
      const accuracy = mean(values);
      const threshold = g.chance + opts.margin;
      const clears = ci[0] > threshold;
      const percent = Math.round(opts.confidence * 100);
      const reason = clears
        ? null
        : `test accuracy ${accuracy.toFixed(3)}, ${percent}% interval [${ci[0].toFixed(3)}, ${ci[1].toFixed(3)}]: ` +
          `its lower end is not above chance ${g.chance.toFixed(3)} + ${opts.margin} = ${threshold.toFixed(3)}`;
      return {
        ability: g.ability,
        benchmark: g.benchmark,
        n_items: values.length,
        chance: g.chance,
        accuracy,
        ci,
        clears_gate: clears,
        possessed: clears || !opts.enabled,
        reason,
      };
    }),
  };
}

/** The abilities a profile treats as possessed: all of them when it has no competence record. */
export function possessedAbilities(competence: Competence | null, abilities: readonly string[]): Set<string> {
  if (competence === null) return new Set(abilities);
  const notPossessed = new Set(competence.abilities.filter((a) => !a.possessed).map((a) => a.ability));
  return new Set(abilities.filter((a) => !notPossessed.has(a)));
}
