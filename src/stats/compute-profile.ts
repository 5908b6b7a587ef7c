import { BprofError } from "../errors.js";
import { abilityImpactScore } from "./ais.js";
import { competenceOf, DEFAULT_GATE_MARGIN, possessedAbilities, type GateInput } from "./competence-gate.js";
import { mean, pairedAisInterval, percentileInterval, planBootstrap, resampledMeans } from "./bootstrap.js";
import { classifyDependence, nullBand } from "./null-band.js";
import { jaccardMatrix, maskLocation, type TensorMask } from "./overlap.js";
import {
  CONTROLS,
  PROFILE_SCHEMA_VERSION,
  cellKey,
  type Benchmark,
  type Cell,
  type Control,
  type MaskLocation,
  type Overlap,
  type Profile,
  type RunInfo,
  type Selectivity,
  type Competence,
  type Slices,
} from "./profile-schema.js";
import { selectivityIndex, selectivityMatrix } from "./selectivity.js";
import { abilitySlices, isBinary } from "./slices.js";

/** Per-item scores of one model on one benchmark (acc: 0/1; MC2: the item's value), by item id. */
export interface ItemScores {
  ids: readonly string[];
  values: ArrayLike<number>;
}

export interface BenchmarkInput {
  name: string;
  metric: string;
  chance: number;
  /** The ability whose test split this is, for the self-profile; else null. */
  selfAbility: string | null;
  /** A planted benchmark's known mixture; absent or null otherwise. */
  planted?: Record<string, number> | null;
  base: ItemScores;
  /** Item id → the prompt the model saw and the gold answer, for the slices' text (absent: ids only). */
  items?: ReadonlyMap<string, { prompt: string; answer: string }>;
}

export interface AblatedInput {
  benchmark: string;
  ability: string | null;
  variant: string;
  k: number;
  control: Control;
  seed: number | null;
  nAblated: number | null;
  scores: ItemScores;
}

export interface MaskInput {
  ability: string | null;
  variant: string;
  k: number;
  control: Control;
  seed: number | null;
  tensors: TensorMask;
}

export interface ProfileInput {
  run: RunInfo;
  abilities: { id: string; name: string }[];
  benchmarks: BenchmarkInput[];
  ablated: AblatedInput[];
  masks: MaskInput[];
  /** The base model on each ability's test split (the competence gate); empty when not scored. */
  gate: GateInput[];
}

/**
 * All statistics of a profile from per-item scores and masks: AIS with paired-bootstrap
 * intervals, null bands, dependence flags, selectivity, overlap and mask locations. Pure and
 * deterministic: the same input (in any order) gives the same profile, byte for byte once
 * serialised, which is what lets an interrupted run resume to an identical result.
 */
