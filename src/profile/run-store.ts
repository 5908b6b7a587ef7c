import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { BprofError } from "../errors.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { VERSION } from "../version.js";
import { hashOf } from "../util/hash.js";
import { removeAbandoned } from "./abandoned-files.js";
import { RunLock } from "./run-lock.js";
import { checkStageFiles, stageChecksums } from "./stage-checksums.js";

/**
 * The run directory as a store of finished stages. Every stage (one ability's importance, one
 * mask, one benchmark evaluated under one mask) lives in its own directory, named for what it
 * is and keyed by the hash of everything it was computed from (model, probes, benchmark,
 * options, bprof version), so a stage computed once is reused by any later run that needs the
 * same thing, and a changed input gets a new key instead of a stale result.
 *
 * A stage is written into a `.partial-<pid>-…` sibling, its `stage.json` marker last, then
 * renamed into place: a stage directory exists only when it is complete, whatever kills the
 * process (Ctrl-C, kill -9, a full disk). Partial directories and temporary files of dead
 * processes are removed when the store is opened. One process writes a run directory at a
 * time: a writer holds its lock (run-lock.ts). The marker records the sha256 of every file of
 * the stage (stage-checksums.ts); a stage whose files no longer match (edited by hand, damaged)
 * is not reused but computed again.
 */

export const STAGE_MARKER = "stage.json";
/** Where each kind of stage lives under the run directory. */
export const STAGE_FOLDERS = { importance: "importance", mask: "masks", evaluation: "evals" } as const;
export type StageKind = keyof typeof STAGE_FOLDERS;

export interface StageRef {
  kind: StageKind;
  /** sha256 of the stage's inputs (see stageKey). */
  key: string;
  /** Directory relative to the run root, e.g. `masks/deductive.mlp-k0.01-top-1a2b3c4d5e6f7a8b`. */
  dir: string;
}

const StageMarkerSchema = z.strictObject({
  format: z.literal("bprof-stage"),
  kind: z.enum(["importance", "mask", "evaluation"]),
  key: z.string(),
  /** Exactly what the key was hashed from. */
  inputs: z.record(z.string(), z.unknown()),
  seconds: z.number().min(0),
  bprof: z.string(),
  /** sha256 of each file of the stage (paths relative to the stage directory), the marker aside. */
  files: z.record(z.string(), z.string()),
});
export type StageMarker = z.infer<typeof StageMarkerSchema>;

/** The key of a stage: the hash of its kind, its inputs and the tool version. */
export function stageKey(kind: StageKind, inputs: Record<string, unknown>): string {
  return hashOf({ kind, bprof: VERSION, inputs });
}

/** A stage's reference: `<folder>/<readable name>-<first 16 hex digits of the key>`. */
export function stageRef(kind: StageKind, name: string, inputs: Record<string, unknown>, subfolder?: string): StageRef {
  const key = stageKey(kind, inputs);
  const folder = subfolder === undefined ? STAGE_FOLDERS[kind] : join(STAGE_FOLDERS[kind], safeName(subfolder));
  return { kind, key, dir: join(folder, `${safeName(name)}-${key.slice(0, 16)}`) };
}

/** The reference of a stage the plan lists (a plan entry carries its key and directory). */
export function planRef(kind: StageKind, entry: { key: string; dir: string }): StageRef {
  return { kind, key: entry.key, dir: entry.dir };
}

