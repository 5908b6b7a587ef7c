import { resolve } from "node:path";
import { BprofError } from "../errors.js";
import { writeProfileReports } from "../report/write-reports.js";
import { profileFromRun, profileJson } from "./profile-from-run.js";
import { profileJsonSchemaText, PROFILE_SCHEMA_FILE } from "../stats/profile-json-schema.js";
import {
  allStages,
  buildManifest,
  planJson,
  PROFILE_FILE,
  readManifest,
  readPlan,
  RUN_MANIFEST,
  RUN_PLAN,
  type RunManifest,
} from "./run-manifest.js";
import type { RunPlan } from "./run-plan.js";
import { RunStore, writeError } from "./run-store.js";
import type { Profile } from "../stats/profile-schema.js";
import { assignShards, unitStages, workUnits } from "./shards.js";

export interface MergeResult {
  dir: string;
  profile: Profile;
  manifest: RunManifest;
  files: string[];
}

/**
 * `bprof merge`: the shards of one run (`bprof profile --shard i/n`, each in its own
 * directory) combined into one run directory. The shards must share one plan (same model,
 * inputs, options and versions) and together cover every shard 0…n−1, each complete. Their
 * stages are copied whole into `out`, and the profile is assembled from them exactly as an
 * unsharded run assembles its own: profile.json is the same, byte for byte.
 */
export function mergeRuns(runDirs: string[], out: string, options: { quiet?: boolean } = {}): MergeResult {
  if (runDirs.length === 0) throw new BprofError("no run directory to merge", { field: "rundirs" });
  const outDir = resolve(out);
  const shards = runDirs.map((dir) => {
    const root = resolve(dir);
    if (root === outDir) throw new BprofError("the output must be a new directory, not one of the shards", { file: root });
    return { root, plan: readPlan(root), manifest: readManifest(root), planText: "" };
  });
  for (const s of shards) s.planText = planJson(s.plan);

  const first = shards[0]!;
  for (const s of shards.slice(1)) {
    if (s.planText !== first.planText) {
      throw new BprofError(`its plan differs from ${first.root}'s (${planDifference(first.plan, s.plan)}): not shards of the same run`, {
        file: resolve(s.root, RUN_PLAN),
      });
    }
  }
  const count = first.manifest.shard.count;
  const byIndex = new Map<number, (typeof shards)[number]>();
  for (const s of shards) {
    const where = { file: resolve(s.root, RUN_MANIFEST) };
    if (s.manifest.shard.count !== count)
      throw new BprofError(`is shard ${s.manifest.shard.index}/${s.manifest.shard.count}, the others are of ${count}`, where);
    if (byIndex.has(s.manifest.shard.index)) throw new BprofError(`shard ${s.manifest.shard.index}/${count} is given twice`, where);
    if (s.manifest.status !== "complete")
      throw new BprofError(`shard ${s.manifest.shard.index}/${count} has not finished (re-run it to resume)`, where);
    byIndex.set(s.manifest.shard.index, s);
  }
  const absent = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (absent.length > 0) throw new BprofError(`shards ${absent.map((i) => `${i}/${count}`).join(", ")} are missing`, { field: "rundirs" });

  const store = RunStore.open(outDir);
  try {
    const assignment = assignShards(workUnits(first.plan), count);
    for (const [index, s] of byIndex) {
      const source = RunStore.existing(s.root);
      for (const ref of unitStages(assignment[index]!)) {
        if (!source.has(ref)) {
          // Importance is not needed once its masks exist; every mask and evaluation is.
          if (ref.kind === "importance") continue;
          throw new BprofError(`shard ${index}/${count} lacks its stage ${ref.dir}`, { file: s.root });
        }
        if (!store.has(ref)) {
          if (!options.quiet) process.stderr.write(`merge: ${ref.dir}\n`);
          store.copyFrom(source, ref);
        }
      }
    }
    store.writeFile(RUN_PLAN, first.planText);
    const profile = profileFromRun(first.plan, store);
    const files = [store.writeFile(PROFILE_FILE, profileJson(profile)), store.writeFile(PROFILE_SCHEMA_FILE, profileJsonSchemaText())];
    try {
      files.push(...writeProfileReports(profile, outDir));
    } catch (err) {
      throw writeError(err, outDir);
    }
    const manifest = buildManifest(store, {
      plan: first.plan,
      status: "complete",
      shard: { index: 0, count: 1 },
      units: workUnits(first.plan).map((u) => u.id),
      mergedFrom: [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i)!.root),
      stages: allStages(first.plan),
      extraTimings: {},
      invocations: 1,
    });
    store.writeFile(RUN_MANIFEST, JSON.stringify(manifest, null, 2) + "\n");
    return { dir: outDir, profile, manifest, files };
  } finally {
    store.close();
  }
}

/** The first top-level part of two plans that differs, for the error message. */
function planDifference(a: RunPlan, b: RunPlan): string {
  if (JSON.stringify(a.run.model) !== JSON.stringify(b.run.model)) return "model";
  for (const key of Object.keys({ ...a.run.options, ...b.run.options })) {
    if (JSON.stringify(a.run.options[key]) !== JSON.stringify(b.run.options[key])) return `option ${key}`;
  }
  if (JSON.stringify(a.run.hashes) !== JSON.stringify(b.run.hashes)) return "input hashes";
  if (JSON.stringify(a.run.versions) !== JSON.stringify(b.run.versions)) return "versions";
  return "stages";
}
