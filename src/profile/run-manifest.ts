import { join } from "node:path";
import { z } from "zod";
import { readJsonFile } from "../util/schema.js";
import { hashOf } from "../util/hash.js";
import type { Shard } from "./run-options.js";
import { RunPlanSchema, type RunPlan } from "./run-plan.js";
import { planRef, type RunStore, type StageRef } from "./run-store.js";

/**
 * The files of a run directory besides its stages:
 * - `plan.json`: the run's plan (run-plan.ts), the same for every shard and every resume;
 * - `manifest.json`: this directory's record: which shard, which units, status, versions,
 *   options, input hashes and timings (per stage and per stage kind). Timings live here and
 *   never in profile.json, which stays byte-identical however the run was interrupted or cut.
 * - `profile.json` and the reports, once every stage is there.
 */
export const RUN_PLAN = "plan.json";
export const RUN_MANIFEST = "manifest.json";
export const PROFILE_FILE = "profile.json";

const RunManifestSchema = z.strictObject({
  format: z.literal("bprof-run"),
  format_version: z.literal(1),
  /** `running` until this directory's share is done; `complete` then (profile.json written unless a shard). */
  status: z.enum(["running", "complete"]),
  plan_hash: z.string(),
  shard: z.strictObject({ index: z.int().min(0), count: z.int().min(1) }),
  /** The work units (shards.ts) this directory computes. */
  units: z.array(z.string()),
  /** Run directories a `bprof merge` combined, else empty. */
  merged_from: z.array(z.string()),
  versions: z.record(z.string(), z.string()),
  options: z.record(z.string(), z.unknown()),
  hashes: z.record(z.string(), z.string()),
  /** Seconds per stage kind (summed over the stages of this directory's units) and of the last invocation. */
  timings: z.record(z.string(), z.number().min(0)),
  /** Seconds each stage took when it was computed, by stage directory. */
  stage_seconds: z.record(z.string(), z.number().min(0)),
  /** How many times a run wrote this directory (1 + resumes). */
  invocations: z.int().min(1),
});
export type RunManifest = z.infer<typeof RunManifestSchema>;

export function planJson(plan: RunPlan): string {
  return JSON.stringify(plan, null, 2) + "\n";
}

export function planHash(plan: RunPlan): string {
  return hashOf(plan);
}

export function readPlan(runDir: string): RunPlan {
  return readJson(join(runDir, RUN_PLAN), RunPlanSchema);
}

export function readManifest(runDir: string): RunManifest {
  return readJson(join(runDir, RUN_MANIFEST), RunManifestSchema);
}

/** The manifest's invocation count so far (0 for a new directory or an unreadable manifest). */
export function previousInvocations(runDir: string): number {
  try {
    return readManifest(runDir).invocations;
  } catch {
    return 0;
  }
}

export interface ManifestInput {
  plan: RunPlan;
  status: RunManifest["status"];
  shard: Shard;
  units: string[];
  mergedFrom: string[];
  /** Stages whose recorded seconds are summed. */
  stages: StageRef[];
  extraTimings: Record<string, number>;
  invocations: number;
}

export function buildManifest(store: RunStore, input: ManifestInput): RunManifest {
  const timings: Record<string, number> = { importance: 0, mask: 0, evaluation: 0 };
  const stageSeconds: Record<string, number> = {};
  for (const ref of input.stages) {
    const marker = store.marker(ref);
    if (!marker) continue;
    stageSeconds[ref.dir] = marker.seconds;
    timings[ref.kind] = (timings[ref.kind] ?? 0) + marker.seconds;
  }
  return {
    format: "bprof-run",
    format_version: 1,
    status: input.status,
    plan_hash: planHash(input.plan),
    shard: input.shard,
    units: input.units,
    merged_from: input.mergedFrom,
    versions: input.plan.run.versions,
    options: input.plan.run.options,
    hashes: input.plan.run.hashes,
    timings: { ...timings, ...input.extraTimings },
    stage_seconds: stageSeconds,
    invocations: input.invocations,
  };
}

/** Every stage of a plan, for timings over a whole run. */
export function allStages(plan: RunPlan): StageRef[] {
  return [
    ...plan.importance.map((i) => planRef("importance", i)),
    ...plan.masks.map((m) => planRef("mask", m)),
    ...plan.evaluations.map((e) => planRef("evaluation", e)),
  ];
}

function readJson<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  return readJsonFile(file, schema, "missing (not a bprof run directory, or the run never started)");
}
