// Fault injection for the kill tests, preloaded with `node --import` into a bprof process; no
// bprof code knows about it. It patches node:fs (and syncs the ES module bindings, so bprof's
// `import { renameSync } from "node:fs"` sees the patch) to count the points where a run puts
// something in place, and to kill the process with SIGKILL at one of them:
//   BPROF_FAULT_LOG=<file>       append "<kind>\t<n>\t<path>" for every point
//   BPROF_FAULT_KILL=rename:<n>  SIGKILL just before the n-th rename (an atomic write's
//                                temporary file, or a finished stage's directory, moved into place)
//   BPROF_FAULT_KILL=write:<n>   SIGKILL half way through writing the n-th temporary file
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";

const log = process.env.BPROF_FAULT_LOG;
const [killKind, killAtText] = (process.env.BPROF_FAULT_KILL ?? ":").split(":");
const killAt = Number(killAtText);
const counts = { rename: 0, write: 0 };
const tempFds = new Map();
const original = { renameSync: fs.renameSync, openSync: fs.openSync, writeSync: fs.writeSync, closeSync: fs.closeSync };
const logFd = log ? original.openSync(log, "a") : null;

function point(kind, path) {
  counts[kind]++;
  if (logFd !== null) original.writeSync(logFd, `${kind}\t${counts[kind]}\t${path}\n`);
  return killKind === kind && counts[kind] === killAt;
}

fs.renameSync = function (from, to) {
  if (point("rename", String(to))) process.kill(process.pid, "SIGKILL");
  return original.renameSync.call(this, from, to);
};
fs.openSync = function (path, ...rest) {
  const fd = original.openSync.call(this, path, ...rest);
  if (String(path).endsWith(".tmp")) tempFds.set(fd, { path: String(path), kill: point("write", String(path)) });
  return fd;
};
fs.writeSync = function (fd, buffer, offset, length, ...rest) {
  const temp = tempFds.get(fd);
  if (temp?.kill && typeof buffer !== "string" && typeof offset === "number" && typeof length === "number") {
    original.writeSync.call(this, fd, buffer, offset, Math.floor(length / 2));
    process.kill(process.pid, "SIGKILL");
  }
  return original.writeSync.call(this, fd, buffer, offset, length, ...rest);
};
fs.closeSync = function (fd) {
  tempFds.delete(fd);
  return original.closeSync.call(this, fd);
};
syncBuiltinESMExports();
