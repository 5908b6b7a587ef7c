import { z } from "zod";

/**
 * The schema of `profile.json`: everything a benchmark profile reports, and everything the
 * reports are rebuilt from. docs/profile-json.md documents it field by field; keep the two
 * in step. Objects are strict so that a misspelt field is an error, not a silent default.
 */

export const PROFILE_SCHEMA_VERSION = 2;

/** A two-sided interval [lower, upper]; lower ≤ upper. */
const Interval = z
  .tuple([z.number(), z.number()])
  .refine(([lo, hi]) => lo <= hi, { message: "interval lower bound exceeds its upper bound" });

export const StatisticsOptionsSchema = z.strictObject({
  /** Bootstrap resamples B. */
  bootstrap_samples: z.int().min(1),
  /** Seed of the bootstrap's PRNG (each benchmark draws from its own stream, see bootstrap.ts). */
  seed: z.int().min(0),
  /** Two-sided confidence level of every interval, e.g. 0.95. */
  confidence: z.number().gt(0).lt(1),
  /** AIS is undefined where S_b(θ) − C_b is below this absolute margin. */
  min_margin: z.number().min(0),
});
export type StatisticsOptions = z.infer<typeof StatisticsOptionsSchema>;

/** Defaults (docs/profile-json.md explains the choice of min_margin). */
export const DEFAULT_STATISTICS_OPTIONS: StatisticsOptions = { bootstrap_samples: 1000, seed: 0, confidence: 0.95, min_margin: 0.02 };

export const ModelInfoSchema = z.strictObject({
  name: z.string().min(1),
  path: z.string(),
  hash: z.string(),
  n_params: z.int().min(0),
  architecture: z.string().optional(),
  dtype: z.string().optional(),
  device: z.string().optional(),
});

export const RunOptionsSchema = z.looseObject({
  abilities: z.array(z.string()),
  benchmarks: z.array(z.string()),
  variants: z.array(z.string()),
  k: z.array(z.number().gt(0).lte(1)),
  controls: z.strictObject({
    bottom: z.boolean(),
    random_seeds: z.array(z.int()),
  }),
  self_profile: z.boolean(),
  statistics: StatisticsOptionsSchema,
});

export const RunInfoSchema = z.strictObject({
  tool: z.literal("bprof"),
  model: ModelInfoSchema,
  /** Content hashes of every input (model, probes, each benchmark, options). */
  hashes: z.record(z.string(), z.string()),
  options: RunOptionsSchema,
  /** Versions of the tool and of what it ran on (bprof, node, libtorch, …). */
  versions: z.record(z.string(), z.string()),
  /** Seconds per stage. Optional: a run that must be reproducible byte for byte leaves it out. */
  timings: z.record(z.string(), z.number().min(0)).optional(),
});

export const BenchmarkSchema = z.strictObject({
  name: z.string().min(1),
  metric: z.string().min(1),
  chance: z.number(),
  n_items: z.int().min(1),
  base_score: z.number(),
  base_ci: Interval,
  /** Set when this "benchmark" is an ability's own test split (the self-profile). */
  self_ability: z.string().nullable(),
  /** A planted benchmark's known mixture (its spec's `mixture:`, ability → share); null for any other benchmark. */
  planted: z.record(z.string(), z.number()).nullable(),
});
export type Benchmark = z.infer<typeof BenchmarkSchema>;

export const AbilitySchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
});

export const CONTROLS = ["none", "bottom", "random"] as const;
export type Control = (typeof CONTROLS)[number];

/**
 * How a cell is classified: a dependence or interference where its interval clears the null
 * band, none where it does not, untested without an interval or a band, and not-possessed
 * where the ablated ability failed the competence gate (competence-gate.ts): its mask cannot
 * be evidence of the ability, whatever the AIS.
 */
export const DEPENDENCE = ["depends", "interferes", "none", "untested", "not-possessed"] as const;
export type Dependence = (typeof DEPENDENCE)[number];

export const NullBandSchema = z.strictObject({
  lower: z.number(),
  upper: z.number(),
  /** How many random-control seeds made the band. */
  n_seeds: z.int().min(1),
});
export type NullBand = z.infer<typeof NullBandSchema>;

