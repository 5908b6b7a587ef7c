import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { computeProfile } from "../../src/stats/compute-profile.js";
import { writeProfileReports } from "../../src/report/write-reports.js";
import { renderCompareHtml } from "../../src/report/compare-report.js";
import { compareProfiles } from "../../src/report/compare.js";
import { writeFileAtomic } from "../../src/util/atomic-write.js";
import { loadProfile } from "../../src/report/load-profile.js";
import { syntheticProfileInput, XSS_NAME } from "../helpers/synthetic-profile.js";

const CHROMIUM = process.env.BPROF_CHROMIUM ?? "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[skip] report in headless Chromium: ${CHROMIUM} is absent (apt-get install -y chromium)`);

/** Screenshots land here for a person to look at (the repo's ignored /tmp/). */
const ARTIFACTS = resolve(import.meta.dirname, "../../tmp/artifacts/report-browser");

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

async function openInChromium<T>(
  file: string,
  visit: (page: import("playwright-core").Page, problems: string[]) => Promise<T>,
): Promise<T> {
  const userDataDir = mkdtempSync(join(tmpdir(), "bprof-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1400, height: 1000 },
  });
  try {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("request", (r) => {
      if (!r.url().startsWith("file:")) problems.push(`request: ${r.url()}`);
    });
    page.on("requestfailed", (r) => problems.push(`failed request: ${r.url()}`));
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    return await visit(page, problems);
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

/**
 * Every label drawn whole: no text of a chart reaches outside its SVG, no chart is wider than
 * its figure (which would hide its right side behind a scroll bar), and no text is shortened
 * with an ellipsis. Returns one line per problem.
 */
async function clippedLabels(page: import("playwright-core").Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    for (const chart of Array.from(document.querySelectorAll("svg.chart"))) {
      const box = chart.getBoundingClientRect();
      if (box.width === 0) continue; // a hidden view
      const figure = chart.closest("figure");
      const where = `${figure?.id ?? "?"}`;
      // The figure's padding is 20 px on each side: a wider chart scrolls, hiding its right side.
      if (figure && chart.getBoundingClientRect().width > figure.clientWidth - 40 + 0.5) {
        problems.push(`${where}: chart ${Math.round(box.width)} px wide in a ${figure.clientWidth} px figure`);
      }
      for (const text of Array.from(chart.querySelectorAll("text"))) {
        const t = text.getBoundingClientRect();
        const content = text.textContent ?? "";
        if (content.includes("…")) problems.push(`${where}: shortened label "${content}"`);
        if (t.width === 0) continue;
        if (t.left < box.left - 1 || t.right > box.right + 1 || t.top < box.top - 1 || t.bottom > box.bottom + 1) {
          problems.push(`${where}: "${content.slice(0, 60)}" reaches outside its chart`);
        }
      }
    }
    return problems;
  });
}

