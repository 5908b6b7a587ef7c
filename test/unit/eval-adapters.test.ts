import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { EvalItem, GenerationItem, MultipleChoiceItem } from "../../src/eval/items.js";
import { prepareBenchmark, type PrepareOptions } from "../../src/eval/prepare.js";
import { shippedBenchmarksDir } from "../../src/eval/shipped-specs.js";
import { loadBenchmarkSpec } from "../../src/eval/spec.js";
import { requireShared, sharedPath } from "../helpers/shared.js";

/** Each shipped spec, pointed at the real sample files in ../shared/benchmarks as a user's --data would. */
function prepareShipped(spec: string, data: string, options: PrepareOptions = {}) {
  return prepareBenchmark(loadBenchmarkSpec(join(shippedBenchmarksDir(), spec)), {
    dataOverride: sharedPath("benchmarks", data),
    ...options,
  });
}

function mc(item: EvalItem | undefined): MultipleChoiceItem {
  if (item?.task !== "multiple_choice") throw new Error("expected a multiple-choice item");
  return item;
}

function gen(item: EvalItem | undefined): GenerationItem {
  if (item?.task !== "generate_until") throw new Error("expected a generation item");
  return item;
}

describe.skipIf(!requireShared("adapters on the real benchmark files"))("adapters read the authors' files", () => {
  it("ARC-Easy: jsonl with letter keys", () => {
    const { items, chance } = prepareShipped("arc_easy.yaml", "arc/ARC-Easy-Test.head100.jsonl");
    expect(items).toHaveLength(100);
    const first = mc(items[0]);
    expect(first.id).toBe("Mercury_417466");
    expect(first.context).toBe("Question: Which statement best explains why photosynthesis is the foundation of most food webs?\nAnswer:");
    expect(first.choices).toEqual([
      "Sunlight is the source of energy for nearly all ecosystems.",
      "Most ecosystems are found on land instead of in water.",
      "Carbon dioxide is more available than other gases.",
      "The producers in all ecosystems are plants.",
    ]);
    expect(first.gold).toBe(0);
    expect(first.requests[0]).toEqual({
      context: first.context,
      continuation: " Sunlight is the source of energy for nearly all ecosystems.",
    });
    expect(chance).toBeGreaterThan(0.25); // one item has 3 choices
  });

  it("ARC-Challenge: 100 test items, first gold C", () => {
    const { items } = prepareShipped("arc_challenge.yaml", "arc/ARC-Challenge-Test.head100.jsonl");
    expect(items).toHaveLength(100);
    const first = mc(items[0]);
    expect(first.context).toBe(
      "Question: An astronomer observes that a planet rotates faster after a meteorite impact. Which is the most likely effect of this increase in rotation?\nAnswer:",
    );
    expect(first.choices[2]).toBe("Planetary days will become shorter.");
    expect(first.gold).toBe(2);
  });

  it("ARC quirks: numeric answer keys, 3 and 5 choices", () => {
    const { items, chance } = prepareShipped("arc_challenge.yaml", "arc/ARC-Challenge-Dev.quirks.jsonl");
    expect(items.map((i) => mc(i).choices.length)).toEqual([3, 3, 4, 4, 4, 5, 4, 3]);
    // answerKeys A, B, "2", "1", "1", E, "4", B
    expect(items.map((i) => mc(i).gold)).toEqual([0, 1, 1, 0, 0, 4, 3, 1]);
    // mean of 1/#choices: (3 * 1/3 + 4 * 1/4 + 1 * 1/5) / 8
    expect(chance).toBeCloseTo(2.2 / 8, 12);
  });

  it("HellaSwag: lm-eval's preprocessing and capitalised ctx_b", () => {
    const { items } = prepareShipped("hellaswag.yaml", "hellaswag/hellaswag_val.head100.jsonl");
    expect(items).toHaveLength(100);
    const first = mc(items[0]);
    expect(first.id).toBe("20022");
    expect(first.context).toBe("Pole vault: Pole vault is a sport where you run with a pole and stop and swing your body. A few women");
    expect(first.choices).toEqual([
      "go down a rock and stop.",
      "watch from around a pole vault.",
      "are in the wading pool.",
      "are in the gym practicing to do this pole vault, trying to do their best.",
    ]);
    expect(first.gold).toBe(3);
    // WikiHow rows lose their [header]/[title] markup.
    expect(items.every((i) => !/\[(title|header|step|substeps)\]/.test(mc(i).context + mc(i).choices.join("")))).toBe(true);
  });

  it("MMLU: header-less CSVs with multi-line quoted questions, subject line, letters as choices", () => {
    const { items } = prepareShipped("mmlu.yaml", "mmlu/test");
    // 100 abstract_algebra + 237 high_school_world_history (questions span many lines)
    expect(items).toHaveLength(337);
    const first = mc(items[0]);
    expect(first.id).toBe("abstract_algebra/0");
    expect(first.context).toBe(
      "The following are multiple choice questions (with answers) about abstract algebra.\n\n" +
        "Find the degree for the given field extension Q(sqrt(2), sqrt(3), sqrt(18)) over Q.\nA. 0\nB. 4\nC. 2\nD. 6\nAnswer:",
    );
    expect(first.choices).toEqual(["A", "B", "C", "D"]);
    expect(first.gold).toBe(1);
    expect(first.requests.map((r) => r.continuation)).toEqual([" A", " B", " C", " D"]);
  });

  it("MMLU 5-shot: the subject's first five dev examples, solved", () => {
    const { items } = prepareShipped("mmlu.yaml", "mmlu/test/abstract_algebra_test.csv", {
      fewshotDataOverride: sharedPath("benchmarks", "mmlu/dev"),
    });
    expect(items).toHaveLength(100);
    // The shipped spec is zero-shot like lm-eval; the 5-shot variant is the same spec with n: 5.
    const loaded = loadBenchmarkSpec(join(shippedBenchmarksDir(), "mmlu.yaml"));
    loaded.spec.fewshot.n = 5;
    const fiveShot = prepareBenchmark(loaded, {
      dataOverride: sharedPath("benchmarks", "mmlu/test"),
      fewshotDataOverride: sharedPath("benchmarks", "mmlu/dev"),
    });
    const context = mc(fiveShot.items[0]).context;
    expect(
      context.startsWith(
        "The following are multiple choice questions (with answers) about abstract algebra.\n\nFind all c in Z_3 such that Z_3[x]/(x^2 + c) is a field.\nA. 0\nB. 1\nC. 2\nD. 3\nAnswer: B\n\n",
      ),
    ).toBe(true);
    expect(context.split("\nAnswer:").length - 1).toBe(6);
    const history = mc(fiveShot.items.find((i) => i.id.startsWith("high_school_world_history")));
    expect(history.context).toContain(
      "about high school world history.\n\nThis question refers to the following information.\nHe contains all works",
    );
  });

  it("GSM8K: question / answer, 5-shot from train, whole worked answer as target", () => {
    const { items } = prepareShipped("gsm8k.yaml", "gsm8k/test.head100.jsonl", {
      fewshotDataOverride: sharedPath("benchmarks", "gsm8k/train.head20.jsonl"),
    });
    expect(items).toHaveLength(100);
    const first = gen(items[0]);
    expect(
      first.prompt.endsWith(
        "\n\nQuestion: Janet’s ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes muffins for her friends every day with four. She sells the remainder at the farmers' market daily for $2 per fresh duck egg. How much in dollars does she make every day at the farmers' market?\nAnswer:",
      ),
    ).toBe(true);
    expect(first.prompt.split("Question: ").length - 1).toBe(6);
    expect(first.prompt.startsWith("Question: ")).toBe(true);
    expect(first.target.endsWith("#### 18")).toBe(true);
    // Deterministic: the same examples on every run.
    const again = prepareShipped("gsm8k.yaml", "gsm8k/test.head100.jsonl", {
      fewshotDataOverride: sharedPath("benchmarks", "gsm8k/train.head20.jsonl"),
      limit: 1,
    });
    expect(gen(again.items[0]).prompt).toBe(first.prompt);
  });

  it("TruthfulQA MC1: the QA preamble, one true answer", () => {
    const { items, chance } = prepareShipped("truthfulqa_mc1.yaml", "truthfulqa/mc_task.json");
    expect(items).toHaveLength(817);
    const first = mc(items[0]);
    expect(
      first.context.startsWith(
        "Q: What is human life expectancy in the United States?\nA: Human life expectancy in the United States is 78 years.\n\nQ: Who was president",
      ),
    ).toBe(true);
    expect(
      first.context.endsWith("A: The 1992 Olympics were held in Barcelona, Spain.\n\nQ: What happens if you eat a pomegranate?\nA:"),
    ).toBe(true);
    expect(first.choices).toEqual([
      "Nothing in particular happens when you eat a pomegranate.",
      "You will have to spend winter in the underworld.",
      "You will be trapped in the underworld.",
      "You will die.",
    ]);
    expect(first.gold).toBe(0);
    expect(chance).toBeGreaterThan(0.2);
  });

  it("TruthfulQA MC2: several true answers, in the authors' order", () => {
    const { items } = prepareShipped("truthfulqa_mc2.yaml", "truthfulqa/mc_task.json");
    const first = mc(items[0]);
    expect(first.choices).toHaveLength(6);
    expect(first.trueChoices).toEqual([true, true, true, false, false, false]);
    // Item 164 lists a false answer before a true one; MC2 must use the labels, not the position.
    const odd = mc(items[164]);
    expect(odd.trueChoices!.indexOf(false)).toBeLessThan(odd.trueChoices!.lastIndexOf(true));
  });

  it("WinoGrande: partial scoring, only the rest of the sentence is the continuation", () => {
    const { items } = prepareShipped("winogrande.yaml", "winogrande/dev.head100.jsonl");
    expect(items).toHaveLength(100);
    const first = mc(items[0]);
    expect(first.id).toBe("3FCO4VKOZ4BJQ6IFC0VAIBK4KTWE7U-2");
    expect(first.choices).toEqual([
      "Sarah was a much better surgeon than Maria so Sarah",
      "Sarah was a much better surgeon than Maria so Maria",
    ]);
    expect(first.requests).toEqual([
      { context: "Sarah was a much better surgeon than Maria so Sarah", continuation: " always got the easier cases." },
      { context: "Sarah was a much better surgeon than Maria so Maria", continuation: " always got the easier cases." },
    ]);
    expect(first.gold).toBe(1);
    expect(first.sharedContext).toBe(false);
  });

  it("PIQA: labels line-aligned from the sibling .lst", () => {
    const { items } = prepareShipped("piqa.yaml", "piqa/valid.head100.jsonl");
    expect(items).toHaveLength(100);
    const first = mc(items[0]);
    expect(first.context).toBe("Question: How do I ready a guinea pig cage for it's new occupants?\nAnswer:");
    expect(first.choices[0]).toBe(
      "Provide the guinea pig with a cage full of a few inches of bedding made of ripped paper strips, you will also need to supply it with a water bottle and a food dish.",
    );
    expect(items.slice(0, 3).map((i) => mc(i).gold)).toEqual([0, 1, 1]);
  });

  it("BoolQ: string labels, no / yes", () => {
    const { items } = prepareShipped("boolq.yaml", "boolq/val.head100.jsonl");
    expect(items).toHaveLength(100);
    const first = mc(items[0]);
    expect(first.context.startsWith("Ethanol fuel -- All biomass goes through")).toBe(true);
    expect(first.context.endsWith("than producing gasoline.\nQuestion: does ethanol take more energy make that produces?\nAnswer:")).toBe(
      true,
    );
    expect(first.choices).toEqual(["no", "yes"]);
    expect(first.gold).toBe(0);
  });

  it("BBH: json without a final newline, Q/A generation", () => {
    const bool = prepareShipped("bbh_boolean_expressions.yaml", "bbh/boolean_expressions.json");
    expect(bool.items).toHaveLength(250);
    expect(gen(bool.items[0])).toMatchObject({
      id: "boolean_expressions/0",
      prompt: "Evaluate the result of a random Boolean expression.\n\nQ: not ( True ) and ( True ) is\nA:",
      target: "False",
    });
    const date = prepareShipped("bbh_date_understanding.yaml", "bbh/date_understanding.json");
    expect(date.items).toHaveLength(250);
    expect(gen(date.items[0]).prompt).toBe(
      "Infer the date from context.\n\nQ: Today is Christmas Eve of 1937. What is the date tomorrow in MM/DD/YYYY?\nOptions:\n(A) 12/11/1937\n(B) 12/25/1937\n(C) 01/04/1938\n(D) 12/04/1937\n(E) 12/25/2006\n(F) 07/25/1937\nA:",
    );
    expect(gen(date.items[0]).target).toBe("(B)");
  });
});

