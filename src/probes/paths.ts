import { join } from "node:path";
import { packageRoot } from "../util/package-root.js";

/** The shipped ability definitions. */
export function defaultAbilitiesDir(): string {
  return join(packageRoot(), "abilities");
}

/** The shipped probe splits, laid out as <dir>/<ability>/<split>.jsonl. */
export function defaultProbesDir(): string {
  return join(packageRoot(), "probes");
}
