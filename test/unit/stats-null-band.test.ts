import { describe, expect, it } from "vitest";
import { classifyDependence, nullBand } from "../../src/stats/null-band.js";

describe("null band", () => {
  it("is the hull of the random controls' intervals and estimates", () => {
    const band = nullBand([
      { ais: 0.02, ais_ci: [-0.05, 0.08] },
      { ais: -0.01, ais_ci: [-0.09, 0.04] },
      { ais: 0.11, ais_ci: [0.06, 0.1] }, // estimate outside its own interval still counts
    ]);
    expect(band).toEqual({ lower: -0.09, upper: 0.11, n_seeds: 3 });
  });

  it("ignores undefined controls and is null without any", () => {
    expect(
      nullBand([
        { ais: null, ais_ci: null },
        { ais: 0.1, ais_ci: null },
        { ais: 0, ais_ci: [-0.1, 0.2] },
      ]),
    ).toEqual({
      lower: -0.1,
      upper: 0.2,
      n_seeds: 1,
    });
    expect(nullBand([])).toBeNull();
    expect(nullBand([{ ais: null, ais_ci: null }])).toBeNull();
  });

  it("flags only intervals that clear the band", () => {
    const band = { lower: -0.1, upper: 0.1, n_seeds: 3 };
    expect(classifyDependence([0.15, 0.6], band)).toBe("depends");
    expect(classifyDependence([-0.5, -0.2], band)).toBe("interferes");
    expect(classifyDependence([0.05, 0.6], band)).toBe("none");
    expect(classifyDependence([0.1, 0.6], band)).toBe("none"); // touching is not clearing
    expect(classifyDependence([-0.3, 0.3], band)).toBe("none");
  });

  it("needs the interval to clear 0 as well when the band lies on one side of it", () => {
    const costly = { lower: 0.02, upper: 0.08, n_seeds: 3 };
    expect(classifyDependence([0, 0], costly)).toBe("none"); // no effect, though below the band
    expect(classifyDependence([-0.2, -0.01], costly)).toBe("interferes");
    const helpful = { lower: -0.08, upper: -0.02, n_seeds: 3 };
    expect(classifyDependence([0, 0.01], helpful)).toBe("none");
    expect(classifyDependence([0.01, 0.2], helpful)).toBe("depends");
  });
});
