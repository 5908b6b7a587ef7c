import { z } from "zod";
import { SELECTION_METHODS } from "../masks/selection.js";
import { CONTRASTS } from "../masks/contrast.js";
import { ABLATION_VARIANTS, type AblationVariant } from "../masks/variant.js";
import { CONTROLS, RunInfoSchema, type RunInfo } from "../stats/profile-schema.js";
import { storedScores } from "../plan/memory-plan.js";
import { hashOf } from "../util/hash.js";
import type { ResolvedOptions } from "./run-options.js";
import { stageRef, type StageRef } from "./run-store.js";

/**
 * The plan of a run: every stage it needs, each with its key and directory, and what
 * profile.json will say about the run. It depends only on the inputs and options (never on
 * the shard, the time or what is already done), so every shard of a run writes the same
 * plan.json, and `bprof merge` can check that shards belong together by comparing plans.
 */

const PlanImportanceSchema = z.strictObject({
  ability: z.string(),
  key: z.string(),
  dir: z.string(),
  /** Train items the gradients are accumulated over. */
  probe_items: z.int().min(1),
});
export type PlanImportance = z.infer<typeof PlanImportanceSchema>;

const PlanMaskSchema = z.strictObject({
  /** Readable identity, e.g. `deductive.mlp-k0.01-top.bottom`, `random.mlp-k0.01-top.s2`. */
  name: z.string(),
  key: z.string(),
  dir: z.string(),
  /** null for random controls, which do not depend on an ability. */
  ability: z.string().nullable(),
  variant: z.enum(ABLATION_VARIANTS),
  k: z.number().gt(0).lt(1),
  method: z.enum(SELECTION_METHODS),
  control: z.enum(CONTROLS),
  seed: z.int().nullable(),
  /** Key of the importance stage the mask is selected from; null for random controls. */
  importance: z.string().nullable(),
  contrast: z.enum(CONTRASTS),
  /** With a contrast: the other abilities' importance keys, whose scores it is taken against. */
  contrast_with: z.array(z.string()),
});
export type PlanMask = z.infer<typeof PlanMaskSchema>;

const PlanBenchmarkSchema = z.strictObject({
  name: z.string(),
  /** The per-item metric the profile uses (the spec's primary metric). */
  metric: z.string(),
  chance: z.number(),
  self_ability: z.string().nullable(),
  /** An ability's test split scored only on the base model, for the competence gate (no self-profile). */
  gate_only: z.boolean(),
  /** A planted benchmark's mixture (spec `mixture:`); null otherwise. */
  planted: z.record(z.string(), z.number()).nullable(),
  n_items: z.int().min(1),
  /** Hash of the spec and of the rendered items (what the model is asked). */
  hash: z.string(),
});
export type PlanBenchmark = z.infer<typeof PlanBenchmarkSchema>;

const PlanEvaluationSchema = z.strictObject({
  benchmark: z.string(),
  /** The mask's key; null for the base (unablated) model. */
  mask: z.string().nullable(),
  key: z.string(),
  dir: z.string(),
});
export type PlanEvaluation = z.infer<typeof PlanEvaluationSchema>;

export const RunPlanSchema = z.strictObject({
  format: z.literal("bprof-run-plan"),
  format_version: z.literal(1),
  /** profile.json's `run`, as it will be written. */
  run: RunInfoSchema,
  abilities: z.array(z.strictObject({ id: z.string(), name: z.string() })),
  importance: z.array(PlanImportanceSchema),
  masks: z.array(PlanMaskSchema),
  benchmarks: z.array(PlanBenchmarkSchema),
  evaluations: z.array(PlanEvaluationSchema),
});
export type RunPlan = z.infer<typeof RunPlanSchema>;

export interface PlannedModel {
  name: string;
  path: string;
  /** sha256 of the checkpoint files. */
  hash: string;
  tokenizerHash: string;
  nParams: number;
  architecture: string;
  dtype: string;
  device: string;
}

