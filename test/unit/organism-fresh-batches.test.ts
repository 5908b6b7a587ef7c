import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { HfTokenizer } from "../../src/model/tokenizer/hf-tokenizer.js";
import { devTestExclusions, FreshBatches, mixture } from "../../src/organism/fresh-batches.js";
import { binding, numberSequence, tokenCopy, wordCopy, type DrillVocab } from "../../src/organism/in-context-drills.js";
import { ORGANISM_SPECIAL_TOKENS } from "../../src/organism/tokenizer-files.js";
import { GENERATORS, generatorFor } from "../../src/probes/generators/index.js";
import { packageRoot } from "../../src/util/package-root.js";
import { Rng } from "../../src/util/prng.js";
import { probeContentKey } from "../../src/probes/schema.js";
import { drawTrainingItem } from "../../src/organism/training-items.js";

let vocab: DrillVocab;
beforeAll(async () => {
  const tokenizer = await HfTokenizer.fromDirectory(join(packageRoot(), "models", "organism"));
  vocab = {
    tokenizer,
    firstPlainId: ORGANISM_SPECIAL_TOKENS.length,
    words: ["Ruth", "lizard", "Oslo", "12"],
    contextual: generatorFor("contextual-recall")!,
  };
});

const weighted = (e: { inputIds: number[]; weights: number[] }) => e.inputIds.filter((_, t) => e.weights[t]! > 0);

describe("in-context drills", () => {
  it("copies weigh exactly the repeated half, at a varying offset", () => {
    const rng = new Rng("test-copy");
    const lengths = new Set<number>();
    for (let i = 0; i < 50; i++) {
      const e = tokenCopy(rng, vocab);
      const n = (e.inputIds.length - 2) / 2;
      lengths.add(n);
      expect(e.inputIds.slice(1, n + 1)).toEqual(e.inputIds.slice(n + 2));
      expect(weighted(e)).toEqual(e.inputIds.slice(n + 2));
      expect(Math.min(...e.inputIds.slice(1, n + 1))).toBeGreaterThanOrEqual(ORGANISM_SPECIAL_TOKENS.length);
      const w = wordCopy(rng, vocab);
      expect(vocab.tokenizer.decode(weighted(w))).toBe(vocab.tokenizer.decode(w.inputIds).split("\n")[1]);
    }
    expect(lengths.size).toBeGreaterThan(10);
    const bytes = Array.from({ length: 50 }, () => tokenCopy(rng, vocab, { alphabet: "bytes" }).inputIds.slice(1, -1));
    expect(Math.max(...bytes.flat().filter((id) => id !== vocab.tokenizer.eosId))).toBeLessThan(ORGANISM_SPECIAL_TOKENS.length + 256);
  });

  it("binding weighs each fact's value once, at every level", () => {
    const rng = new Rng("test-binding");
    for (let level = 0; level < 4; level++) {
      for (let i = 0; i < 10; i++) {
        const e = binding(rng, vocab, level);
        const text = vocab.tokenizer.decode(e.inputIds);
        const answers = vocab.tokenizer.decode(weighted(e)).trim().split(" ");
        for (const answer of answers) expect(text.split(answer).length - 1).toBeGreaterThanOrEqual(2); // stated, then answered
        if (level === 3) expect(text).toContain("Question:");
      }
    }
  });

  it("number sequences weigh every term after the third", () => {
    const e = numberSequence(new Rng("test-seq"), vocab);
    const terms = vocab.tokenizer.decode(e.inputIds).split(", ");
    expect(vocab.tokenizer.decode(weighted(e))).toBe(`, ${terms.slice(3).join(", ")}`);
  });
});

describe("fresh batches", () => {
  it("are a pure function of the step, full rows, and new every step", () => {
    const source = new FreshBatches(vocab, devTestExclusions(join(packageRoot(), "probes")), ["Oslo is the capital of Norway."], 0, {
      seed: 1,
      steps: 100,
      batchSize: 4,
      sequenceLength: 128,
      promptWeight: 0.1,
    });
    const a = source.rows(7);
    expect(a).toHaveLength(4);
    for (const row of a) expect(row.inputIds).toHaveLength(128);
    expect(source.rows(7)).toEqual(a);
    expect(source.rows(8)).not.toEqual(a);
  });

  it("never draw a committed dev or test item", () => {
    const exclusions = devTestExclusions(join(packageRoot(), "probes"));
    for (const g of GENERATORS) {
      const rng = new Rng(`test-exclusion:${g.ability}`);
      const exclude = exclusions.get(g.ability)!;
      let collisions = 0;
      for (let i = 0; i < 300; i++) {
        const item = drawTrainingItem(g, rng, exclude, "x");
        if (item === "collision") collisions++;
        else if (item !== "skipped") expect(exclude.has(probeContentKey(item))).toBe(false);
      }
      expect(collisions).toBeLessThan(300);
    }
  });

  it("the curriculum grows the binding gap and keeps every kind in the mix", () => {
    expect(mixture(0).bindingLevel).toBe(0);
    expect(mixture(0.1).bindingLevel).toBe(0);
    expect(mixture(0.2).bindingLevel).toBe(1);
    expect(mixture(0.35).bindingLevel).toBe(3);
    expect(mixture(0).copyAlphabet).toBe("bytes");
    expect(mixture(0.5).copyAlphabet).toBe("mixed");
    for (const p of [0, 0.5, 1]) for (const w of Object.values(mixture(p).weights)) expect(w).toBeGreaterThan(0);
  });
});
