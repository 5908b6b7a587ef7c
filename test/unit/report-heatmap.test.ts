import { describe, expect, it } from "vitest";
import { aisHeatmap, type HeatCell } from "../../src/report/charts/heatmap.js";

function render(cell: HeatCell): string {
  return String(aisHeatmap({ id: "t", rows: [{ label: "bench" }], columns: [{ label: "ability" }], cell: () => cell, legend: false }));
}

describe("AIS heatmap cells", () => {
  it("colours a cell with a bounded interval and prints the interval", () => {
    const out = render({ ais: 0.4, ci: [0.2, 0.6], dependence: "depends", tooltip: "x" });
    expect(out).toContain("[0.20, 0.60]");
    expect(out).not.toContain("unbounded");
    expect(out).not.toContain("url(#t-hatch)");
  });

  it("hatches a cell whose interval is unbounded and marks it † as report.md does", () => {
    const out = render({ ais: 0.4, ci: null, dependence: "none", tooltip: "base score near chance" });
    expect(out).toContain("unbounded †");
    expect(out).toMatch(/class="cell none unbounded"><rect[^>]*fill="url\(#[^"]*hatch[^"]*\)"/);
  });

  it("hatches an undefined cell with n/a", () => {
    const out = render({ ais: null, ci: null, dependence: "none", tooltip: "no" });
    expect(out).toContain(">n/a<");
  });
});