export interface PlannedAbility {
  id: string;
  name: string;
  /** Hash of the train items used (after --limit). */
  trainHash: string;
  trainItems: number;
}

export interface PlannedBenchmark {
  name: string;
  metric: string;
  chance: number;
  selfAbility: string | null;
  /** Scored on the base model only (the competence gate's test split without the self-profile). */
  gateOnly: boolean;
  planted: Record<string, number> | null;
  nItems: number;
  hash: string;
}

export interface BuiltPlan {
  plan: RunPlan;
  /** Each stage's inputs by key: what its marker records. */
  inputs: Map<string, Record<string, unknown>>;
}

export function buildRunPlan(
  model: PlannedModel,
  abilities: PlannedAbility[],
  benchmarks: PlannedBenchmark[],
  options: ResolvedOptions,
  versions: Record<string, string>,
): BuiltPlan {
  const inputs = new Map<string, Record<string, unknown>>();
  const ref = (kind: StageRef["kind"], name: string, stageInputs: Record<string, unknown>, subfolder?: string): StageRef => {
    const r = stageRef(kind, name, stageInputs, subfolder);
    inputs.set(r.key, stageInputs);
    return r;
  };
  // What the numbers of a stage depend on besides its own inputs: the weights, the tokenizer, and how they are computed.
  const modelKey = hashOf({ checkpoint: model.hash, tokenizer: model.tokenizerHash, dtype: model.dtype, device: model.device });

  const importance: PlanImportance[] = abilities.map((a) => {
    const r = ref("importance", a.id, {
      model: modelKey,
      ability: a.id,
      probes: a.trainHash,
      loss_scope: options.lossScope,
      aggregate: options.aggregate,
      score: options.score,
      system_prompt: options.systemPrompt,
      template_date: options.templateDate,
      truncate: options.truncate,
      batch_size: options.importanceBatchSize,
      // What the stage keeps: every score, and/or the exact top (and bottom) n_max of each scope.
      store: importanceStore(options),
      // Only when set, so that runs without a token budget keep their keys.
      ...(options.importanceBatchTokens !== null ? { batch_tokens: options.importanceBatchTokens } : {}),
    });
    return { ability: a.id, key: r.key, dir: r.dir, probe_items: a.trainItems };
  });

  const masks: PlanMask[] = [];
  const recipeName = (variant: string, k: number) => `${variant}-k${k}-${options.method}`;
  const contrast = options.contrast;
  for (const imp of importance) {
    // Contrast against every other ability of the run, in the run's ability order.
    const contrastWith = contrast !== "none" ? importance.filter((o) => o.key !== imp.key).map((o) => o.key) : [];
    for (const variant of options.variants) {
      for (const k of options.ks) {
        for (const control of ["none", ...(options.controls.bottom ? ["bottom" as const] : [])] as const) {
          const name = `${imp.ability}.${recipeName(variant, k)}${contrast !== "none" ? `-${contrast}` : ""}${control === "bottom" ? ".bottom" : ""}`;
          const r = ref("mask", name, {
            importance: imp.key,
            variant,
            k,
            method: options.method,
            control,
            seed: null,
            contrast,
            contrast_with: contrastWith,
          });
          masks.push({
            name,
            key: r.key,
            dir: r.dir,
            ability: imp.ability,
            variant,
            k,
            method: options.method,
            control,
            seed: null,
            importance: imp.key,
            contrast,
            contrast_with: contrastWith,
          });
        }
      }
    }
  }
  for (const variant of options.variants) {
    for (const k of options.ks) {
      for (const seed of options.controls.randomSeeds) {
        const name = `random.${recipeName(variant, k)}.s${seed}`;
        const r = ref("mask", name, { model: modelKey, variant, k, method: options.method, control: "random", seed });
        masks.push({
          name,
          key: r.key,
          dir: r.dir,
          ability: null,
          variant,
          k,
          method: options.method,
          control: "random",
          seed,
          importance: null,
          contrast: "none",
          contrast_with: [],
        });
      }
    }
  }

  const evaluationInputs = { model: modelKey, shared_context: options.sharedContext, batch_size: options.evalBatchSize };
  const evaluations: PlanEvaluation[] = [];
  for (const b of benchmarks) {
    for (const mask of b.gateOnly ? [null] : [null, ...masks]) {
      const r = ref("evaluation", mask?.name ?? "base", { ...evaluationInputs, benchmark: b.hash, mask: mask?.key ?? null }, b.name);
      evaluations.push({ benchmark: b.name, mask: mask?.key ?? null, key: r.key, dir: r.dir });
    }
  }

  const runOptions = {
    abilities: abilities.map((a) => a.id),
    benchmarks: benchmarks.filter((b) => !b.gateOnly).map((b) => b.name),
    variants: options.variants,
    k: options.ks,
    controls: { bottom: options.controls.bottom, random_seeds: options.controls.randomSeeds },
    self_profile: options.selfProfile,
    statistics: options.statistics,
    method: options.method,
    loss_scope: options.lossScope,
    aggregate: options.aggregate,
    score: options.score,
    contrast: options.contrast,
    gate: options.gate,
    gate_margin: options.gateMargin,
    template_date: options.templateDate,
    preset: options.preset,
    system_prompt: options.systemPrompt,
    truncate: options.truncate,
    limit: options.limit,
    importance_batch_size: options.importanceBatchSize,
    ...(options.importanceBatchTokens !== null ? { importance_batch_tokens: options.importanceBatchTokens } : {}),
    eval_batch_size: options.evalBatchSize,
    shared_context: options.sharedContext,
  };
  const hashes: Record<string, string> = { model: model.hash, tokenizer: model.tokenizerHash, options: hashOf(runOptions) };
  for (const a of abilities) hashes[`probes/${a.id}/train`] = a.trainHash;
  for (const b of benchmarks) hashes[`benchmark/${b.name}`] = b.hash;
  const run: RunInfo = {
    tool: "bprof",
    model: {
      name: model.name,
      path: model.path,
      hash: model.hash,
      n_params: model.nParams,
      architecture: model.architecture,
      dtype: model.dtype,
      device: model.device,
    },
    hashes,
    options: runOptions,
    versions,
  };
  return {
    plan: {
      format: "bprof-run-plan",
      format_version: 1,
      run,
      abilities: abilities.map((a) => ({ id: a.id, name: a.name })),
      importance,
      masks,
      benchmarks: benchmarks.map((b) => ({
        name: b.name,
        metric: b.metric,
        chance: b.chance,
        self_ability: b.selfAbility,
        gate_only: b.gateOnly,
        planted: b.planted,
        n_items: b.nItems,
        hash: b.hash,
      })),
      evaluations,
    },
    inputs,
  };
}
/**
 * What an importance stage stores: with the `top` method, the exact top-n of each requested
 * scope for the largest k (and the bottom-n with the bottom control), 8 B per element, from
 * which every mask of up to that k is selected exactly; every score only with --keep-scores,
 * or for the per-matrix and chunked methods, which need them all.
 */
export function importanceStore(options: Pick<ResolvedOptions, "method" | "contrast" | "keepScores" | "variants" | "ks" | "controls">): {
  scores: "f32" | "f16" | null;
  candidates: { variants: AblationVariant[]; k: number; bottom: boolean } | null;
} {
  // A contrast ranks a function of every ability's scores: the stored candidates of one are of
  // no use. The rule lives with the plan (storedScores), which sizes what this stores.
  const stored = storedScores(options.keepScores, options.method, options.contrast);
  return {
    scores: stored.keepScores === "none" ? null : stored.keepScores,
    candidates: stored.candidates ? { variants: [...options.variants], k: Math.max(...options.ks), bottom: options.controls.bottom } : null,
  };
}
