import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic-write.js";
import type { Profile } from "../stats/profile-schema.js";
import { renderProfileCsv, renderSlicesCsv } from "./csv.js";
import { DEFAULT_REPORT_OPTIONS, renderProfileHtml, type ReportOptions } from "./html-report.js";
import { renderProfileMarkdown } from "./markdown-report.js";

/**
 * Render every report before writing any, then write each atomically: a failure leaves the
 * previous reports in place rather than a mix of old and new.
 */
export function writeProfileReports(profile: Profile, outDir: string, options: ReportOptions = DEFAULT_REPORT_OPTIONS): string[] {
  const rendered: [string, string][] = [
    ["profile.csv", renderProfileCsv(profile)],
    ["slices.csv", renderSlicesCsv(profile)],
    ["report.md", renderProfileMarkdown(profile)],
    ["report.html", renderProfileHtml(profile, options)],
  ];
  return rendered.map(([name, text]) => {
    const path = join(outDir, name);
    writeFileAtomic(path, text);
    return path;
  });
}
