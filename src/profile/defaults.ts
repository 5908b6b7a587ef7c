import { existsSync } from "node:fs";
import { join } from "node:path";
import { findSpecFiles } from "../eval/shipped-specs.js";
import type { AblationVariant } from "../masks/variant.js";
import { packageRoot } from "../util/package-root.js";

/**
 * What `bprof profile` does when told nothing: profile the project's own model organism on
 * the benchmarks shipped with bprof, against all ten abilities. Every default lives here.
 */

/** The model organism (issue 7), relative to the package root. */
export const DEFAULT_MODEL = "models/organism";

export function defaultModelPath(): string {
  return join(packageRoot(), DEFAULT_MODEL);
}

/**
 * The ablation fraction. The original sweep starts at k = 1e-5, which on a model of a few
 * million parameters is a few dozen weights and moves no score; 1e-2 is the top decade of
 * that sweep, where a small model's scores do move. Every k is a full set of evaluations
 * (abilities + controls, on every benchmark), so the default is one; sweep with --k.
 */
export const DEFAULT_KS: readonly number[] = [1e-2];

export const DEFAULT_VARIANTS: readonly AblationVariant[] = ["mlp"];

/**
 * Three random seeds make the null band (three evaluations per k, shared by all abilities).
 * The bottom-n control, the original paper's, costs one evaluation per ability and k, as
 * much as the profile itself; ask for it with --controls random:3,bottom.
 */
export const DEFAULT_CONTROLS = "random:3";

/** Folders under benchmarks/ whose specs are profiled by default (the samples, and the planted mixtures when present). */
export const DEFAULT_BENCHMARK_FOLDERS: readonly string[] = ["samples", "planted"];

export function defaultBenchmarkSpecs(): string[] {
  return DEFAULT_BENCHMARK_FOLDERS.map((folder) => join(packageRoot(), "benchmarks", folder))
    .filter((dir) => existsSync(dir))
    .flatMap((dir) => findSpecFiles(dir));
}

export const DEFAULT_IMPORTANCE_BATCH_SIZE = 8;
export const DEFAULT_EVAL_BATCH_SIZE = 16;
