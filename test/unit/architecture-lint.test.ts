import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

/**
 * `npm run lint` keeps the layers of ARCHITECTURE.md: these lint a real file of src/ with one
 * import added (the text is linted in memory, nothing is written) and expect the rule that
 * forbids it. The tree itself passing is `npm run lint`.
 */
const ROOT = join(import.meta.dirname, "..", "..");
const eslint = new ESLint({ cwd: ROOT });

async function ruleIdsWith(file: string, addedImport: string): Promise<string[]> {
  const text = `${addedImport}\n${readFileSync(join(ROOT, file), "utf8")}`;
  const [result] = await eslint.lintText(text, { filePath: join(ROOT, file) });
  const messages = result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
  return messages;
}

describe("lint keeps the layers", () => {
  it("passes on the files as they are", async () => {
    expect(await ruleIdsWith("src/stats/ais.ts", "")).toEqual([]);
  });

  it("fails on an upward import (statistics importing the reports)", async () => {
    const messages = await ruleIdsWith("src/stats/ais.ts", 'import "../report/write-reports.js";');
    expect(messages.some((m) => m.startsWith("import-x/no-restricted-paths:") && m.includes("src/stats may import only src/util"))).toBe(
      true,
    );
  });

  it("fails on the model importing the orchestration", async () => {
    const messages = await ruleIdsWith("src/model/rope.ts", 'import "../profile/run-profile.js";');
    expect(messages.some((m) => m.startsWith("import-x/no-restricted-paths:") && m.includes("src/model may import only"))).toBe(true);
  });

  it("fails on an import cycle inside one layer (native → tensor → native)", async () => {
    const messages = await ruleIdsWith("src/engine/native.ts", 'import "./tensor.js";');
    expect(messages.some((m) => m.startsWith("import-x/no-cycle"))).toBe(true);
  });

  it("fails on a cycle between two layers' files (masks → profile → masks)", async () => {
    const messages = await ruleIdsWith("src/masks/mask.ts", 'import "../profile/run-profile.js";');
    expect(messages.some((m) => m.startsWith("import-x/no-cycle"))).toBe(true);
    expect(messages.some((m) => m.startsWith("import-x/no-restricted-paths:"))).toBe(true);
  });
});
