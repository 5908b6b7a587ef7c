import { describe, expect, it } from "vitest";
import { selectivityIndex, selectivityMatrix } from "../../src/stats/selectivity.js";

describe("selectivity", () => {
  it("is mean diagonal minus mean off-diagonal (hand-computed)", () => {
    // diagonal (0.8 + 0.6) / 2 = 0.7; off-diagonal (0.1 + 0.2) / 2 = 0.15
    expect(
      selectivityIndex([
        [0.8, 0.1],
        [0.2, 0.6],
      ]),
    ).toBeCloseTo(0.55, 15);
  });

  it("skips undefined entries and is null when a side is empty", () => {
    expect(
      selectivityIndex([
        [0.8, null],
        [0.2, null],
      ]),
    ).toBeCloseTo(0.6, 15);
    expect(selectivityIndex([[0.9]])).toBeNull();
    expect(
      selectivityIndex([
        [null, 0.1],
        [0.2, null],
      ]),
    ).toBeNull();
  });

  it("is negative when abilities hurt each other more than themselves", () => {
    expect(
      selectivityIndex([
        [0, 0.5],
        [0.5, 0],
      ]),
    ).toBe(-0.5);
  });

  it("lays rows by ablated ability and columns by tested ability", () => {
    const m = selectivityMatrix(["a", "b"], (ablated, tested) => (ablated === "a" && tested === "b" ? 0.3 : null));
    expect(m).toEqual([
      [null, 0.3],
      [null, null],
    ]);
  });
});
