import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { processAlive } from "./run-lock.js";

/**
 * What writers that died mid-write leave in a run directory, and how to recognise it:
 * - `<stage>.partial-<pid>-<n>` and `<stage>.stale-<pid>-<n>` directories (run-store.ts);
 * - `.<name>.<pid>.<ms>.tmp` files of an atomic write (io/atomic-write.ts), at the top level
 *   (plan.json, manifest.json, the reports) or anywhere below.
 * Removed when a writer opens the directory (holding its lock), if the pid in the name no
 * longer runs; a living writer's files are never touched.
 */
const ABANDONED_DIR = /\.(?:partial|stale)-(\d+)-\d+$/;
const ABANDONED_TEMP = /^\..+\.(\d+)\.\d+\.tmp$/;

export function removeAbandoned(root: string): string[] {
  const removed: string[] = [];
  const visit = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        const m = ABANDONED_DIR.exec(entry.name);
        if (m && !processAlive(Number(m[1]))) {
          rmSync(path, { recursive: true, force: true });
          removed.push(path);
        } else if (!m) {
          visit(path);
        }
      } else {
        const m = ABANDONED_TEMP.exec(entry.name);
        if (m && !processAlive(Number(m[1]))) {
          rmSync(path, { force: true });
          removed.push(path);
        }
      }
    }
  };
  visit(root);
  return removed;
}
