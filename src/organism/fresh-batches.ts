import type { Tokenizer } from "../model/tokenizer/tokenizer.js";
import { GENERATORS } from "../probes/generators/index.js";
import type { ProbeGenerator } from "../probes/generators/types.js";
import { loadProbeSplit } from "../probes/load.js";
import { Rng } from "../util/prng.js";
import { probeContentKey } from "../probes/schema.js";
import { chatExample, mcExample, packExamples, proseExample, type Example, type PackedRow } from "./examples.js";
import {
  arithmetic,
  binding,
  BINDING_LEVELS,
  calendar,
  numberSequence,
  tokenCopy,
  wordCopy,
  type CopyAlphabet,
  type DrillVocab,
} from "./in-context-drills.js";
import { contextualQuiz, orderQuiz } from "./passage-quizzes.js";
import type { RowSource } from "./train.js";
import { drawTrainingItem } from "./training-items.js";

/**
 * The organism's training rows, drawn fresh every step (issue 13): nothing is read twice
 * except the declarative sentences (the "encyclopedia", a fixed text). Each step's rows are a
 * pure function of (seed, step), so a resumed run sees what an uninterrupted one does.
 *
 * A step is a mixture of example kinds, sampled by weight, packed first-fit into rows:
 * in-context drills (in-context-drills.ts) and the ten abilities' instruction items (from
 * the probe generators with the organism's seed, every item equal to a committed dev/test
 * item redrawn), as chat and as lm-eval multiple choice. The curriculum (`mixture`) moves
 * weight from the induction drills to the abilities and grows the binding drill's gap.
 */
export type ExampleKind =
  | "token-copy"
  | "word-copy"
  | "binding"
  | "passage-quiz"
  | "order-quiz"
  | "number-sequence"
  | "arithmetic"
  | "calendar"
  | "ability"
  | "prose";

/** The two stages of the organism's training: the curriculum, then the quizzes over its end. */
export type Stage = 1 | 2;

/**
 * Example-count weights of each kind, the highest binding level and the token-copy alphabet,
 * at progress p = step / steps of a stage. Stage 1 is the curriculum the organism of commit
 * 4b7f9ae was trained with (no quizzes, no calendar); stage 2 starts from its weights and draws
 * every step from the curriculum's end with the passage quizzes and the calendar drill added.
 */
export function mixture(
  p: number,
  stage: Stage = 1,
): {
  weights: Record<ExampleKind, number>;
  bindingLevel: number;
  abilityWeights: Record<string, number>;
  copyAlphabet: CopyAlphabet;
} {
  if (stage === 2) {
    const end = mixture(1);
    return {
      ...end,
      // The quizzes ask what the first stage left unlearnt (passage-quizzes.ts); the binding
      // drill, learnt (fresh loss ≤ 0.07 on every level), gives them some of its rows.
      weights: { ...end.weights, binding: 1.5, "passage-quiz": 2, "order-quiz": 2, calendar: 1.5 },
      abilityWeights: SECOND_STAGE_ABILITIES,
    };
  }
  // Induction heads first: the first 7 % of the run is mostly variable-offset copying over the
  // 256 byte tokens (issue 13: over a small alphabet they form within ~500 steps of dense
  // copying, and binding needs them; the 4-layer run that opened with a third of its copies over
  // the whole 3,072-token vocabulary still had a fresh copy loss of 4.1 at step 1,500).
  const opening = p < OPENING;
  // The second half gives most rows to the ability items; the copies stay in the mix all along
  // (at 0.5 in the 4-layer run's second half its fresh copy loss stopped falling).
  const late = p >= 0.45;
  return {
    weights: {
      "token-copy": opening ? 8 : late ? 1 : 1.5,
      "word-copy": opening ? 3 : late ? 0.75 : 1.5,
      binding: opening ? 2 : late ? 2 : 3,
      "passage-quiz": 0,
      "order-quiz": 0,
      "number-sequence": opening ? 0.5 : late ? 1 : 1.5,
      arithmetic: opening ? 0.3 : late ? 1 : 1.5,
      calendar: 0,
      ability: opening ? 1 : late ? 10 : 6,
      prose: opening ? 0.5 : late ? 2.5 : 2,
    },
    // One level more every 8 % of the run after the opening: level 3 (the probes' own passages)
    // from 31 % on; earlier levels stay in the mix.
    bindingLevel: Math.min(BINDING_LEVELS - 1, Math.floor(Math.max(0, p - OPENING) / 0.08)),
    abilityWeights: LACKED_ABILITIES,
    copyAlphabet: opening ? "bytes" : "mixed",
  };
}

