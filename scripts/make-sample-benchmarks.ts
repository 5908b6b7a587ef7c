/**
 * Writes the small sample benchmarks in benchmarks/samples/data/, in the generic adapter's
 * formats (a CSV with a header, two JSONL files), so `bprof eval` and the tests run without
 * anyone's benchmark downloads. Deterministic: re-running reproduces the files byte for byte.
 *
 *   npx tsx scripts/make-sample-benchmarks.ts
 */
import { join } from "node:path";
import { seededUniform } from "../src/util/prng.js";
import { writeFileAtomic } from "../src/util/atomic-write.js";
import { shippedBenchmarksDir } from "../src/eval/shipped-specs.js";

const outDir = join(shippedBenchmarksDir(), "samples", "data");

function shuffled<T>(values: T[], random: () => number): T[] {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Addition with four numeric options, gold as a letter: exercises CSV, gold_labels and acc_norm. */
function arithmetic(): string {
  const random = seededUniform("arithmetic");
  const rows = [["question", "A", "B", "C", "D", "answer"].join(",")];
  for (let i = 0; i < 40; i++) {
    const x = 1 + Math.floor(random() * 20);
    const y = 1 + Math.floor(random() * 20);
    const sum = x + y;
    const wrong = new Set<number>();
    while (wrong.size < 3) {
      const candidate = sum + Math.floor(random() * 11) - 5;
      if (candidate !== sum && candidate > 0) wrong.add(candidate);
    }
    const options = shuffled([sum, ...wrong], random);
    const letter = "ABCD"[options.indexOf(sum)]!;
    rows.push([`What is ${x} plus ${y}?`, ...options, letter].map(csvField).join(","));
  }
  return rows.join("\n") + "\n";
}

/**
 * Story sentences whose natural ending competes with out-of-place words, in the register of
 * TinyStories, so even a tiny story model can beat chance.
 */
function storyWords(): string {
  const random = seededUniform("story-words");
  const names = ["Lily", "Tom", "Sue", "Ben", "Mia", "Max", "Anna", "Tim"];
  const frames: { text: string; answer: string; distractors: string[] }[] = [
    { text: "{name} went to the park to play with {pronoun}", answer: "friends", distractors: ["taxes", "invoices"] },
    { text: "{name} was very hungry, so {subject} ate a big", answer: "cake", distractors: ["cloud", "idea"] },
    { text: "Once upon a time, there was a little {kind} named", answer: "{name}", distractors: ["Tuesday", "Concrete"] },
    { text: "{name} saw a cat. The cat said,", answer: '"Meow!"', distractors: ['"Woof!"', '"Moo!"'] },
    { text: "It was a sunny day. {name} went outside to play in the", answer: "sun", distractors: ["fridge", "spreadsheet"] },
    { text: "{name} was sad because {subject} lost {pronoun} favorite", answer: "toy", distractors: ["algorithm", "mortgage"] },
  ];
  const lines: string[] = [];
  let id = 0;
  for (const frame of frames) {
    for (const name of shuffled(names, random).slice(0, 6)) {
      const female = ["Lily", "Sue", "Mia", "Anna"].includes(name);
      const fill = (s: string) =>
        s
          .replaceAll("{name}", name)
          .replaceAll("{kind}", female ? "girl" : "boy")
          .replaceAll("{subject}", female ? "she" : "he")
          .replaceAll("{pronoun}", female ? "her" : "his");
      const options = shuffled([fill(frame.answer), ...frame.distractors], random);
      lines.push(JSON.stringify({ id: `story-${id++}`, text: fill(frame.text), options, answer: options.indexOf(fill(frame.answer)) }));
    }
  }
  return lines.join("\n") + "\n";
}

/** Repeat a word after seeing two solved examples: a generation task with few-shot and stop sequences. */
function repeatWord(): string {
  const random = seededUniform("repeat-word");
  const words = ["ball", "tree", "dog", "cat", "sun", "park", "cake", "bird", "fish", "box", "car", "hat", "cup", "bed", "toy", "boat"];
  return (
    shuffled(words, random)
      .map((word, i) => JSON.stringify({ id: `repeat-${i}`, word }))
      .join("\n") + "\n"
  );
}

writeFileAtomic(join(outDir, "arithmetic.csv"), arithmetic());
writeFileAtomic(join(outDir, "story_words.jsonl"), storyWords());
writeFileAtomic(join(outDir, "repeat_word.jsonl"), repeatWord());
process.stderr.write(`wrote 3 sample benchmarks to ${outDir}\n`);
