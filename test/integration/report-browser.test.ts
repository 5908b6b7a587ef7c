import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
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

async function openInChromium<T>(file: string, visit: (page: import("playwright-core").Page, problems: string[]) => Promise<T>): Promise<T> {
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
      expect(await page.locator("#bars-5 svg.bars").count()).toBe(6);
      expect(await page.locator("#heatmap-5 g.cell.undefined").count()).toBe(5);

      // The script-laden benchmark name is shown as text and never ran.
      expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
      expect(await page.locator("script").count()).toBe(0);
      expect(await page.locator("img").count()).toBe(0);
      expect(await page.locator("#heatmap-5 svg text title", { hasText: XSS_NAME }).count()).toBeGreaterThan(0);
      expect(await page.locator("#bars-5").textContent()).toContain("evil<script>window.__xss=1</script>");

      await page.click('label[for="view-radio-2"]');
      await page.screenshot({ path: join(ARTIFACTS, "report-top.png") });
      await page.screenshot({ path: join(ARTIFACTS, "report-full.png"), fullPage: true });
      expect(problems).toEqual([]);
    });
    console.log(`[report-browser] screenshots in ${ARTIFACTS}`);
  });

  it("opens the compare page the same way", async () => {
    const other = computeProfile(syntheticProfileInput({ seed: 7 }));
    const compareFile = join(dir, "compare.html");
    writeFileAtomic(
      compareFile,
      renderCompareHtml(compareProfiles([{ label: "run <a>", profile }, { label: "run-b", profile: other }], { variants: ["mlp"], ks: [1e-2] })),
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
