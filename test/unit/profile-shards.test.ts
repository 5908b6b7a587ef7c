import { describe, expect, it } from "vitest";
import { parseControls } from "../../src/profile/run-options.js";
import { parseShard } from "../../src/profile/run-options.js";
import { assignShards, type WorkUnit } from "../../src/profile/shards.js";

const unit = (id: string, cost: number): WorkUnit => ({ id, importance: null, masks: [], evaluations: [], cost });

describe("shards", () => {
  it("parses i/n and rejects what is not a shard", () => {
    expect(parseShard("2/5")).toEqual({ index: 2, count: 5 });
    for (const bad of ["5/5", "1/0", "-1/3", "1", "a/b"]) expect(() => parseShard(bad)).toThrow(/shard/);
  });

  it("gives every unit to exactly one shard, the same way every time, balancing the cost", () => {
    const units = [
      unit("base", 40),
      ...Array.from({ length: 10 }, (_, i) => unit(`ability:${i}`, 100 + i)),
      ...[0, 1, 2].map((s) => unit(`random:${s}`, 40)),
    ];
    const shards = assignShards(units, 3);
    expect(assignShards(units, 3)).toEqual(shards);
    expect(
      shards
        .flat()
        .map((u) => u.id)
        .sort(),
    ).toEqual(units.map((u) => u.id).sort());
    const loads = shards.map((s) => s.reduce((a, u) => a + u.cost, 0));
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(109);
    // Within a shard, units keep the plan's order.
    for (const s of shards) expect(s.map((u) => units.indexOf(u))).toEqual([...s.map((u) => units.indexOf(u))].sort((a, b) => a - b));
  });

  it("with more shards than units, the extra shards have nothing to do", () => {
    const shards = assignShards([unit("base", 1), unit("ability:a", 5)], 4);
    expect(shards.map((s) => s.length)).toEqual([1, 1, 0, 0]);
  });
});

describe("--controls", () => {
  it("random:N is N seeds from 0; bottom and none", () => {
    expect(parseControls("random:3,bottom")).toEqual({ bottom: true, randomSeeds: [0, 1, 2] });
    expect(parseControls("bottom")).toEqual({ bottom: true, randomSeeds: [] });
    expect(parseControls("none")).toEqual({ bottom: false, randomSeeds: [] });
    expect(() => parseControls("random:1,2")).toThrow(/unknown control '2'/);
    expect(() => parseControls("top")).toThrow(/unknown control 'top'/);
  });
});
