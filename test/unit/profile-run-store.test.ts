import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RunStore, stageRef, STAGE_MARKER } from "../../src/profile/run-store.js";

const tmp = mkdtempSync(join(tmpdir(), "bprof-run-store-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const inputs = { model: "m1", benchmark: "b1", mask: null };

describe("run store", () => {
  it("keys a stage by its inputs: same inputs, same key; any change, a new one", () => {
    const a = stageRef("evaluation", "base", inputs, "arc/easy");
    expect(stageRef("evaluation", "base", { mask: null, benchmark: "b1", model: "m1" }, "arc/easy")).toEqual(a);
    expect(stageRef("evaluation", "base", { ...inputs, model: "m2" }, "arc/easy").key).not.toBe(a.key);
    expect(a.dir).toMatch(/^evals\/arc_easy\/base-[0-9a-f]{16}$/);
  });

  it("a committed stage is found again; a stage with another key in the same place is not", async () => {
    const store = RunStore.open(join(tmp, "run1"));
    const ref = stageRef("mask", "deductive.mlp-k0.01-top", inputs);
    expect(store.has(ref)).toBe(false);
    const marker = await store.commit(ref, inputs, (dir) => writeFileSync(join(dir, "data.txt"), "x"));
    expect(marker.inputs).toEqual(inputs);
    expect(store.has(ref)).toBe(true);
    expect(readFileSync(join(store.path(ref), "data.txt"), "utf8")).toBe("x");
    expect(store.has({ ...ref, key: "0".repeat(64) })).toBe(false);
    expect(store.has({ ...ref, kind: "importance" })).toBe(false);
  });

  it("a stage that fails part way leaves neither its directory nor a marker nor a partial directory", async () => {
    const store = RunStore.open(join(tmp, "run2"));
    const ref = stageRef("importance", "spatial", inputs);
    await expect(
      store.commit(ref, inputs, (dir) => {
        writeFileSync(join(dir, "half.bin"), "1234");
        throw new Error("disk on fire");
      }),
    ).rejects.toThrow("disk on fire");
    expect(existsSync(store.path(ref))).toBe(false);
    expect(readdirSync(join(tmp, "run2", "importance"))).toEqual([]);
  });

  it("recommitting (--force) replaces the stage whole", async () => {
    const store = RunStore.open(join(tmp, "run3"));
    const ref = stageRef("mask", "m", inputs);
    await store.commit(ref, inputs, (dir) => writeFileSync(join(dir, "old.txt"), "old"));
    await store.commit(ref, inputs, (dir) => writeFileSync(join(dir, "new.txt"), "new"));
    expect(readdirSync(store.path(ref)).sort()).toEqual(["new.txt", STAGE_MARKER]);
    expect(readdirSync(join(tmp, "run3", "masks"))).toHaveLength(1);
  });

  it("opening a run directory removes what dead writers left half-written, and only that", () => {
    const root = join(tmp, "run4");
    const deadPid = 2 ** 22 + 12345; // above any pid_max in practice
    mkdirSync(join(root, "masks", `x-0123.partial-${deadPid}-0`), { recursive: true });
    mkdirSync(join(root, "evals", "arc", `base-0123.partial-${deadPid}-1`), { recursive: true });
    mkdirSync(join(root, "masks", `y-0123.partial-${process.pid}-0`), { recursive: true });
    mkdirSync(join(root, "masks", "z-0123"), { recursive: true });
    RunStore.open(root);
    expect(readdirSync(join(root, "masks")).sort()).toEqual([`y-0123.partial-${process.pid}-0`, "z-0123"]);
    expect(readdirSync(join(root, "evals", "arc"))).toEqual([]);
  });

  it("an unwritable location is a BprofError naming the path", () => {
    const file = join(tmp, "file");
    writeFileSync(file, "");
    expect(() => RunStore.open(join(file, "run"))).toThrow(/file\/run: cannot write the run directory: .*ENOTDIR/);
  });
});
