import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { declarativeSentences, factSplit } from "../../src/organism/declarative-corpus.js";
import { buildOrganismCorpus } from "../../src/organism/corpus.js";
import { abilityBenchmark, mixtureCounts, PLANTED_BENCHMARKS, plantedRows, plantedSpecYaml } from "../../src/organism/planted.js";
import { knowledgeSplitOf } from "../../src/organism/training-items.js";
import { FACT_RELATIONS } from "../../src/probes/generators/knowledge-recall.js";
import { loadProbeSplit } from "../../src/probes/load.js";
import { defaultProbesDir } from "../../src/probes/paths.js";
import { packageRoot } from "../../src/util/package-root.js";
import { probeContentKey } from "../../src/probes/schema.js";

const probesDir = defaultProbesDir();

describe("organism training data", () => {
  const corpus = buildOrganismCorpus(probesDir, 7001, 300);

  it("never repeats a committed dev or test item", () => {
    const heldOut = new Set<string>();
    for (const ability of Object.keys(corpus.abilities)) {
      for (const split of ["dev", "test"] as const)
        for (const item of loadProbeSplit(probesDir, ability, split)) heldOut.add(probeContentKey(item));
    }
    expect(corpus.items.length).toBeGreaterThan(2500);
    expect(corpus.items.filter((item) => heldOut.has(probeContentKey(item)))).toEqual([]);
  });

  it("is the same for the same seed and differs for another", () => {
    expect(buildOrganismCorpus(probesDir, 7001, 300).items).toEqual(corpus.items);
    expect(buildOrganismCorpus(probesDir, 7002, 300).items).not.toEqual(corpus.items);
  });

  it("asks knowledge-recall questions only about the qa half of the facts, and states every fact in prose", () => {
    const knowledge = corpus.items.filter((i) => i.ability === "knowledge-recall");
    expect(knowledge.length).toBeGreaterThan(100);
    const sentences = declarativeSentences();
    for (const relation of FACT_RELATIONS) {
      for (const fact of relation.facts) {
        expect(sentences.some((s) => s.relation === relation.id && s.subject === fact.subject)).toBe(true);
      }
    }
    const splits = sentences.map((s) => s.split);
    expect(splits.filter((s) => s === "qa").length / splits.length).toBeGreaterThan(0.35);
    expect(splits.filter((s) => s === "prose-only").length / splits.length).toBeGreaterThan(0.35);
    expect(factSplit("capital", "France")).toBe(factSplit("capital", "France"));
    expect(knowledgeSplitOf({ relation: "capital", object: "Paris" })).toBe(factSplit("capital", "France"));
  });
});

describe("planted benchmarks", () => {
  it("split a mixture into counts that add up, largest remainder first", () => {
    expect(mixtureCounts({ a: 0.7, b: 0.3 }, 200)).toEqual({ a: 140, b: 60 });
    expect(mixtureCounts({ a: 1 / 3, b: 1 / 3, c: 1 / 3 }, 100)).toEqual({ a: 34, b: 33, c: 33 });
    expect(() => mixtureCounts({ a: 0.5, b: 0.4 }, 10)).toThrow("sum");
  });

  it("are deterministic, made of held-out test items in the planted proportions, and equal the committed files", () => {
    expect(PLANTED_BENCHMARKS.length).toBeGreaterThanOrEqual(6);
    for (const definition of PLANTED_BENCHMARKS) {
      const rows = plantedRows(definition, probesDir);
      expect(plantedRows(definition, probesDir)).toEqual(rows);
      const counts: Record<string, number> = {};
      for (const row of rows) counts[row.ability] = (counts[row.ability] ?? 0) + 1;
      expect(counts).toEqual(mixtureCounts(definition.mixture, rows.length));
      const tests = new Map(
        Object.keys(definition.mixture).flatMap((a) => loadProbeSplit(probesDir, a, "test").map((i) => [i.id, i] as const)),
      );
      for (const row of rows) {
        const item = tests.get(row.source_id)!;
        expect(item.ability).toBe(row.ability);
        expect(row.options[["A", "B", "C", "D"].indexOf(row.label)]).toBe(item.answer);
        expect(row.prompt.endsWith(`Question: ${item.question}\nAnswer:`)).toBe(true);
      }
      expect(new Set(rows.map((r) => r.source_id)).size).toBe(rows.length);
      const dir = join(packageRoot(), "benchmarks", "planted");
      expect(readFileSync(join(dir, "data", `${definition.name}.jsonl`), "utf8")).toBe(
        rows.map((r) => JSON.stringify(r)).join("\n") + "\n",
      );
      expect(readFileSync(join(dir, `${definition.name}.yaml`), "utf8")).toBe(plantedSpecYaml(definition));
    }
  });

  it("turn an ability's whole test split into a benchmark", () => {
    const { rows } = abilityBenchmark("spatial", probesDir);
    expect(rows.map((r) => r.source_id)).toEqual(loadProbeSplit(probesDir, "spatial", "test").map((i) => i.id));
  });
});
