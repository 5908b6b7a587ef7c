import { closeSync, existsSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { BprofError } from "../errors.js";

/**
 * One writer per run directory. Two `bprof profile` runs on one `--out` would overwrite each
 * other's plan.json and profile.json, and the first to finish would report success for a
 * profile the second then replaced; so a writer holds `.bprof-lock` (created exclusively,
 * holding its pid, host and start) for as long as it writes, and a second writer stops with a
 * message naming the holder.
 *
 * A lock whose process is gone (kill -9, a crash, Ctrl-C) is stale and taken over: on the same
 * host, a pid that no longer runs, or that now belongs to a process started after the lock was
 * written (the pid was reused), is dead. A lock from another host (a shared file system) is
 * never taken over: the message says how to remove it. The holder re-reads the lock before each
 * write (`assertHeld`), so a writer whose lock was taken over stops instead of writing on.
 */
export const LOCK_FILE = ".bprof-lock";

interface LockHolder {
  pid: number;
  host: string;
  /** Process start in clock ticks since boot (/proc/<pid>/stat field 22), when the OS tells. */
  start: number | null;
  since: string;
  command: string;
}

export class RunLock {
  private released = false;

  private constructor(
    readonly path: string,
    private readonly holder: LockHolder,
  ) {}

  /** Take the lock of a run directory (which must exist), or throw a BprofError naming its holder. */
  static acquire(dir: string): RunLock {
    const path = join(dir, LOCK_FILE);
    const holder: LockHolder = {
      pid: process.pid,
      host: hostname(),
      start: processStart(process.pid),
      since: new Date().toISOString(),
      command: process.argv.slice(2).join(" "),
    };
    for (let attempt = 0; attempt < 5; attempt++) {
      if (tryCreate(path, holder)) {
        const lock = new RunLock(path, holder);
        lock.assertHeld();
        process.once("exit", lock.onExit);
        return lock;
      }
      const current = readHolder(path);
      if (current === null) {
        // Removed between our attempt and the read (try again), or written by a writer killed
        // between creating and filling it (an empty file that stays: old enough, remove it).
        if (existsSync(path) && Date.now() - statSync(path).mtimeMs > 10_000) rmSync(path, { force: true });
        else sleep(50);
        continue;
      }
      if (!isStale(current)) {
        throw new BprofError(
          `the run directory is in use by bprof pid ${current.pid} on ${current.host} since ${current.since} (${current.command || "no arguments"}); ` +
            `wait for it to finish or give another --out${current.host === holder.host ? "" : `; if that process is gone, delete ${path}`}`,
          { file: dir },
        );
      }
      // Stale: move it aside under a name of our own, so two writers cannot both take it over.
      const aside = `${path}.stale-${process.pid}`;
      try {
        renameSync(path, aside);
      } catch {
        continue; // someone else moved it first; the next attempt sees their lock or none
      }
      const moved = readHolder(aside);
      if (moved !== null && (moved.pid !== current.pid || moved.since !== current.since)) {
        // Another writer took the stale lock over between our read and our rename: give it back.
        try {
          linkSync(aside, path);
        } catch {
          // A third writer already holds the directory; the next attempt reports it.
        }
      }
      rmSync(aside, { force: true });
    }
    throw new BprofError("cannot take the run directory's lock (other writers keep taking it)", { file: path });
  }

  /** Throws unless this process still holds the lock (it may have been taken over as stale). */
  assertHeld(): void {
    const current = readHolder(this.path);
    if (current === null || current.pid !== this.holder.pid || current.host !== this.holder.host || current.since !== this.holder.since) {
      throw new BprofError(
        current === null
          ? "the run directory's lock was removed while this run was writing: stopping rather than writing next to another run"
          : `the run directory was taken over by bprof pid ${current.pid} on ${current.host}: stopping rather than writing next to it`,
        { file: this.path },
      );
    }
  }

  /** Releases the lock when the process exits without calling release() (an uncaught error). */
  private readonly onExit = (): void => this.release();

  release(): void {
    if (this.released) return;
    this.released = true;
    process.removeListener("exit", this.onExit);
    const current = readHolder(this.path);
    if (current && current.pid === this.holder.pid && current.since === this.holder.since) rmSync(this.path, { force: true });
  }
}

function tryCreate(path: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
  try {
    writeSync(fd, JSON.stringify(holder) + "\n");
  } finally {
    closeSync(fd);
  }
  return true;
}

function readHolder(path: string): LockHolder | null {
  if (!existsSync(path)) return null;
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<LockHolder>;
    if (typeof parsed.pid !== "number" || typeof parsed.host !== "string") return null;
    return {
      pid: parsed.pid,
      host: parsed.host,
      start: parsed.start ?? null,
      since: String(parsed.since ?? ""),
      command: String(parsed.command ?? ""),
    };
  } catch {
    return null;
  }
}

function isStale(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  if (!processAlive(holder.pid)) return true;
  const start = processStart(holder.pid);
  return holder.start !== null && start !== null && start !== holder.start;
}

export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Start time of a process in clock ticks since boot (Linux /proc), or null where unknown. */
function processStart(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces), in parentheses: state is field 3, starttime field 22.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const start = Number(fields[19]);
    return Number.isFinite(start) ? start : null;
  } catch {
    return null;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