export function computeProfile(input: ProfileInput): Profile {
  const stats = input.run.options.statistics;
  const abilityOrder = new Map(input.abilities.map((a, i) => [a.id, i]));
  const variantOrder = new Map(input.run.options.variants.map((v, i) => [v, i]));
  const benchmarkByName = new Map<string, BenchmarkInput>();
  for (const b of input.benchmarks) {
    if (benchmarkByName.has(b.name)) throw new BprofError(`duplicate benchmark '${b.name}'`, { field: "benchmarks" });
    benchmarkByName.set(b.name, b);
  }

  for (const ab of input.ablated) {
    if (!benchmarkByName.has(ab.benchmark))
      throw new BprofError(`ablated scores for unknown benchmark '${ab.benchmark}'`, { field: "ablated" });
    if (ab.ability !== null && !abilityOrder.has(ab.ability))
      throw new BprofError(`ablated scores for unknown ability '${ab.ability}'`, { field: "ablated" });
    if (ab.ability === null && ab.control !== "random")
      throw new BprofError(`a '${ab.control}' control needs an ability`, { field: "ablated" });
  }

  const gateOn = input.run.options.gate !== false;
  const competence: Competence | null =
    input.gate.length === 0
      ? null
      : competenceOf(input.gate, {
          enabled: gateOn,
          margin: typeof input.run.options.gate_margin === "number" ? input.run.options.gate_margin : DEFAULT_GATE_MARGIN,
          confidence: stats.confidence,
          bootstrapSamples: stats.bootstrap_samples,
          seed: stats.seed,
        });
  if (gateOn && competence === null && input.abilities.length > 0) {
    throw new BprofError("the competence gate is on but no ability's test split was scored", { field: "gate" });
  }
  const possessed = possessedAbilities(
    competence,
    input.abilities.map((a) => a.id),
  );

  const benchmarks: Benchmark[] = [];
  const cells: Cell[] = [];
  const slices: Slices = { random_masks: 0, skipped: [], slices: [], items: [] };
  for (const bench of input.benchmarks) {
    /** Aligned per-item values by (variant, k): the ablated abilities' and the random masks'. */
    const aligned = new Map<string, { ablated: { ability: string; values: Float64Array }[]; randoms: Float64Array[] }>();
    const baseValues = Float64Array.from(bench.base.values);
    const idIndex = indexIds(bench.base.ids, bench.name, baseValues.length);
    const plan = planBootstrap(baseValues.length, stats.bootstrap_samples, stats.seed, bench.name);
    const baseMeans = resampledMeans(plan, baseValues);
    const baseScore = mean(baseValues);
    benchmarks.push({
      name: bench.name,
      metric: bench.metric,
      chance: bench.chance,
      n_items: baseValues.length,
      base_score: baseScore,
      base_ci: percentileInterval(baseMeans, stats.confidence),
      self_ability: bench.selfAbility,
      planted: bench.planted ?? null,
    });

    for (const ab of input.ablated.filter((a) => a.benchmark === bench.name)) {
      const values = alignScores(ab, idIndex, bench.name);
      const at = JSON.stringify([ab.variant, ab.k]);
      if (!aligned.has(at)) aligned.set(at, { ablated: [], randoms: [] });
      if (ab.control === "random") aligned.get(at)!.randoms.push(values);
      else if (ab.control === "none" && ab.ability !== null && possessed.has(ab.ability))
        aligned.get(at)!.ablated.push({ ability: ab.ability, values });
      const score = mean(values);
      const point = abilityImpactScore(baseScore, score, bench.chance, stats.min_margin);
      const cell: Cell = {
        benchmark: bench.name,
        ability: ab.ability,
        variant: ab.variant,
        k: ab.k,
        control: ab.control,
        seed: ab.seed,
        n_ablated: ab.nAblated,
        score,
        ais: point.ais,
        ais_ci: null,
        undefined_resamples: 0,
        null_band: null,
        dependence: "untested",
        undefined_reason: point.reason,
      };
      if (point.ais !== null) {
        const interval = pairedAisInterval(baseMeans, resampledMeans(plan, values), bench.chance, stats.min_margin, stats.confidence);
        cell.ais_ci = interval.ci;
        cell.undefined_resamples = interval.undefinedResamples;
        if (interval.ci === null) {
          cell.undefined_reason =
            `interval unbounded: in ${interval.undefinedResamples} of ${stats.bootstrap_samples} bootstrap resamples ` +
            `the base score came within ${stats.min_margin} of chance ${bench.chance.toFixed(4)}, where the AIS is undefined`;
        }
      }
      cells.push(cell);
    }
    if (bench.selfAbility === null) collectSlices(slices, bench, baseValues, aligned, abilityOrder, variantOrder);
  }

  attachNullBands(cells);
  // An ability the model lacks cannot be evidence of anything: its cells keep their AIS but are never a dependence.
  for (const c of cells) if (c.ability !== null && c.control !== "random" && !possessed.has(c.ability)) c.dependence = "not-possessed";
  const order = (c: Cell): (number | string)[] => [
    input.benchmarks.findIndex((b) => b.name === c.benchmark),
    c.ability === null ? -1 : abilityOrder.get(c.ability)!,
    variantOrder.get(c.variant) ?? Number.MAX_SAFE_INTEGER,
    c.variant,
    c.k,
    CONTROLS.indexOf(c.control),
    c.seed ?? -1,
  ];
  cells.sort((x, y) => compareTuples(order(x), order(y)));

  return {
    schema_version: PROFILE_SCHEMA_VERSION,
    run: input.run,
    benchmarks,
    abilities: input.abilities.map((a) => ({ id: a.id, name: a.name })),
    cells,
    competence,
    selectivity: buildSelectivity(input, cells, possessed),
    overlap: buildOverlap(input, abilityOrder),
    masks: buildMaskLocations(input, abilityOrder, variantOrder),
    slices,
  };
}

