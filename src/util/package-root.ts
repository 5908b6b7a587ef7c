import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The directory of bprof's package.json: where the shipped abilities/, probes/, benchmarks/ and
 * models/ live. It is a different number of levels above this file in the sources (src/util)
 * and in the build (dist/src/util), so it is found by walking up to a package.json named bprof.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "bprof") {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the bprof package root above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}
