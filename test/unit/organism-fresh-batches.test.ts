import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { HfTokenizer } from "../../src/model/tokenizer/hf-tokenizer.js";
import { devTestExclusions, FreshBatches, mixture } from "../../src/organism/fresh-batches.js";
import { binding, calendar, numberSequence, tokenCopy, wordCopy, type DrillVocab } from "../../src/organism/in-context-drills.js";
import { contextualQuestions, contextualQuiz, orderOf, orderQuestions, orderQuiz } from "../../src/organism/passage-quizzes.js";
import { spatial } from "../../src/probes/generators/spatial.js";
import { temporal } from "../../src/probes/generators/temporal.js";
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

describe("passage quizzes", () => {
  // The reference is each probe template's own answer: a quiz on a template's passage must ask
  // that template's question and give that template's answer.
  it("ask every contextual-recall template's question with the template's answer", () => {
    const rng = new Rng("test-contextual-quiz");
    for (const template of vocab.contextual.templates) {
      for (let i = 0; i < 20; i++) {
        const draft = template.make(rng, i % 4 === 0 ? "heldout" : "train");
        const qas = contextualQuestions(draft);
        expect(qas, `${template.id}: ${draft.question}`).toContainEqual([draft.question, draft.answer]);
        // No question is asked twice with two answers.
        const answers = new Map<string, string>();
        for (const [q, a] of qas) {
          expect(answers.get(q) ?? a, q).toBe(a);
          answers.set(q, a);
        }
      }
    }
  });

  it("order shelves, stacks and days as the spatial and temporal templates do", () => {
    const rng = new Rng("test-order-quiz");
    const ids = ["shelf-left", "shelf-right", "shelf-next", "stack-top", "stack-bottom"];
    const templates = [
      ...spatial.templates.filter((t) => ids.includes(t.id)),
      ...temporal.templates.filter((t) => t.id.startsWith("order-")),
    ];
    expect(templates).toHaveLength(9);
    for (const template of templates) {
      for (let i = 0; i < 20; i++) {
        const draft = template.make(rng, i % 4 === 0 ? "heldout" : "train");
        expect(orderQuestions(draft), `${template.id}: ${draft.question}`).toContainEqual([draft.question, draft.answer]);
        expect(orderOf(draft.meta.relations as [string, string, string][])).toHaveLength(template.id.startsWith("order") ? 4 : 4);
      }
    }
    expect(() => orderOf([["a", "beside", "b"]])).toThrow(/beside/);
  });

  it("weigh only the answers and fit the row", () => {
    const rng = new Rng("test-quiz-fit");
    for (let i = 0; i < 30; i++) {
      for (const e of [contextualQuiz(rng, vocab, 128), orderQuiz(rng, vocab, 128)]) {
        expect(e.inputIds.length).toBeLessThanOrEqual(128);
        const text = vocab.tokenizer.decode(e.inputIds);
        const answers = text
          .split("\nAnswer: ")
          .slice(1)
          .map((a) => a.split("\n")[0]);
        expect(answers.length).toBeGreaterThanOrEqual(2);
        expect(vocab.tokenizer.decode(weighted(e))).toBe(answers.map((a) => ` ${a}`).join(""));
      }
    }
  });

  it("calendar lines compute clock, weekday, month and year arithmetic", () => {
    const rng = new Rng("test-calendar");
    const lines = Array.from({ length: 40 }, () => vocab.tokenizer.decode(calendar(rng, vocab).inputIds))
      .join("")
      .split(".")
      .map((l) => l.trim())
      .filter(Boolean);
    const days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    let checked = 0;
    for (const line of lines) {
      const weekday = /^(\w+day) ([+-]) (\d+) days? = (\w+day)$/.exec(line);
      if (weekday) {
        const shift = (weekday[2] === "+" ? 1 : -1) * Number(weekday[3]);
        expect(days[(((days.indexOf(weekday[1]!) + shift) % 7) + 7) % 7], line).toBe(weekday[4]);
        checked++;
      }
      const clock = /^(\d+):(\d\d) (am|pm) \+ (?:(\d+) hours?)? ?(?:(\d+) minutes?)? = (\d+):(\d\d) (am|pm)$/.exec(line);
      if (clock) {
        const minutes = (h: string, m: string, half: string) => ((Number(h) % 12) + (half === "pm" ? 12 : 0)) * 60 + Number(m);
        const start = minutes(clock[1]!, clock[2]!, clock[3]!);
        const add = Number(clock[4] ?? 0) * 60 + Number(clock[5] ?? 0);
        expect(minutes(clock[6]!, clock[7]!, clock[8]!), line).toBe((start + add) % (24 * 60));
        checked++;
      }
      const year = /^(\d{4}) ([+-]) (\d+) = (\d+)$/.exec(line);
      if (year) {
        expect(Number(year[1]) + (year[2] === "+" ? 1 : -1) * Number(year[3]), line).toBe(Number(year[4]));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
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
    const stageTwoOnly = ["passage-quiz", "order-quiz", "calendar"];
    for (const p of [0, 0.5, 1])
      for (const [kind, w] of Object.entries(mixture(p).weights))
        if (stageTwoOnly.includes(kind)) expect(w).toBe(0);
        else expect(w, kind).toBeGreaterThan(0);
    // Stage 2 is the curriculum's end, every kind in the mix, the quizzes among them.
    for (const p of [0, 1]) {
      const second = mixture(p, 2);
      expect(second.bindingLevel).toBe(3);
      for (const w of Object.values(second.weights)) expect(w).toBeGreaterThan(0);
    }
  });
});
