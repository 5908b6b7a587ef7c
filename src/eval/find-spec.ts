import { existsSync } from "node:fs";
import { BprofError } from "../errors.js";
import { findSpecFiles, shippedBenchmarksDir } from "./shipped-specs.js";
import { loadBenchmarkSpec, type LoadedSpec } from "./spec.js";

/** A spec file path, or the name of a shipped benchmark ("arc_easy", "sample_story_words"). */
export function findBenchmarkSpec(pathOrName: string): LoadedSpec {
  if (existsSync(pathOrName)) return loadBenchmarkSpec(pathOrName);
  const names: string[] = [];
  for (const file of findSpecFiles(shippedBenchmarksDir())) {
    try {
      const loaded = loadBenchmarkSpec(file);
      if (loaded.spec.name === pathOrName) return loaded;
      names.push(loaded.spec.name);
    } catch {
      // A broken shipped spec is reported by `bprof benchmarks validate`, not here.
    }
  }
  throw new BprofError(`no spec file or shipped benchmark named '${pathOrName}' (shipped: ${names.join(", ")})`, { field: "--benchmark" });
}
