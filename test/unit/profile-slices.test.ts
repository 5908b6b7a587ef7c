import { describe, expect, it } from "vitest";
import { computeProfile } from "../../src/stats/compute-profile.js";
import { abilitySlices, isBinary, slicePurity } from "../../src/stats/slices.js";
import { renderSlicesCsv } from "../../src/report/csv.js";
import { NOT_POSSESSED, syntheticProfileInput } from "../helpers/synthetic-profile.js";

// Hand-made per-item logs of one benchmark: 8 items, 1 = right.
const ids = ["i0", "i1", "i2", "i3", "i4", "i5", "i6", "i7"];
const base = [1, 1, 1, 1, 0, 0, 1, 0];

describe("ability slices", () => {
  it("take the items an ablation flips that no random mask flips the same way", () => {
    const a = [0, 0, 1, 1, 1, 0, 0, 0]; // loses i0, i1, i6; gains i4
    const b = [1, 0, 1, 0, 0, 1, 1, 1]; // loses i1, i3; gains i5, i7
    const random1 = [1, 0, 1, 1, 0, 0, 1, 0]; // loses i1
    const random2 = [1, 1, 1, 1, 0, 0, 1, 1]; // gains i7
    const [sa, sb] = abilitySlices(
      ids,
      base,
      [
        { ability: "a", values: a },
        { ability: "b", values: b },
      ],
      [random1, random2],
    );
    expect(sa).toEqual({ ability: "a", lost: ["i0", "i6"], gained: ["i4"], lost_to_random: 1, gained_to_random: 0 });
    expect(sb).toEqual({ ability: "b", lost: ["i3"], gained: ["i5"], lost_to_random: 1, gained_to_random: 1 });
  });

  it("without random masks keep every flip", () => {
    const [s] = abilitySlices(ids, base, [{ ability: "a", values: [0, 1, 1, 1, 1, 0, 1, 0] }], []);
    expect(s!.lost).toEqual(["i0"]);
    expect(s!.gained).toEqual(["i4"]);
  });

  it("purity is the share of a slice planted from its ability", () => {
    const sources = new Map([
      ["i0", "a"],
      ["i1", "b"],
      ["i2", "a"],
      ["i3", "a"],
    ]);
    expect(slicePurity(["i0", "i2", "i3", "i1"], "a", sources)).toBe(0.75);
    expect(slicePurity(["i1"], "a", sources)).toBe(0);
    expect(slicePurity([], "a", sources)).toBeNull();
  });

  it("apply only to right/wrong per-item scores", () => {
    expect(isBinary([0, 1, 1])).toBe(true);
    expect(isBinary([0, 0.5, 1])).toBe(false);
  });

  it("are in profile.json for possessed abilities, with the items' text, and in slices.csv", () => {
    const input = syntheticProfileInput({ kValues: [1e-2] });
    // MC2 scores an item by a probability mass, not right or wrong: no slices there.
    const mc2 = input.benchmarks.find((b) => b.name === "truthfulqa-mc2")!;
    mc2.base = { ids: mc2.base.ids, values: Array.from(mc2.base.values, (v) => (v === 1 ? 0.8 : 0.3)) };
    const profile = computeProfile(input);
    const gsm = profile.slices.slices.find((s) => s.benchmark === "gsm8k" && s.ability === "quantitative" && s.variant === "mlp")!;
    // gsm8k depends strongly on quantitative: its slice holds many items.
    expect(gsm.lost.length).toBeGreaterThan(20);
    expect(profile.slices.slices.some((s) => s.ability === NOT_POSSESSED)).toBe(false);
    expect(profile.slices.slices.some((s) => s.benchmark.startsWith("probes/"))).toBe(false);
    expect(profile.slices.skipped.map((s) => s.benchmark)).toEqual(["truthfulqa-mc2"]);
    expect(profile.slices.random_masks).toBe(3);
    const item = profile.slices.items.find((i) => i.benchmark === "gsm8k" && i.id === gsm.lost[0])!;
    expect(item.prompt).toMatch(/^Question: item \d+ of gsm8k\?/);
    const csv = renderSlicesCsv(profile);
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("benchmark,ability,variant,k,direction,item,prompt,answer");
    expect(lines.filter((l) => l.startsWith("gsm8k,quantitative,mlp,0.01,lost,")).length).toBe(gsm.lost.length);
  });
});