/** Longest prompt text kept per slice item: the question is at the end of a prompt. */
const SLICE_PROMPT_CHARS = 600;

function collectSlices(
  out: Slices,
  bench: BenchmarkInput,
  baseValues: Float64Array,
  aligned: Map<string, { ablated: { ability: string; values: Float64Array }[]; randoms: Float64Array[] }>,
  abilityOrder: Map<string, number>,
  variantOrder: Map<string, number>,
): void {
  if (aligned.size === 0) return;
  if (
    !isBinary(baseValues) ||
    [...aligned.values()].some((g) => g.ablated.some((a) => !isBinary(a.values)) || g.randoms.some((r) => !isBinary(r)))
  ) {
    out.skipped.push({ benchmark: bench.name, reason: `per-item ${bench.metric} is not right/wrong (values other than 0 and 1)` });
    return;
  }
  const inSlice = new Set<string>();
  const groups = [...aligned].map(([at, group]) => ({ at: JSON.parse(at) as [string, number], group }));
  // Input order must not matter (resumed and merged runs give the same bytes).
  const rank = (v: string) => variantOrder.get(v) ?? Number.MAX_SAFE_INTEGER;
  groups.sort((x, y) => rank(x.at[0]) - rank(y.at[0]) || (x.at[0] < y.at[0] ? -1 : x.at[0] > y.at[0] ? 1 : 0) || x.at[1] - y.at[1]);
  for (const { at, group } of groups) {
    const [variant, k] = at;
    out.random_masks = Math.max(out.random_masks, group.randoms.length);
    const ordered = [...group.ablated].sort((x, y) => abilityOrder.get(x.ability)! - abilityOrder.get(y.ability)!);
    for (const r of abilitySlices(bench.base.ids, baseValues, ordered, group.randoms)) {
      out.slices.push({ benchmark: bench.name, variant, k, ...r });
      for (const id of [...r.lost, ...r.gained]) inSlice.add(id);
    }
  }
  for (const id of bench.base.ids) {
    if (!inSlice.has(id)) continue;
    const item = bench.items?.get(id);
    const prompt = item?.prompt ?? "";
    out.items.push({
      benchmark: bench.name,
      id,
      prompt: prompt.length > SLICE_PROMPT_CHARS ? `…${prompt.slice(-SLICE_PROMPT_CHARS)}` : prompt,
      answer: item?.answer ?? "",
    });
  }
}

function indexIds(ids: readonly string[], benchmark: string, nValues: number): Map<string, number> {
  if (ids.length !== nValues)
    throw new BprofError(`${ids.length} item ids but ${nValues} scores`, { field: `benchmarks.${benchmark}.base` });
  if (nValues === 0) throw new BprofError("no items", { field: `benchmarks.${benchmark}.base` });
  const index = new Map<string, number>();
  ids.forEach((id, i) => {
    if (index.has(id)) throw new BprofError(`duplicate item id '${id}'`, { field: `benchmarks.${benchmark}.base` });
    index.set(id, i);
  });
  return index;
}

/** The ablated scores reordered to the base items' order; the item sets must be equal. */
function alignScores(ab: AblatedInput, idIndex: Map<string, number>, benchmark: string): Float64Array {
  const where = { field: `ablated.${benchmark}.${ab.ability ?? "random"}.${ab.variant}.${ab.k}.${ab.control}` };
  if (ab.scores.ids.length !== ab.scores.values.length) throw new BprofError("item ids and scores differ in length", where);
  if (ab.scores.ids.length !== idIndex.size) {
    throw new BprofError(`${ab.scores.ids.length} items, but the base model was scored on ${idIndex.size}`, where);
  }
  const aligned = new Float64Array(idIndex.size).fill(Number.NaN);
  ab.scores.ids.forEach((id, i) => {
    const at = idIndex.get(id);
    if (at === undefined) throw new BprofError(`item '${id}' was not scored on the base model`, where);
    if (!Number.isNaN(aligned[at]!)) throw new BprofError(`duplicate item id '${id}'`, where);
    aligned[at] = ab.scores.values[i]!;
  });
  return aligned;
}

