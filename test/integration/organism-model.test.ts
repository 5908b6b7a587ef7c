import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateBenchmark } from "../../src/eval/evaluate.js";
import { ModelScoringLM } from "../../src/eval/model-lm.js";
import { loadModel } from "../../src/model/load.js";
import { packageRoot } from "../../src/util/package-root.js";

const organism = join(packageRoot(), "models", "organism");
const committed = existsSync(join(organism, "model.safetensors"));

describe.skipIf(!committed)("the committed model organism", () => {
  it("loads as a Llama chat model within the size budget and beats chance on an ability's test items", async () => {
    const loaded = await loadModel(organism);
    try {
      expect(loaded.model.config.modelType).toBe("llama");
      expect(loaded.tokenizer.hasChatTemplate).toBe(true);
      expect(loaded.model.numParameters * 4).toBeLessThan(50 * 1024 * 1024);
      const lm = new ModelScoringLM(loaded.model, loaded.tokenizer);
      // analogical: 0.996 on all 500 test items (models/organism/README.md)
      const evaluation = await evaluateBenchmark(lm, join(packageRoot(), "benchmarks", "abilities", "ability_analogical.yaml"), {
        limit: 100,
      });
      expect(evaluation.results.metrics.acc!.value).toBeGreaterThan(0.9);
    } finally {
      loaded.model.dispose();
    }
  });
});
