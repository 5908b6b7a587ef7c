import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LOCK_FILE, RunLock } from "../../src/profile/run-lock.js";

const tmp = mkdtempSync(join(tmpdir(), "bprof-run-lock-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("RunLock", () => {
  it("one holder at a time; released, it can be taken again", () => {
    const lock = RunLock.acquire(tmp);
    expect(JSON.parse(readFileSync(join(tmp, LOCK_FILE), "utf8"))).toMatchObject({ pid: process.pid, host: hostname() });
    expect(() => RunLock.acquire(tmp)).toThrow(new RegExp(`in use by bprof pid ${process.pid} on ${hostname()}`));
    lock.release();
    expect(existsSync(join(tmp, LOCK_FILE))).toBe(false);
    RunLock.acquire(tmp).release();
  });

  it("a holder whose lock was taken over stops at its next write", () => {
    const lock = RunLock.acquire(tmp);
    writeFileSync(join(tmp, LOCK_FILE), JSON.stringify({ pid: 1, host: hostname(), start: null, since: "x", command: "" }));
    expect(() => lock.assertHeld()).toThrow(/taken over by bprof pid 1/);
    lock.release();
    // Not ours any more: release leaves the other holder's lock alone.
    expect(existsSync(join(tmp, LOCK_FILE))).toBe(true);
    rmSync(join(tmp, LOCK_FILE));
  });

  it("a lock from another host is never taken over", () => {
    writeFileSync(join(tmp, LOCK_FILE), JSON.stringify({ pid: 999999, host: "elsewhere", start: null, since: "then", command: "profile" }));
    expect(() => RunLock.acquire(tmp)).toThrow(
      /in use by bprof pid 999999 on elsewhere since then .*if that process is gone, delete .*\.bprof-lock/,
    );
    rmSync(join(tmp, LOCK_FILE));
  });
});