function attachNullBands(cells: Cell[]): void {
  const groupKey = (c: Cell): string => JSON.stringify([c.benchmark, c.variant, c.k]);
  const randoms = new Map<string, Cell[]>();
  for (const c of cells) {
    if (c.control !== "random") continue;
    const list = randoms.get(groupKey(c)) ?? [];
    list.push(c);
    randoms.set(groupKey(c), list);
  }
  for (const c of cells) {
    const group = randoms.get(groupKey(c));
    c.null_band = group ? nullBand(group) : null;
    // A random control is part of its own band: testing it against the band would be circular.
    if (c.control !== "random" && c.ais_ci !== null && c.null_band !== null) c.dependence = classifyDependence(c.ais_ci, c.null_band);
  }
}

function buildSelectivity(input: ProfileInput, cells: Cell[], possessed: Set<string>): Selectivity[] | null {
  const selfBenchmark = new Map<string, string>();
  for (const b of input.benchmarks) if (b.selfAbility !== null) selfBenchmark.set(b.selfAbility, b.name);
  if (selfBenchmark.size === 0) return null;
  const abilities = input.abilities.map((a) => a.id).filter((id) => selfBenchmark.has(id));
  const byKey = new Map(cells.map((c) => [cellKey(c), c]));
  const result: Selectivity[] = [];
  for (const [variant, k] of variantsAndKs(
    cells.filter((c) => c.control === "none"),
    input.run.options.variants,
  )) {
    const aisOf = (ablated: string, tested: string): number | null =>
      byKey.get(cellKey({ benchmark: selfBenchmark.get(tested)!, ability: ablated, variant, k, control: "none", seed: null }))?.ais ?? null;
    const matrix = selectivityMatrix(abilities, aisOf);
    const indexAbilities = abilities.filter((a) => possessed.has(a));
    const index = selectivityIndex(selectivityMatrix(indexAbilities, aisOf));
    result.push({ variant, k, abilities, matrix, index_abilities: indexAbilities, index });
  }
  return result;
}

function buildOverlap(input: ProfileInput, abilityOrder: Map<string, number>): Overlap[] {
  const topMasks = input.masks.filter((m) => m.control === "none" && m.ability !== null);
  const result: Overlap[] = [];
  for (const [variant, k] of variantsAndKs(topMasks, input.run.options.variants)) {
    const masks = topMasks
      .filter((m) => m.variant === variant && m.k === k)
      .sort((x, y) => abilityOrder.get(x.ability!)! - abilityOrder.get(y.ability!)!);
    result.push({ variant, k, abilities: masks.map((m) => m.ability!), jaccard: jaccardMatrix(masks.map((m) => m.tensors)) });
  }
  return result;
}

function buildMaskLocations(input: ProfileInput, abilityOrder: Map<string, number>, variantOrder: Map<string, number>): MaskLocation[] {
  const order = (m: MaskInput): (number | string)[] => [
    variantOrder.get(m.variant) ?? Number.MAX_SAFE_INTEGER,
    m.variant,
    m.k,
    CONTROLS.indexOf(m.control),
    m.ability === null ? -1 : (abilityOrder.get(m.ability) ?? Number.MAX_SAFE_INTEGER),
    m.seed ?? -1,
  ];
  return [...input.masks]
    .sort((x, y) => compareTuples(order(x), order(y)))
    .map((m) => ({ ability: m.ability, variant: m.variant, k: m.k, control: m.control, seed: m.seed, ...maskLocation(m.tensors) }));
}

/** The distinct (variant, k) pairs, variants in the run's order, k ascending. */
function variantsAndKs(items: readonly { variant: string; k: number }[], variants: readonly string[]): [string, number][] {
  const seen = new Map<string, [string, number]>();
  for (const it of items) seen.set(JSON.stringify([it.variant, it.k]), [it.variant, it.k]);
  const rank = (v: string): number => (variants.includes(v) ? variants.indexOf(v) : variants.length);
  return [...seen.values()].sort((x, y) => rank(x[0]) - rank(y[0]) || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0) || x[1] - y[1]);
}

function compareTuples(a: (number | string)[], b: (number | string)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}
