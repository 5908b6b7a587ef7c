/**
 * What can the organism's trainer learn in N steps? Trains a fresh model on one diagnostic
 * task, prints its answer loss (the loss on the weighted tokens) every 50 steps and, at the
 * end, its answer loss on fresh examples (a seed training never draws) and the wall time:
 *
 *   npx tsx scripts/organism-diagnostics.ts copy   [--min-length 4 --max-length 24 --steps 300 --hidden 64 --layers 2]
 *   npx tsx scripts/organism-diagnostics.ts recall [--gap 3 --pairs 4 --queries N --no-equals --with-copy --steps 500 --hidden 192 --layers 6]
 *   npx tsx scripts/organism-diagnostics.ts contextual-drill --out DIR [--with-copy --curriculum --steps 500 --hidden 192 --layers 6]
 *
 * Heads: 6 at hidden 192 (the organism's), else 4 (--heads); 2 key/value heads (--kv-heads).
 * Training: --batch 16 rows of 128 tokens, --lr 3e-3, --weight-decay 0.1, document masking
 * on (--attend-across-examples turns it off).
 *
 * Every step's examples are drawn fresh from seeded generators (no example is read twice), so
 * the training loss is not memorisation; the fresh-example loss is measured apart all the same.
 * --with-copy mixes 1 : 1 (by example) the variable-length copy, in bare tokens for recall and
 * in the organism's token ids for the drill. copy with --min-length = --max-length is the
 * fixed-offset copy (every answer the same distance back, solvable by position alone).
 *
 * copy and recall are the bare-token tasks of src/organism/synthetic-tasks.ts. contextual-drill
 * trains on contextual-recall passages, each once as its probe item (multiple-choice form) and
 * once followed by a question on every fact it states (in-context-drills.ts `binding` level 3),
 * answer tokens only; with --curriculum the drill grows the gap from name to value over the
 * first 24 % of the steps (levels 0–3, as the organism's training does). It writes a model
 * directory (with the organism's tokenizer) for `bprof eval`. models/organism/README.md
 * reports what each gave.
 */
import { cpSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { noGrad, setNumThreads } from "../src/engine/index.js";
import { writeFileAtomic } from "../src/util/atomic-write.js";
import { encodeSafetensors } from "../src/model/loaders/safetensors.js";
import { HfTokenizer } from "../src/model/tokenizer/hf-tokenizer.js";
import { mcExample, packExamples, type Example } from "../src/organism/examples.js";
import { drawnRows } from "../src/organism/fresh-batches.js";
import { binding, tokenCopy, type DrillVocab } from "../src/organism/in-context-drills.js";
import { associativeRecallExamples, copyExamples, SYNTHETIC_IDS, SYNTHETIC_VOCAB } from "../src/organism/synthetic-tasks.js";
import { ORGANISM_SPECIAL_TOKENS } from "../src/organism/tokenizer-files.js";
import { modelTensors, train, weightedLoss, type SpecialIds, type TrainOptions } from "../src/organism/train.js";
import { generatorFor } from "../src/probes/generators/index.js";
import { Rng } from "../src/util/prng.js";

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    steps: { type: "string", default: "500" },
    hidden: { type: "string" },
    layers: { type: "string" },
    heads: { type: "string" },
    "kv-heads": { type: "string", default: "2" },
    gap: { type: "string", default: "3" },
    "min-length": { type: "string", default: "4" },
    "max-length": { type: "string", default: "24" },
    "with-copy": { type: "boolean", default: false },
    curriculum: { type: "boolean", default: false },
    "attend-across-examples": { type: "boolean", default: false },
    pairs: { type: "string", default: "4" },
    queries: { type: "string" },
    "no-equals": { type: "boolean", default: false },
    "weight-decay": { type: "string", default: "0.1" },
    batch: { type: "string", default: "16" },
    lr: { type: "string", default: "3e-3" },
    seed: { type: "string", default: "1" },
    organism: { type: "string", default: "models/organism" },
    out: { type: "string" },
  },
});
const task = positionals[0];
const num = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));
setNumThreads(2);
const seed = num(args.seed, 1);

function options(hidden: number, layers: number, vocabSize: number): TrainOptions {
  return {
    architecture: {
      hiddenSize: hidden,
      intermediateSize: hidden <= 64 ? 2 * hidden : Math.ceil((hidden * 8) / 3 / 32) * 32,
      numHiddenLayers: layers,
      numAttentionHeads: num(args.heads, hidden >= 192 ? hidden / 32 : 4),
      numKeyValueHeads: num(args["kv-heads"], 2),
      vocabSize,
      maxPositionEmbeddings: 512,
    },
    sequenceLength: 128,
    batchSize: num(args.batch, 16),
    steps: num(args.steps, 500),
    peakLr: num(args.lr, 3e-3),
    warmupSteps: 50,
    minLrRatio: 0.05,
    weightDecay: num(args["weight-decay"], 0.1),
    gradClip: 1,
    seed,
    documentMask: !args["attend-across-examples"],
  };
}

/**
 * Train on examples drawn fresh every step (`draw(rng, progress)`), then report the answer
 * loss on `fresh` examples (drawn with a seed training never uses) and the wall time.
 */
