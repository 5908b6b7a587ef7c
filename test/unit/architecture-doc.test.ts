import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error eslint.config.js is plain JavaScript without types
import { LAYERS } from "../../eslint.config.js";

/** ARCHITECTURE.md's layer table says what the code and the lint rule do. */
const ROOT = join(import.meta.dirname, "..", "..");
const doc = readFileSync(join(ROOT, "ARCHITECTURE.md"), "utf8");
const rows = [...doc.matchAll(/^\| `src\/([a-z]+)\/` \| (.+?) \| (.+?) \|$/gm)].map((m) => ({
  folder: m[1]!,
  owns: m[2]!,
  imports: m[3] === "(nothing)" ? [] : m[3]!.split(", "),
}));

describe("ARCHITECTURE.md agrees with the code", () => {
  it("lists every folder of src/, each once, with what it owns", () => {
    const folders = readdirSync(join(ROOT, "src")).filter((f) => statSync(join(ROOT, "src", f)).isDirectory());
    expect(rows.map((r) => r.folder).sort()).toEqual(folders.sort());
    for (const r of rows) expect(r.owns.length).toBeGreaterThan(20);
  });

  it("says, top to bottom, what each layer may import, as the lint rule enforces it", () => {
    expect(Object.fromEntries(rows.map((r) => [r.folder, r.imports]))).toEqual(LAYERS);
    expect(rows.map((r) => r.folder)).toEqual(Object.keys(LAYERS as Record<string, string[]>));
  });
});