const OPENING = 0.07;

/** The abilities the issue-7 organism lacked are drawn more often (others weigh 1). */
const LACKED_ABILITIES: Record<string, number> = {
  "contextual-recall": 1.5,
  inductive: 1.5,
  quantitative: 1.5,
  temporal: 1.5,
  spatial: 1.5,
};

/** Stage 2: temporal and spatial, still near chance after stage 1, most often. */
const SECOND_STAGE_ABILITIES: Record<string, number> = { ...LACKED_ABILITIES, temporal: 2, spatial: 2 };

export interface FreshBatchOptions {
  seed: number;
  steps: number;
  batchSize: number;
  sequenceLength: number;
  promptWeight: number;
  /** Which stage's mixture (`mixture`); 1 unless given. */
  stage?: Stage;
}

export class FreshBatches implements RowSource {
  constructor(
    private readonly vocab: DrillVocab,
    private readonly exclude: ReadonlyMap<string, ReadonlySet<string>>,
    private readonly prose: readonly string[],
    private readonly padId: number,
    private readonly o: FreshBatchOptions,
  ) {}

  rows(step: number): PackedRow[] {
    const rng = new Rng(`organism-fresh:${this.o.seed}:${step}`);
    const { weights, bindingLevel, abilityWeights, copyAlphabet } = mixture(step / this.o.steps, this.o.stage);
    return packDrawn(
      () => this.draw(rng, pickWeighted(rng, weights), bindingLevel, abilityWeights, copyAlphabet),
      this.o.batchSize,
      this.o.sequenceLength,
      this.padId,
    );
  }

  draw(
    rng: Rng,
    kind: ExampleKind,
    bindingLevel: number,
    abilityWeights: Record<string, number> = {},
    copyAlphabet: CopyAlphabet = "mixed",
  ): Example {
    switch (kind) {
      case "token-copy":
        return tokenCopy(rng, this.vocab, { alphabet: copyAlphabet });
      case "word-copy":
        return wordCopy(rng, this.vocab);
      case "binding":
        // Half the drills at the current level, half at any level up to it.
        return binding(rng, this.vocab, rng.chance(0.5) ? bindingLevel : rng.int(0, bindingLevel));
      case "passage-quiz":
        return contextualQuiz(rng, this.vocab, this.o.sequenceLength);
      case "order-quiz":
        return orderQuiz(rng, this.vocab, this.o.sequenceLength);
      case "number-sequence":
        return numberSequence(rng, this.vocab);
      case "arithmetic":
        return arithmetic(rng, this.vocab);
      case "calendar":
        return calendar(rng, this.vocab);
      case "prose":
        return proseExample(rng.pick(this.prose), this.vocab.tokenizer);
      case "ability": {
        const ability = pickWeighted(rng, Object.fromEntries(GENERATORS.map((g) => [g.ability, abilityWeights[g.ability] ?? 1])));
        const generator = GENERATORS.find((g) => g.ability === ability)!;
        return abilityExample(
          rng,
          generator,
          this.exclude.get(ability)!,
          this.vocab.tokenizer,
          rng.chance(0.5) ? "chat" : "mc",
          this.o.promptWeight,
        );
      }
    }
  }
}

/**
 * `batchSize` rows of `sequenceLength` tokens packed first-fit from examples `draw` makes,
 * 15 % more tokens than the rows hold (packing leaves gaps; what does not fit is dropped).
 */
export function packDrawn(draw: () => Example, batchSize: number, sequenceLength: number, padId: number): PackedRow[] {
  const examples: Example[] = [];
  for (let tokens = 0; tokens < batchSize * sequenceLength * 1.15;) {
    const example = draw();
    examples.push(example);
    tokens += Math.min(example.inputIds.length, sequenceLength);
  }
  return packExamples(examples, sequenceLength, padId, 8).slice(0, batchSize);
}