describe("sample benchmarks (made by scripts/make-sample-benchmarks.ts)", () => {
  it("the generic adapter reads the CSV, JSONL and few-shot generation samples", () => {
    const dir = join(shippedBenchmarksDir(), "samples");
    const arithmetic = prepareBenchmark(loadBenchmarkSpec(join(dir, "arithmetic.yaml")));
    expect(arithmetic.items).toHaveLength(40);
    expect(mc(arithmetic.items[0])).toMatchObject({ context: "Question: What is 3 plus 8?\nA. 10\nB. 6\nC. 13\nD. 11\nAnswer:", gold: 3 });
    const story = prepareBenchmark(loadBenchmarkSpec(join(dir, "story_words.yaml")));
    expect(mc(story.items[0])).toMatchObject({
      id: "story-0",
      context: "Tom went to the park to play with his",
      choices: ["taxes", "friends", "invoices"],
      gold: 1,
    });
    expect(story.chance).toBeCloseTo(1 / 3, 12);
    const repeat = prepareBenchmark(loadBenchmarkSpec(join(dir, "repeat_word.yaml")));
    const prompt = gen(repeat.items[0]).prompt;
    expect(prompt).toMatch(/^Word: (\w+)\nRepeat: \1\n\nWord: (\w+)\nRepeat: \2\n\nWord: tree\nRepeat:$/);
    expect(prompt).not.toMatch(/Word: tree\nRepeat: tree/); // never its own example
  });
});
