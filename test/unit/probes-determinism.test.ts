import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_PROBE_SEED, generateAbilitySplits, generateProbeFiles } from "../../src/probes/generate.js";
import { GENERATORS } from "../../src/probes/generators/index.js";
import { defaultProbesDir } from "../../src/probes/paths.js";

describe("probe generation is deterministic", () => {
  const first = generateProbeFiles(DEFAULT_PROBE_SEED);

  it("generating twice gives identical bytes", () => {
    const second = generateProbeFiles(DEFAULT_PROBE_SEED);
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [path, content] of first) expect(second.get(path), path).toBe(content);
  });

  it("the committed files equal a fresh generation with the manifest's seed", () => {
    const manifest = JSON.parse(readFileSync(join(defaultProbesDir(), "manifest.json"), "utf8")) as { seed: number };
    expect(manifest.seed).toBe(DEFAULT_PROBE_SEED);
    for (const [path, content] of first) {
      expect(readFileSync(join(defaultProbesDir(), path), "utf8") === content, `${path} differs from a fresh generation`).toBe(true);
    }
  });

  it("a different seed changes the items of every ability", () => {
    for (const generator of GENERATORS) {
      const a = generateAbilitySplits(generator, DEFAULT_PROBE_SEED);
      const b = generateAbilitySplits(generator, DEFAULT_PROBE_SEED + 1);
      const questions = (s: typeof a) => new Set(s.train.map((i) => `${i.context ?? ""}|${i.question}`));
      const qa = questions(a);
      const shared = [...questions(b)].filter((q) => qa.has(q)).length;
      // Knowledge questions come from a finite table and some templates have small spaces
      // (squares, letters), so some overlap is expected; most items still change.
      expect(shared, generator.ability).toBeLessThan(a.train.length * (generator.ability === "knowledge-recall" ? 0.9 : 0.5));
      expect(JSON.stringify(b.test)).not.toBe(JSON.stringify(a.test));
    }
  });
});
