import { describe, expect, it } from "vitest";
import { BprofError } from "../../src/errors.js";
import { resolveProfileOptions } from "../../src/profile/run-options.js";
import { DEFAULT_CONTRAST } from "../../src/profile/defaults.js";
import type { Preset } from "../../src/profile/presets.js";

describe("profile options", () => {
  it("default to the answer-only loss, the evidence's contrast, the gate and a fixed template date", () => {
    const o = resolveProfileOptions({ out: "/tmp/x" });
    expect(o.lossScope).toBe("answer");
    expect(o.contrast).toBe(DEFAULT_CONTRAST);
    expect(o.gate).toBe(true);
    expect(o.gateMargin).toBe(0.05);
    expect(o.templateDate).toBe("2024-07-26");
    expect(o.preset).toBeNull();
    expect(o.method).toBe("top");
    expect(o.ks).toEqual([4e-2]); // the best k of the organism's options table (docs/method.md, step 2)
    // Its best row also chose these (docs/method.md, contrast).
    expect(o.contrast).toBe("difference");
    expect(o.aggregate).toBe("abs-sum");
  });

  it("profiles one ability without a contrast, and refuses a contrast asked for with one ability", () => {
    expect(resolveProfileOptions({ out: "/tmp/x", abilities: ["deductive"] }).contrast).toBe("none");
    expect(resolveProfileOptions({ out: "/tmp/x", abilities: ["deductive", "spatial"] }).contrast).toBe("difference");
    expect(resolveProfileOptions({ out: "/tmp/x", abilities: ["deductive"], contrast: "none" }).contrast).toBe("none");
    expect(() => resolveProfileOptions({ out: "/tmp/x", abilities: ["deductive"], contrast: "ratio" })).toThrow(
      /--contrast ratio needs at least two abilities .*got only deductive/,
    );
  });

  it("--preset paper sets every choice of the original authors, and options given beside it win", () => {
    const paper = resolveProfileOptions({ out: "/tmp/x", preset: "paper" });
    expect(paper.lossScope).toBe("full");
    expect(paper.aggregate).toBe("signed-sum");
    expect(paper.score).toBe("taylor");
    expect(paper.method).toBe("chunked");
    expect(paper.contrast).toBe("none");
    expect(paper.controls).toEqual({ bottom: true, randomSeeds: [0, 1, 2] });
    expect(paper.ks).toEqual([1e-5, 4e-5, 1.6e-4, 6.4e-4, 2.56e-3, 1.024e-2]);
    expect(paper.preset).toBe("paper");
    const mixed = resolveProfileOptions({ out: "/tmp/x", preset: "paper", ks: [1e-2], lossScope: undefined, method: "top" });
    expect(mixed.ks).toEqual([1e-2]);
    expect(mixed.method).toBe("top");
    expect(mixed.lossScope).toBe("full");
  });

  it("rejects an unknown preset, contrast or gate margin", () => {
    expect(() => resolveProfileOptions({ out: "/tmp/x", preset: "nope" as Preset })).toThrow(BprofError);
    expect(() => resolveProfileOptions({ out: "/tmp/x", contrast: "both" as "ratio" })).toThrow(/unknown contrast/);
    expect(() => resolveProfileOptions({ out: "/tmp/x", gateMargin: 1.5 })).toThrow(/gate margin/);
  });
});
