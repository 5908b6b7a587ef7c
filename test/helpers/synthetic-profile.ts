import type { AblatedInput, BenchmarkInput, MaskInput, ProfileInput } from "../../src/stats/compute-profile.js";
import { createRng, type Xoshiro128 as Rng } from "../../src/util/prng.js";
import type { RunInfo } from "../../src/stats/profile-schema.js";

/** A benchmark name that would run script if any report failed to escape it. */
export const XSS_NAME = `evil<script>window.__xss=1</script><img src=x onerror="window.__xss=2">`;

export const SYNTHETIC_ABILITIES = [
  { id: "contextual-recall", name: "Contextual recall" },
  { id: "deductive", name: "Deductive reasoning" },
  { id: "quantitative", name: "Quantitative reasoning" },
  { id: "temporal", name: "Temporal reasoning" },
  { id: "commonsense-causal", name: "Commonsense & causal <reasoning>" },
];

/**
 * Per-item scores with a known structure: ablating ability a on benchmark b turns each correct
 * item into a guess with probability dependence[b][a] · effect(k); random masks do so with a
 * small probability. One benchmark sits at chance (undefined AIS), one carries a script-laden
 * name, and each ability's own test split is scored for the self-profile.
 */
/** The synthetic model lacks this ability: its test accuracy sits at chance, so the competence gate marks it not possessed. */
export const NOT_POSSESSED = "temporal";