/** A RowSource of examples drawn fresh every step: `draw(rng, step)` with an Rng of (name, seed, step). */
export function drawnRows(
  name: string,
  seed: number,
  draw: (rng: Rng, step: number) => Example,
  batchSize: number,
  sequenceLength: number,
  padId: number,
): RowSource {
  return {
    rows(step) {
      const rng = new Rng(`${name}:${seed}:${step}`);
      return packDrawn(() => draw(rng, step), batchSize, sequenceLength, padId);
    },
  };
}

/** One fresh item of an ability as a chat or a multiple-choice example (redrawn until it is no dev/test item). */
export function abilityExample(
  rng: Rng,
  generator: ProbeGenerator,
  exclude: ReadonlySet<string>,
  tokenizer: Tokenizer,
  form: "chat" | "mc",
  promptWeight: number,
): Example {
  for (;;) {
    const item = drawTrainingItem(generator, rng, exclude, `${generator.ability}-organism-fresh`);
    if (typeof item === "string") continue;
    return form === "chat" ? chatExample(item, tokenizer, promptWeight) : mcExample(item, tokenizer, promptWeight);
  }
}

/** Per ability: the content keys of its committed dev and test items, which training never shows. */
export function devTestExclusions(probesDir: string): Map<string, Set<string>> {
  return new Map(
    GENERATORS.map((g) => [
      g.ability,
      new Set((["dev", "test"] as const).flatMap((split) => loadProbeSplit(probesDir, g.ability, split).map(probeContentKey))),
    ]),
  );
}

function pickWeighted<K extends string>(rng: Rng, weights: Record<K, number>): K {
  const entries = Object.entries(weights) as [K, number][];
  let r = rng.float() * entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [key, w] of entries) {
    r -= w;
    if (r < 0) return key;
  }
  return entries[entries.length - 1]![0];
}

/** The quizzes watched in training fit the 128-token rows of the committed organism. */
const QUIZ_EVAL_TOKENS = 128;

/**
 * Fixed fresh examples for watching training (a seed no training step uses): per ability its
 * multiple-choice form with the answer alone weighted, and per drill kind (binding per level;
 * the token copy also over the byte tokens alone).
 */
export function freshEvalSets(
  vocab: DrillVocab,
  exclude: ReadonlyMap<string, ReadonlySet<string>>,
  seed: number,
  perSet = 32,
): Map<string, Example[]> {
  const rng = new Rng(`organism-fresh-eval:${seed}`);
  const sets = new Map<string, Example[]>();
  const many = (make: () => Example) => Array.from({ length: perSet }, make);
  sets.set(
    "token-copy",
    many(() => tokenCopy(rng, vocab)),
  );
  sets.set(
    "word-copy",
    many(() => wordCopy(rng, vocab)),
  );
  for (let level = 0; level < BINDING_LEVELS; level++)
    sets.set(
      `binding-${level}`,
      many(() => binding(rng, vocab, level)),
    );
  sets.set(
    "number-sequence",
    many(() => numberSequence(rng, vocab)),
  );
  sets.set(
    "arithmetic",
    many(() => arithmetic(rng, vocab)),
  );
  for (const g of GENERATORS)
    sets.set(
      g.ability,
      many(() => abilityExample(rng, g, exclude.get(g.ability)!, vocab.tokenizer, "mc", 0)),
    );
  // Last, so that the sets above are those of the runs before it existed.
  sets.set(
    "token-copy-bytes",
    many(() => tokenCopy(rng, vocab, { alphabet: "bytes" })),
  );
  sets.set(
    "passage-quiz",
    many(() => contextualQuiz(rng, vocab, QUIZ_EVAL_TOKENS)),
  );
  sets.set(
    "order-quiz",
    many(() => orderQuiz(rng, vocab, QUIZ_EVAL_TOKENS)),
  );
  sets.set(
    "calendar",
    many(() => calendar(rng, vocab)),
  );
  return sets;
}