export const CellSchema = z
  .strictObject({
    benchmark: z.string().min(1),
    /** null only for random controls, whose mask does not depend on an ability. */
    ability: z.string().nullable(),
    variant: z.string().min(1),
    k: z.number().gt(0).lte(1),
    control: z.enum(CONTROLS),
    /** The random control's seed; null for the other controls. */
    seed: z.int().nullable(),
    /** Weights set to zero (n = ⌊k · N_total⌋). */
    n_ablated: z.int().min(0).nullable(),
    /** S_b(θ^{−a}): the benchmark's score with the mask ablated. */
    score: z.number(),
    ais: z.number().nullable(),
    /** Paired-bootstrap percentile interval of the AIS; null when unbounded or AIS undefined. */
    ais_ci: Interval.nullable(),
    /** Resamples in which the AIS was undefined (base near chance in that resample). */
    undefined_resamples: z.int().min(0),
    null_band: NullBandSchema.nullable(),
    dependence: z.enum(DEPENDENCE),
    /** Why `ais` (or only its interval) is null; null when both are defined. */
    undefined_reason: z.string().nullable(),
  })
  .refine((c) => c.ais !== null || c.ais_ci === null, { message: "a cell with ais null cannot have ais_ci" })
  .refine((c) => (c.ais !== null && c.ais_ci !== null) || c.undefined_reason !== null, {
    message: "a cell whose ais or ais_ci is null must say why in undefined_reason",
  })
  .refine((c) => (c.control === "random") === (c.seed !== null), {
    message: "seed is set exactly for random controls",
  })
  .refine((c) => c.control === "random" || c.ability !== null, {
    message: "only random controls may have ability null",
  });
export type Cell = z.infer<typeof CellSchema>;

/** Rows: the ablated ability; columns: the ability whose test split was scored. */
export const SelectivitySchema = z.strictObject({
  variant: z.string().min(1),
  k: z.number().gt(0).lte(1),
  abilities: z.array(z.string()),
  matrix: z.array(z.array(z.number().nullable())),
  /** The abilities the index is taken over: the possessed ones (competence gate). */
  index_abilities: z.array(z.string()),
  /** Mean diagonal minus mean off-diagonal of the possessed abilities' sub-matrix, over defined entries; null if either is empty. */
  index: z.number().nullable(),
});
export type Selectivity = z.infer<typeof SelectivitySchema>;

export const OverlapSchema = z.strictObject({
  variant: z.string().min(1),
  k: z.number().gt(0).lte(1),
  abilities: z.array(z.string()),
  /** Symmetric Jaccard matrix of the abilities' masks; null where both masks are empty. */
  jaccard: z.array(z.array(z.number().min(0).max(1).nullable())),
});
export type Overlap = z.infer<typeof OverlapSchema>;

export const MaskLocationSchema = z.strictObject({
  ability: z.string().nullable(),
  variant: z.string().min(1),
  k: z.number().gt(0).lte(1),
  control: z.enum(CONTROLS),
  seed: z.int().nullable(),
  n_selected: z.int().min(0),
  /** Share of the mask's elements in each decoder layer, layers ascending. */
  layer_share: z.array(z.strictObject({ layer: z.int().min(0), share: z.number().min(0).max(1) })),
  /** Share per matrix type (`mlp.gate_proj`, `self_attn.q_proj`, …). */
  matrix_share: z.array(z.strictObject({ matrix: z.string(), share: z.number().min(0).max(1) })),
  /** Share outside any decoder-layer weight matrix (should be 0: such weights are never ablated). */
  other_share: z.number().min(0).max(1),
});
export type MaskLocation = z.infer<typeof MaskLocationSchema>;

/** The competence gate's record of one ability (competence-gate.ts). */
export const AbilityCompetenceSchema = z.strictObject({
  ability: z.string().min(1),
  /** The test split's benchmark name (probes/<ability>/test). */
  benchmark: z.string().min(1),
  n_items: z.int().min(1),
  chance: z.number(),
  /** The base model's accuracy on the test split. */
  accuracy: z.number(),
  /** Its paired-bootstrap percentile interval at the profile's confidence. */
  ci: Interval,
  /** ci lower end > chance + margin. */
  clears_gate: z.boolean(),
  /** What the profile uses: clears_gate, or true for every ability with the gate off. */
  possessed: z.boolean(),
  /** Why the ability does not clear the gate; null when it does. */
  reason: z.string().nullable(),
});