export function syntheticProfileInput(
  options: { selfProfile?: boolean; seed?: number; kValues?: number[]; gate?: boolean } = {},
): ProfileInput {
  const rng = createRng(options.seed ?? 1, "synthetic");
  const abilities = SYNTHETIC_ABILITIES;
  const kValues = options.kValues ?? [1e-4, 1e-3, 1e-2];
  const variants = ["mlp", "all"];
  const randomSeeds = [1, 2, 3];
  const effect = (k: number, variant: string): number => Math.min(1, (0.25 + 0.25 * Math.log10(k / 1e-4)) * (variant === "all" ? 1.3 : 1));

  type Spec = { name: string; metric: string; choices: number; accuracy: number; n: number; dependence: number[]; self: string | null };
  const specs: Spec[] = [
    { name: "arc-easy", metric: "acc", choices: 4, accuracy: 0.72, n: 240, dependence: [0.2, 0.5, 0.1, 0, 0.6], self: null },
    { name: "gsm8k", metric: "exact_match", choices: 0, accuracy: 0.45, n: 200, dependence: [0.1, 0.3, 0.9, 0, 0], self: null },
    { name: "hellaswag", metric: "acc_norm", choices: 4, accuracy: 0.6, n: 300, dependence: [0.3, 0, 0, 0.2, 0.7], self: null },
    { name: "truthfulqa-mc2", metric: "mc2", choices: 0, accuracy: 0.55, n: 150, dependence: [0, 0, 0, 0, -0.4], self: null },
    { name: "winogrande-near-chance", metric: "acc", choices: 2, accuracy: 0.51, n: 200, dependence: [0, 0, 0, 0, 0], self: null },
    { name: XSS_NAME, metric: "acc", choices: 4, accuracy: 0.7, n: 120, dependence: [0.4, 0, 0, 0.5, 0], self: null },
  ];
  const testSplits: Spec[] = abilities.map((a, i) => ({
    name: `probes/${a.id}/test`,
    metric: "acc",
    choices: 4,
    accuracy: a.id === NOT_POSSESSED ? 0.26 : 0.8,
    n: 100,
    dependence: abilities.map((_, j) => (i === j ? 0.8 : 0.1)),
    self: a.id,
  }));
  if (options.selfProfile ?? true) {
    abilities.forEach((a, i) =>
      specs.push({
        name: `probes/${a.id}/test`,
        metric: "acc",
        choices: 4,
        accuracy: a.id === NOT_POSSESSED ? 0.26 : 0.8,
        n: 100,
        dependence: abilities.map((_, j) => (i === j ? 0.8 : 0.1)),
        self: a.id,
      }),
    );
  }

  const benchmarks: BenchmarkInput[] = [];
  const ablated: AblatedInput[] = [];
  for (const spec of specs) {
    const chance = spec.choices > 0 ? 1 / spec.choices : 0;
    const ids = Array.from({ length: spec.n }, (_, i) => `${spec.name}#${i}`);
    const base = ids.map(() => (uniform(rng) < spec.accuracy ? 1 : 0));
    const items = new Map(ids.map((id, i) => [id, { prompt: `Question: item ${i} of ${spec.name}?\nAnswer:`, answer: `answer ${i}` }]));
    benchmarks.push({
      name: spec.name,
      metric: spec.metric,
      chance,
      selfAbility: spec.self,
      base: { ids, values: base },
      items: spec.self ? undefined : items,
    });
    const ablate = (p: number): number[] =>
      base.map((correct) => {
        if (p < 0) return correct === 0 && uniform(rng) < -p * 0.5 ? 1 : correct;
        return correct === 1 && uniform(rng) < p ? (uniform(rng) < chance ? 1 : 0) : correct;
      });
    // Present the ablated items in reverse order: the statistics must align them by id.
    const reversed = (values: number[]): { ids: string[]; values: number[] } => ({
      ids: [...ids].reverse(),
      values: [...values].reverse(),
    });
    for (const variant of variants) {
      for (const k of kValues) {
        const n = Math.floor(k * 1_000_000);
        abilities.forEach((a, j) => {
          const d = spec.dependence[j]! * effect(k, variant);
          ablated.push({
            benchmark: spec.name,
            ability: a.id,
            variant,
            k,
            control: "none",
            seed: null,
            nAblated: n,
            scores: reversed(ablate(d)),
          });
          ablated.push({
            benchmark: spec.name,
            ability: a.id,
            variant,
            k,
            control: "bottom",
            seed: null,
            nAblated: n,
            scores: reversed(ablate(0.01)),
          });
        });
        for (const seed of randomSeeds) {
          ablated.push({
            benchmark: spec.name,
            ability: null,
            variant,
            k,
            control: "random",
            seed,
            nAblated: n,
            scores: reversed(ablate(0.03 * effect(k, variant))),
          });
        }
      }
    }
  }

  const masks: MaskInput[] = [];
  const layers = 6;
  const matrices = ["mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"];
  const attention = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj"];
  for (const variant of variants) {
    for (const k of kValues) {
      const n = Math.floor(k * 1_000_000);
      abilities.forEach((a, j) => {
        masks.push({
          ability: a.id,
          variant,
          k,
          control: "none",
          seed: null,
          tensors: syntheticMask(rng, n, layers, variant === "all" ? [...attention, ...matrices] : matrices, j),
        });
      });
      masks.push({ ability: null, variant, k, control: "random", seed: 1, tensors: syntheticMask(rng, n, layers, matrices, -1) });
    }
  }

  const run: RunInfo = {
    tool: "bprof",
    model: { name: "synthetic-15M", path: "/models/synthetic", hash: "sha256:0123abcd", n_params: 15_000_000, architecture: "llama" },
    hashes: { model: "sha256:0123abcd", probes: "sha256:4567ef01", options: "sha256:89ab" },
    options: {
      abilities: abilities.map((a) => a.id),
      benchmarks: specs.map((s) => s.name),
      variants,
      k: kValues,
      controls: { bottom: true, random_seeds: randomSeeds },
      self_profile: options.selfProfile ?? true,
      statistics: { bootstrap_samples: 300, seed: 0, confidence: 0.95, min_margin: 0.02 },
      gate: options.gate ?? true,
      gate_margin: 0.05,
      contrast: "ratio",
      loss_scope: "answer",
      template_date: "2024-07-26",
    },
    versions: { bprof: "0.1.0", node: "20" },
  };
  // The competence gate reads the base row of each test split: the self-profile's, or its own draw.
  const gate = testSplits.map((t) => {
    const own = benchmarks.find((b) => b.name === t.name);
    const ids = Array.from({ length: t.n }, (_, i) => `${t.name}#${i}`);
    return {
      ability: t.self!,
      benchmark: t.name,
      chance: 0.25,
      scores: own ? own.base : { ids, values: ids.map(() => (uniform(rng) < t.accuracy ? 1 : 0)) },
    };
  });
  return { run, abilities, benchmarks, ablated, masks, gate };
}

function uniform(rng: Rng): number {
  return rng.nextUint32() / 2 ** 32;
}

/** n indices spread over layers, ability j preferring layer j mod layers (so masks overlap a little). */
function syntheticMask(rng: Rng, n: number, layers: number, matrices: string[], j: number): Record<string, number[]> {
  const sets = new Map<string, Set<number>>();
  for (let i = 0; i < n; i++) {
    const layer = j >= 0 && uniform(rng) < 0.5 ? j % layers : rng.nextBelow(layers);
    const matrix = matrices[rng.nextBelow(matrices.length)]!;
    const name = `model.layers.${layer}.${matrix}.weight`;
    const set = sets.get(name) ?? new Set<number>();
    set.add(rng.nextBelow(4096));
    sets.set(name, set);
  }
  return Object.fromEntries([...sets.entries()].map(([name, s]) => [name, [...s].sort((x, y) => x - y)]));
}
