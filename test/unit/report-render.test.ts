import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { computeProfile } from "../../src/stats/compute-profile.js";
import { ProfileSchema } from "../../src/stats/profile-schema.js";
import { CSV_COLUMNS, renderProfileCsv } from "../../src/report/csv.js";
import { renderProfileHtml } from "../../src/report/html-report.js";
import { escapeMarkdown, renderProfileMarkdown } from "../../src/report/markdown-report.js";
import { writeProfileReports } from "../../src/report/write-reports.js";
import { syntheticProfileInput, XSS_NAME } from "../helpers/synthetic-profile.js";

/** RFC 4180 parser, enough to read back what the CSV writer produced. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  return rows;
}

describe("reports from a synthetic profile", () => {
  const profile = ProfileSchema.parse(JSON.parse(JSON.stringify(computeProfile(syntheticProfileInput()))));
  const views = 6;

  it("writes profile.csv, report.md and report.html", () => {
    const dir = mkdtempSync(join(tmpdir(), "bprof-report-"));
    const written = writeProfileReports(profile, dir);
    expect(written.map((p) => p.slice(dir.length + 1))).toEqual(["profile.csv", "slices.csv", "report.md", "report.html"]);
    expect(readFileSync(join(dir, "report.html"), "utf8")).toBe(renderProfileHtml(profile));
  });

  it("escapes every text from data in the HTML and loads nothing from outside", () => {
    const page = renderProfileHtml(profile);
    expect(/<script/i.exec(page)?.[0]).toBeUndefined();
    expect(/<img/i.exec(page)?.[0]).toBeUndefined();
    expect(page.includes("evil&lt;script&gt;window.__xss=1&lt;/script&gt;")).toBe(true);
    expect(page.includes("Commonsense &amp; causal &lt;reasoning&gt;")).toBe(true);
    const urls = page.match(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'<)]*/gi) ?? [];
    expect(new Set(urls)).toEqual(new Set(["http://www.w3.org/2000/svg"]));
    // No element has a src or href attribute (attribute values are skipped as quoted strings).
    expect(/<[a-z]+(\s+[a-z-]+="[^"]*")*\s+(src|href)=/i.exec(page)?.[0]).toBeUndefined();
    expect(page.includes("Content-Security-Policy")).toBe(true);
  });

  it("has every chart, for every (variant, k) view", () => {
    const page = renderProfileHtml(profile);
    for (let i = 0; i < views; i++) {
      for (const chart of ["heatmap", "flow", "bars", "selectivity", "overlap", "layer-map"])
        expect(page.includes(`id="${chart}-${i}"`)).toBe(true);
    }
    expect(page.includes('id="ais-vs-k-0"')).toBe(true);
    expect(page.includes('id="ais-vs-k-1"')).toBe(true);
    expect(page.includes('id="heatmap-6"')).toBe(false);
    expect(/NaN|Infinity|>undefined<|>null</.exec(page)?.[0]).toBeUndefined();
  });

  it("draws no flow ribbon for a cell whose interval is unbounded, and hatches it in the heatmap", () => {
    const ribbons = (page: string) => page.split('class="ribbon').length - 1;
    const altered = structuredClone(profile);
    const cell = altered.cells.find((c) => c.control === "none" && c.ais !== null && c.ais >= 0.1 && c.ais_ci !== null)!;
    expect(cell).toBeDefined();
    const before = renderProfileHtml(altered);
    cell.ais_ci = null;
    const after = renderProfileHtml(altered);
    expect(ribbons(after)).toBe(ribbons(before) - 1);
    expect(after.split("unbounded †").length).toBe(before.split("unbounded †").length + 1);
  });

  it("explains undefined cells in the HTML and the Markdown", () => {
    const reason = profile.cells.find((c) => c.benchmark === "winogrande-near-chance" && c.control === "none")!.undefined_reason!;
    expect(reason).toMatch(/near chance/);
    expect(renderProfileHtml(profile).includes(reason.replace(/&/g, "&amp;").replace(/</g, "&lt;"))).toBe(true);
    const md = renderProfileMarkdown(profile);
    expect(md.includes(`† winogrande-near-chance × Contextual recall (mlp, k = 1e-4): ${escapeMarkdown(reason)}`)).toBe(true);
  });

  it("writes Markdown with escaped names and well-formed tables", () => {
    const md = renderProfileMarkdown(profile);
    expect(/<script/i.exec(md)?.[0]).toBeUndefined();
    expect(md.includes(escapeMarkdown(XSS_NAME))).toBe(true);
    // Every table row of a table has as many unescaped cell separators as its header.
    const tables = md.split(/\n\n/).filter((block) => block.startsWith("| "));
    expect(tables.length).toBeGreaterThan(10);
    for (const t of tables) {
      const counts = t
        .trim()
        .split("\n")
        .map((line) => line.replace(/\\\|/g, "").split("|").length);
      expect(new Set(counts).size).toBe(1);
    }
    expect(/\*\*0\.\d\d\*\* \[0\.\d\d, 0\.\d\d\] ▲/.test(md)).toBe(true);
  });

  it("writes one CSV row per cell that reads back to the profile's numbers", () => {
    const rows = parseCsv(renderProfileCsv(profile));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows.length).toBe(profile.cells.length + 1);
    const col = (name: (typeof CSV_COLUMNS)[number]): number => CSV_COLUMNS.indexOf(name);
    rows.slice(1).forEach((row, i) => {
      const cell = profile.cells[i]!;
      expect(row.length).toBe(CSV_COLUMNS.length);
      expect(row[col("benchmark")]).toBe(cell.benchmark);
      expect(row[col("ais")]).toBe(cell.ais === null ? "" : String(cell.ais));
      expect(row[col("ais_lower")]).toBe(cell.ais_ci === null ? "" : String(cell.ais_ci[0]));
      expect(row[col("dependence")]).toBe(cell.dependence);
    });
    expect(rows.some((r) => r[col("benchmark")] === XSS_NAME)).toBe(true);
  });

  it("renders identically twice (reports are a pure function of profile.json)", () => {
    expect(renderProfileHtml(profile)).toBe(renderProfileHtml(structuredClone(profile)));
    expect(renderProfileMarkdown(profile)).toBe(renderProfileMarkdown(structuredClone(profile)));
  });

  it("renders a profile without self-profile, masks or random controls", () => {
    const input = syntheticProfileInput({ selfProfile: false, kValues: [1e-3] });
    input.ablated = input.ablated.filter((a) => a.control !== "random");
    input.masks = [];
    const bare = computeProfile(input);
    expect(bare.cells.every((c) => c.dependence === "untested" || c.dependence === "not-possessed")).toBe(true);
    const page = renderProfileHtml(bare);
    expect(page.includes('id="heatmap-0"')).toBe(true);
    expect(page.includes('id="selectivity-0"')).toBe(false);
    expect(page.includes('id="layer-map-0"')).toBe(false);
    // One k makes no curve: no AIS-versus-k panels at all.
    expect(page.includes('id="ais-vs-k"')).toBe(false);
  });
});
