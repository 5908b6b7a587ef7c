import { existsSync } from "node:fs";
import { join } from "node:path";
import { findSpecFiles } from "../eval/shipped-specs.js";
import type { AblationVariant } from "../importance/scope.js";
import { packageRoot } from "../probes/paths.js";

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
 * The ablation fractions. The original sweep starts at k = 1e-5, which on a model of a few
 * million parameters is a few dozen weights and moves no score; 1e-3 and 1e-2 are the two
 * top decades of that sweep, where a small model's scores do move.
 */
export const DEFAULT_KS: readonly number[] = [1e-3, 1e-2];

export const DEFAULT_VARIANTS: readonly AblationVariant[] = ["mlp"];

/** Three random seeds make the null band; the bottom-n control is the original paper's. */
export const DEFAULT_CONTROLS = "random:3,bottom";

/** Folders under benchmarks/ whose specs are profiled by default (the samples, and the planted mixtures when present). */
export const DEFAULT_BENCHMARK_FOLDERS: readonly string[] = ["samples", "planted"];

export function defaultBenchmarkSpecs(): string[] {
  return DEFAULT_BENCHMARK_FOLDERS.map((folder) => join(packageRoot(), "benchmarks", folder))
    .filter((dir) => existsSync(dir))
    .flatMap((dir) => findSpecFiles(dir));
}

export const DEFAULT_IMPORTANCE_BATCH_SIZE = 8;
export const DEFAULT_EVAL_BATCH_SIZE = 16;