/** A name usable as one path component on every file system. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, "_");
}

let partialCounter = 0;

export class RunStore {
  /** Markers whose files were checked in this process, by stage directory. */
  private readonly verified = new Map<string, StageMarker>();
  /** Stage directories already reported as not matching their checksums (reported once). */
  private readonly mismatched = new Set<string>();

  private constructor(
    readonly root: string,
    private readonly lock: RunLock | null,
  ) {}

  /**
   * Create (or reopen) a run directory to write: take its lock, then clear what dead writers
   * left half-written. `close()` releases the lock (so does the process's exit).
   */
  static open(root: string): RunStore {
    try {
      mkdirSync(root, { recursive: true });
    } catch (err) {
      throw writeError(err, root);
    }
    let lock: RunLock;
    try {
      lock = RunLock.acquire(root);
    } catch (err) {
      throw writeError(err, root);
    }
    const store = new RunStore(root, lock);
    removeAbandoned(root);
    return store;
  }

  /** Open an existing run directory for reading only (bprof merge's inputs). */
  static existing(root: string): RunStore {
    if (!existsSync(root)) throw new BprofError("no such run directory", { file: root });
    return new RunStore(root, null);
  }

  /** Release the run directory's lock. */
  close(): void {
    this.lock?.release();
  }

  path(ref: StageRef | string): string {
    return join(this.root, typeof ref === "string" ? ref : ref.dir);
  }

  /** The marker of a finished stage with exactly this key whose files are as it recorded them, or null. */
  marker(ref: StageRef): StageMarker | null {
    const known = this.verified.get(ref.dir);
    if (known !== undefined && known.key === ref.key && known.kind === ref.kind) return known;
    const dir = this.path(ref);
    const file = join(dir, STAGE_MARKER);
    if (!existsSync(file)) return null;
    let parsed;
    try {
      parsed = StageMarkerSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    } catch {
      return null;
    }
    if (!parsed.success || parsed.data.key !== ref.key || parsed.data.kind !== ref.kind) return null;
    const mismatch = checkStageFiles(dir, parsed.data.files);
    if (mismatch !== null) {
      if (this.mismatched.has(ref.dir)) return null;
      this.mismatched.add(ref.dir);
      process.stderr.write(
        `bprof: warning: ${join(dir, mismatch)}: does not match the checksum recorded when the stage finished; the stage is computed again\n`,
      );
      return null;
    }
    this.verified.set(ref.dir, parsed.data);
    return parsed.data;
  }

  has(ref: StageRef): boolean {
    return this.marker(ref) !== null;
  }

  /**
   * Compute a stage into a private directory and move it into place once whole. `write`
   * fills the directory it is given; the marker records the inputs and the seconds the stage
   * took: `write`'s own, plus `computedSeconds` for work the caller did before (scoring).
   */
  async commit(
    ref: StageRef,
    inputs: Record<string, unknown>,
    write: (dir: string) => void | Promise<void>,
    computedSeconds = 0,
  ): Promise<StageMarker> {
    const started = performance.now();
    const final = this.path(ref);
    const partial = `${final}.partial-${process.pid}-${partialCounter++}`;
    try {
      this.lock?.assertHeld();
      rmSync(partial, { recursive: true, force: true });
      mkdirSync(partial, { recursive: true });
      await write(partial);
      const marker: StageMarker = {
        format: "bprof-stage",
        kind: ref.kind,
        key: ref.key,
        inputs,
        seconds: computedSeconds + (performance.now() - started) / 1000,
        bprof: VERSION,
        files: stageChecksums(partial),
      };
      writeFileAtomic(join(partial, STAGE_MARKER), JSON.stringify(marker, null, 2) + "\n");
      this.lock?.assertHeld();
      this.replace(partial, final);
      this.verified.set(ref.dir, marker);
      return marker;
    } catch (err) {
      rmSync(partial, { recursive: true, force: true });
      throw writeError(err, final);
    }
  }

  /** Copy a finished stage from another run directory (bprof merge), whole or not at all. */
  copyFrom(source: RunStore, ref: StageRef): void {
    const final = this.path(ref);
    const partial = `${final}.partial-${process.pid}-${partialCounter++}`;
    try {
      this.lock?.assertHeld();
      rmSync(partial, { recursive: true, force: true });
      mkdirSync(dirname(partial), { recursive: true });
      cpSync(source.path(ref), partial, { recursive: true });
      this.replace(partial, final);
    } catch (err) {
      rmSync(partial, { recursive: true, force: true });
      throw writeError(err, final);
    }
  }

  /** Write a file at the run's top level, atomically; a failure is a BprofError naming the file. */
  writeFile(name: string, data: string): string {
    const path = join(this.root, name);
    try {
      this.lock?.assertHeld();
      writeFileAtomic(path, data);
    } catch (err) {
      throw writeError(err, path);
    }
    return path;
  }

  private replace(partial: string, final: string): void {
    if (existsSync(final)) {
      // --force, or a stage copied over: the old directory leaves before the new one arrives.
      const stale = `${final}.stale-${process.pid}-${partialCounter++}`;
      renameSync(final, stale);
      renameSync(partial, final);
      rmSync(stale, { recursive: true, force: true });
    } else {
      renameSync(partial, final);
    }
  }
}

const WRITE_FAILURES: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOTDIR: "a path component is a file, not a directory",
  EEXIST: "a file is in the way",
  EISDIR: "a directory is in the way",
};

/** File-system failures become BprofErrors that say what could not be written and why. */
export function writeError(err: unknown, path: string): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && code in WRITE_FAILURES) {
    return new BprofError(
      `cannot write the run directory: ${WRITE_FAILURES[code]} (${code}); finished stages are kept and a re-run resumes from them`,
      { file: path },
    );
  }
  return err;
}