export const CompetenceSchema = z.strictObject({
  /** false: --no-gate, every ability treated as possessed (the accuracies still recorded). */
  enabled: z.boolean(),
  margin: z.number().min(0),
  confidence: z.number().gt(0).lt(1),
  abilities: z.array(AbilityCompetenceSchema),
});
export type Competence = z.infer<typeof CompetenceSchema>;

/** One ability slice (slices.ts): the items of a benchmark that ablating the ability flips where random masks do not. */
export const SliceSchema = z.strictObject({
  benchmark: z.string().min(1),
  ability: z.string().min(1),
  variant: z.string().min(1),
  k: z.number().gt(0).lte(1),
  /** Item ids right on the base model, wrong with the ability ablated, and right under every random mask: the a-slice. */
  lost: z.array(z.string()),
  /** Item ids wrong on the base model, right with the ability ablated, and wrong under every random mask. */
  gained: z.array(z.string()),
  /** Items the ablation turned wrong that some random mask turned wrong too (not in `lost`). */
  lost_to_random: z.int().min(0),
  gained_to_random: z.int().min(0),
});
export type Slice = z.infer<typeof SliceSchema>;

/** The text of an item that appears in some slice. */
export const SliceItemSchema = z.strictObject({
  benchmark: z.string().min(1),
  id: z.string(),
  /** The prompt as the model saw it (its last 600 characters when longer). */
  prompt: z.string(),
  /** The gold answer's text. */
  answer: z.string(),
});
export type SliceItem = z.infer<typeof SliceItemSchema>;

export const SlicesSchema = z.strictObject({
  /** Random masks whose flips are discounted, per (variant, k). */
  random_masks: z.int().min(0),
  /** Benchmarks without per-item right/wrong scores (no slices), with the reason. */
  skipped: z.array(z.strictObject({ benchmark: z.string(), reason: z.string() })),
  slices: z.array(SliceSchema),
  items: z.array(SliceItemSchema),
});
export type Slices = z.infer<typeof SlicesSchema>;

export const ProfileSchema = z
  .strictObject({
    schema_version: z.literal(PROFILE_SCHEMA_VERSION),
    run: RunInfoSchema,
    benchmarks: z.array(BenchmarkSchema),
    abilities: z.array(AbilitySchema),
    cells: z.array(CellSchema),
    /** The competence gate; null when it was off and no ability's test split was scored. */
    competence: CompetenceSchema.nullable(),
    selectivity: z.array(SelectivitySchema).nullable(),
    overlap: z.array(OverlapSchema),
    slices: SlicesSchema,
    masks: z.array(MaskLocationSchema),
  })
  .superRefine((p, ctx) => {
    const benchmarks = new Set<string>();
    p.benchmarks.forEach((b, i) => {
      if (benchmarks.has(b.name))
        ctx.addIssue({ code: "custom", path: ["benchmarks", i, "name"], message: `duplicate benchmark '${b.name}'` });
      benchmarks.add(b.name);
    });
    const abilities = new Set<string>();
    p.abilities.forEach((a, i) => {
      if (abilities.has(a.id)) ctx.addIssue({ code: "custom", path: ["abilities", i, "id"], message: `duplicate ability '${a.id}'` });
      abilities.add(a.id);
    });
    const keys = new Set<string>();
    p.cells.forEach((c, i) => {
      if (!benchmarks.has(c.benchmark))
        ctx.addIssue({ code: "custom", path: ["cells", i, "benchmark"], message: `unknown benchmark '${c.benchmark}'` });
      if (c.ability !== null && !abilities.has(c.ability))
        ctx.addIssue({ code: "custom", path: ["cells", i, "ability"], message: `unknown ability '${c.ability}'` });
      const key = cellKey(c);
      if (keys.has(key)) ctx.addIssue({ code: "custom", path: ["cells", i], message: `duplicate cell ${key}` });
      keys.add(key);
    });
  });

/** The identity of a cell: one per (benchmark, ability, variant, k, control, seed). */
export function cellKey(c: Pick<Cell, "benchmark" | "ability" | "variant" | "k" | "control" | "seed">): string {
  return JSON.stringify([c.benchmark, c.ability, c.variant, c.k, c.control, c.seed]);
}
export type Profile = z.infer<typeof ProfileSchema>;
export type RunInfo = z.infer<typeof RunInfoSchema>;