describe.skipIf(!hasChromium)("report.html in headless Chromium", () => {
  const profile = computeProfile(syntheticProfileInput());
  const dir = mkdtempSync(join(tmpdir(), "bprof-report-browser-"));
  writeProfileReports(profile, dir);
  const reportFile = join(dir, "report.html");
  mkdirSync(ARTIFACTS, { recursive: true });

  it("opens without console errors, with every chart present and drawn, and no injected script", async () => {
    await openInChromium(reportFile, async (page, problems) => {
      const charts = ["heatmap", "flow", "bars", "selectivity", "overlap", "layer-map"];
      for (let view = 0; view < 6; view++) {
        await page.click(`label[for="view-radio-${view}"]`);
        for (const chart of charts) {
          const box = await page.locator(`#${chart}-${view} svg`).first().boundingBox();
          expect(box, `${chart}-${view}`).not.toBeNull();
          expect(box!.width).toBeGreaterThan(200);
          expect(box!.height).toBeGreaterThan(100);
        }
        // Only the chosen view is shown.
        const otherView = (view + 1) % 6;
        expect(await page.locator(`#heatmap-${otherView}`).isVisible()).toBe(false);
      }
      for (const id of ["ais-vs-k-0", "ais-vs-k-1", "undefined", "method"]) expect(await page.locator(`#${id}`).isVisible()).toBe(true);
      // The near-chance benchmark left the charts for the summary's note.
      expect(await page.locator("#bars-5 svg.bars").count()).toBe(5);
      expect(await page.locator("#heatmap-5 g.cell.undefined").count()).toBe(0);
      expect(await page.locator("#summary").textContent()).toContain("winogrande-near-chance");
      // The not-possessed ability is grey in the heatmap and never a dependence.
      expect(await page.locator("#heatmap-5 g.cell.not-possessed").count()).toBe(5);
      expect(await page.locator("#heatmap-5 g.cell.depends").count()).toBeGreaterThan(0);

      // The script-laden benchmark name is shown as text and never ran.
      expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
      expect(await page.locator("script").count()).toBe(0);
      expect(await page.locator("img").count()).toBe(0);
      expect(await page.locator("#heatmap-5 svg text", { hasText: XSS_NAME }).count()).toBeGreaterThan(0);
      expect(await page.locator("#bars-5").textContent()).toContain("evil<script>window.__xss=1</script>");

      for (let view = 0; view < 6; view++) {
        await page.click(`label[for="view-radio-${view}"]`);
        expect(await clippedLabels(page), `view ${view}`).toEqual([]);
      }
      await page.click('label[for="view-radio-2"]');
      await page.screenshot({ path: join(ARTIFACTS, "report-top.png") });
      await page.screenshot({ path: join(ARTIFACTS, "report-full.png"), fullPage: true });
      expect(problems).toEqual([]);
    });
    console.log(`[report-browser] screenshots in ${ARTIFACTS}`);
  });

  // A real run's profile (e.g. runs/validate-organism/profile.json): BPROF_REPORT_PROFILE=path npx vitest run this file.
  const real = process.env.BPROF_REPORT_PROFILE;
  it.skipIf(real === undefined)("draws a real profile whole at 1400 px", async () => {
    const realDir = mkdtempSync(join(tmpdir(), "bprof-report-real-"));
    writeProfileReports(loadProfile(real!), realDir);
    await openInChromium(join(realDir, "report.html"), async (page, problems) => {
      expect(await clippedLabels(page)).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, "real-top.png") });
      await page.screenshot({ path: join(ARTIFACTS, "real-full.png"), fullPage: true });
      // Each figure of the first view on its own, at full resolution, for a person to read.
      for (const id of [
        "summary",
        "heatmap-0",
        "findings-0",
        "flow-0",
        "bars-0",
        "slices-0",
        "selectivity-0",
        "overlap-0",
        "layer-map-0",
      ]) {
        const figure = page.locator(`#${id}`);
        if ((await figure.count()) > 0) await figure.screenshot({ path: join(ARTIFACTS, `real-${id}.png`) });
      }
      expect(problems).toEqual([]);
    });
    console.log(
      `[report-browser] ${readFileSync(join(realDir, "report.md"), "utf8").split("\n").length} lines of report.md; screenshots in ${ARTIFACTS}`,
    );
  });

  it("opens the compare page the same way", async () => {
    const other = computeProfile(syntheticProfileInput({ seed: 7 }));
    const compareFile = join(dir, "compare.html");
    writeFileAtomic(
      compareFile,
      renderCompareHtml(
        compareProfiles(
          [
            { label: "run <a>", profile },
            { label: "run-b", profile: other },
          ],
          { variants: ["mlp"], ks: [1e-2] },
        ),
      ),
    );
    await openInChromium(compareFile, async (page, problems) => {
      for (const id of ["compare-runs", "compare-differences", "compare-heatmap-0", "compare-heatmap-1", "compare-table"]) {
        expect(await page.locator(`#${id}`).isVisible(), id).toBe(true);
      }
      expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
      await page.screenshot({ path: join(ARTIFACTS, "compare-full.png"), fullPage: true });
      expect(problems).toEqual([]);
    });
  });
});