function run(draw: (rng: Rng, progress: number) => Example, fresh: Example[], ids: SpecialIds, o: TrainOptions, chanceLoss?: number) {
  process.stdout.write(
    `${task}: fresh examples every step, ${o.architecture.numHiddenLayers} layers × hidden ${o.architecture.hiddenSize}, ${o.steps} steps of ${o.batchSize} rows, lr ${o.peakLr}${o.documentMask ? ", document mask" : ""}${chanceLoss === undefined ? "" : `; chance loss ${chanceLoss.toFixed(2)}`}\n`,
  );
  const started = performance.now();
  const source = drawnRows(`diagnostics-${task}`, seed, (rng, step) => draw(rng, step / o.steps), o.batchSize, o.sequenceLength, ids.pad);
  const result = train(source, ids, o, {
    onStep: (l) => {
      if (l.step % 50 === 0) process.stdout.write(`step ${l.step} loss ${l.loss.toFixed(3)} (${l.seconds.toFixed(0)} s)\n`);
    },
  });
  const tail = result.log.slice(-50).map((l) => l.loss);
  process.stdout.write(
    `mean training loss over the last ${tail.length} steps: ${(tail.reduce((a, b) => a + b, 0) / tail.length).toFixed(3)}\n`,
  );
  const heldOut = packExamples(fresh, o.sequenceLength, ids.pad, 8);
  const losses = noGrad(() =>
    Array.from({ length: Math.ceil(heldOut.length / o.batchSize) }, (_, i) =>
      weightedLoss(result.model, heldOut.slice(i * o.batchSize, (i + 1) * o.batchSize), o.documentMask).item(),
    ),
  );
  process.stdout.write(
    `answer loss on ${fresh.length} fresh examples (${heldOut.length} rows): ${(losses.reduce((a, b) => a + b, 0) / losses.length).toFixed(3)}; wall time ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
  );
  return result;
}

const FRESH_SEED = 1_000_000 + seed;
const copyLengths = [num(args["min-length"], 4), num(args["max-length"], 24)] as const;

if (task === "copy") {
  const o = options(num(args.hidden, 64), num(args.layers, 2), SYNTHETIC_VOCAB);
  run(
    (rng) => copyExamples(1, copyLengths, rng.nextUint32())[0]!,
    copyExamples(1_000, copyLengths, FRESH_SEED),
    SYNTHETIC_IDS,
    o,
    Math.log(80),
  );
} else if (task === "recall") {
  const recall = (count: number, draw: number) =>
    associativeRecallExamples(count, {
      pairs: num(args.pairs, 4),
      gap: num(args.gap, 3),
      seed: draw,
      queries: args.queries === undefined ? undefined : num(args.queries, 1),
      equals: !args["no-equals"],
    });
  const o = options(num(args.hidden, 192), num(args.layers, 6), SYNTHETIC_VOCAB);
  const draw = (rng: Rng) =>
    args["with-copy"] && rng.chance(0.5) ? copyExamples(1, copyLengths, rng.nextUint32())[0]! : recall(1, rng.nextUint32())[0]!;
  run(draw, recall(2_000, FRESH_SEED), SYNTHETIC_IDS, o, Math.log(40));
} else if (task === "contextual-drill") {
  if (args.out === undefined) throw new Error("contextual-drill: give --out DIR");
  const organism = resolve(args.organism!);
  const tokenizer = await HfTokenizer.fromDirectory(organism);
  const config = JSON.parse(readFileSync(join(organism, "config.json"), "utf8")) as {
    vocab_size: number;
    bos_token_id: number;
    eos_token_id: number;
    pad_token_id: number;
  };
  const vocab: DrillVocab = {
    tokenizer,
    firstPlainId: ORGANISM_SPECIAL_TOKENS.length,
    words: [],
    contextual: generatorFor("contextual-recall")!,
  };
  const o = options(num(args.hidden, 192), num(args.layers, 6), config.vocab_size);
  const draw = (rng: Rng, progress: number) => {
    if (args["with-copy"] && rng.chance(0.5)) return tokenCopy(rng, vocab, { minLength: copyLengths[0], maxLength: copyLengths[1] });
    if (rng.chance(0.5)) return contextualItem(rng, vocab);
    return binding(rng, vocab, args.curriculum ? Math.min(3, rng.int(0, Math.floor(progress / 0.08))) : 3);
  };
  const freshRng = new Rng(`diagnostics-fresh:${FRESH_SEED}`);
  const fresh = Array.from({ length: 500 }, () => binding(freshRng, vocab, 3));
  const result = run(draw, fresh, { bos: config.bos_token_id, eos: config.eos_token_id, pad: config.pad_token_id }, o);
  const out = resolve(args.out);
  mkdirSync(out, { recursive: true });
  for (const file of ["tokenizer.json", "tokenizer_config.json", "generation_config.json"]) cpSync(join(organism, file), join(out, file));
  writeFileAtomic(join(out, "config.json"), JSON.stringify(result.hfConfig, null, 2) + "\n");
  writeFileAtomic(join(out, "model.safetensors"), encodeSafetensors(modelTensors(result.model), { format: "pt" }));
  process.stdout.write(
    `wrote ${out}; evaluate with: npx bprof eval --model ${out} --benchmark benchmarks/abilities/ability_contextual_recall.yaml\n`,
  );
} else {
  throw new Error(`unknown task "${task ?? ""}" (copy, recall or contextual-drill)`);
}

/** A contextual-recall passage and question as its probe item (multiple-choice form, answer alone weighted). */
function contextualItem(rng: Rng, vocab: DrillVocab): Example {
  const draft = rng.pick(vocab.contextual.templates).make(rng, rng.chance(0.15) ? "heldout" : "train");
  return mcExample({ context: draft.context, question: draft.question, answer: draft.answer }, vocab.tokenizer, 0);
}
