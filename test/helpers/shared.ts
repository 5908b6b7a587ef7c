import { existsSync } from "node:fs";
import { resolve } from "node:path";

/**
 * ../shared holds real models and benchmark files that must never be copied into the repo.
 * Tests that need it skip with a visible message when it is absent (a fresh clone elsewhere).
 */
export const SHARED_DIR = resolve(process.env.BPROF_SHARED ?? resolve(import.meta.dirname, "../../../shared"));

export const hasShared = existsSync(SHARED_DIR);

export function sharedPath(...parts: string[]): string {
  return resolve(SHARED_DIR, ...parts);
}

/** Use as `describe.skipIf(!requireShared("why"))(...)`: prints why the block is skipped. */
export function requireShared(what: string): boolean {
  if (!hasShared) console.warn(`[skip] ${what}: ${SHARED_DIR} is absent`);
  return hasShared;
}
