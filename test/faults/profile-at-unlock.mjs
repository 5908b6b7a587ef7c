// Preloaded with `node --import` into a bprof process for the concurrency tests; no bprof code
// knows about it. Just before the process removes its run directory's lock (`.bprof-lock`), it
// copies that directory's profile.json to $BPROF_PROFILE_AT_UNLOCK: the profile as it stood
// while this process still held the directory, which no other writer can have touched. (Read
// after the process exits instead, the file may already be a later writer's, on a loaded machine.)
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { basename, dirname, join } from "node:path";

const target = process.env.BPROF_PROFILE_AT_UNLOCK;
const original = { rmSync: fs.rmSync };

fs.rmSync = function (path, ...rest) {
  if (target && basename(String(path)) === ".bprof-lock" && holdsLock(String(path))) {
    const profile = join(dirname(String(path)), "profile.json");
    if (fs.existsSync(profile)) fs.copyFileSync(profile, target);
  }
  return original.rmSync.call(this, path, ...rest);
};
syncBuiltinESMExports();

/** Whether the lock file names this process (not a stale lock being cleared). */
function holdsLock(path) {
  try {
    return JSON.parse(fs.readFileSync(path, "utf8")).pid === process.pid;
  } catch {
    return false;
  }
}
