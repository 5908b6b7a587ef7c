import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The shipped abilities/ and probes/ live at the package root, which is a different number
 * of levels above this file in the sources (src/probes) and in the build (dist/src/probes).
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

export function defaultAbilitiesDir(): string {
  return join(packageRoot(), "abilities");
}

export function defaultProbesDir(): string {
  return join(packageRoot(), "probes");
}
