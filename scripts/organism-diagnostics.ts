/**
 * What can the organism's trainer learn in N steps? Trains a fresh model on one diagnostic
 * task and prints its answer loss (the loss on the weighted tokens) every 50 steps:
 *
 *   npx tsx scripts/organism-diagnostics.ts copy   [--steps 300 --hidden 64 --layers 2]
 *   npx tsx scripts/organism-diagnostics.ts recall [--gap 3 --pairs 4 --queries N --no-equals --steps 500 --hidden 192 --layers 6]
 *   npx tsx scripts/organism-diagnostics.ts contextual-drill --out DIR [--steps 500 --hidden 192 --layers 6]
 *
 * Heads: 6 at hidden 192 (the organism's), else 4 (--heads); 2 key/value heads (--kv-heads).
 * Training: --batch 16 rows of 128 tokens, --lr 3e-3, --weight-decay 0.1, --document-mask off.
 * recall also prints its answer loss on fresh examples: its 40,000 training examples come
 * round again, and a training loss under the copy level can be memorisation.
 *
 * copy and recall are the bare-token tasks of src/organism/synthetic-tasks.ts. contextual-drill
 * trains the organism's architecture on contextual-recall items only, each passage once as its
 * probe item and once followed by a question about every fact it states (dense supervision),
 * answer tokens only, and writes a model directory (with the organism's tokenizer) for
 * `bprof eval`. models/organism/README.md reports what each gave.
 */
import { cpSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { noGrad, setNumThreads } from "../src/engine/index.js";
import { writeFileAtomic } from "../src/util/atomic-write.js";
import { encodeSafetensors } from "../src/model/loaders/safetensors.js";
import { HfTokenizer } from "../src/model/tokenizer/hf-tokenizer.js";
import { mcExample, packExamples, type Example } from "../src/organism/examples.js";
import { associativeRecallExamples, copyExamples, SYNTHETIC_IDS, SYNTHETIC_VOCAB } from "../src/organism/synthetic-tasks.js";
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
    pairs: { type: "string", default: "4" },
    queries: { type: "string" },
    "no-equals": { type: "boolean", default: false },
    "weight-decay": { type: "string", default: "0.1" },
    batch: { type: "string", default: "16" },
    lr: { type: "string", default: "3e-3" },
    "pack-window": { type: "string", default: "1" },
    "document-mask": { type: "boolean", default: false },
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
    architecture: { hiddenSize: hidden, intermediateSize: hidden <= 64 ? 2 * hidden : Math.ceil((hidden * 8) / 3 / 32) * 32, numHiddenLayers: layers, numAttentionHeads: num(args.heads, hidden >= 192 ? hidden / 32 : 4), numKeyValueHeads: num(args["kv-heads"], 2), vocabSize, maxPositionEmbeddings: 512 },
    sequenceLength: 128,
    batchSize: num(args.batch, 16),
    steps: num(args.steps, 500),
    peakLr: num(args.lr, 3e-3),
    warmupSteps: 50,
    minLrRatio: 0.05,
    weightDecay: num(args["weight-decay"], 0.1),
    gradClip: 1,
    seed,
    packWindow: num(args["pack-window"], 1),
    documentMask: args["document-mask"],
  };
}

function run(examples: Example[], ids: SpecialIds, o: TrainOptions, chanceLoss?: number) {
  process.stdout.write(`${task}: ${examples.length} examples, ${o.architecture.numHiddenLayers} layers × hidden ${o.architecture.hiddenSize}, ${o.steps} steps of ${o.batchSize} rows, lr ${o.peakLr}${o.documentMask ? ", document mask" : ""}${chanceLoss === undefined ? "" : `; chance loss ${chanceLoss.toFixed(2)}`}\n`);
  const result = train(examples, ids, o, {
    onStep: (l) => {
      if (l.step % 50 === 0) process.stdout.write(`step ${l.step} loss ${l.loss.toFixed(3)} (${l.seconds.toFixed(0)} s)\n`);
    },
  });
  const tail = result.log.slice(-50).map((l) => l.loss);
  process.stdout.write(`mean loss over the last ${tail.length} steps: ${(tail.reduce((a, b) => a + b, 0) / tail.length).toFixed(3)}\n`);
  return result;
}

if (task === "copy") {
  run(copyExamples(20_000, 15, seed), SYNTHETIC_IDS, options(num(args.hidden, 64), num(args.layers, 2), SYNTHETIC_VOCAB), Math.log(80));
} else if (task === "recall") {
  const recall = (count: number, draw: number) => associativeRecallExamples(count, { pairs: num(args.pairs, 4), gap: num(args.gap, 3), seed: draw, queries: args.queries === undefined ? undefined : num(args.queries, 1), equals: !args["no-equals"] });
  const o = options(num(args.hidden, 192), num(args.layers, 6), SYNTHETIC_VOCAB);
  const result = run(recall(40_000, seed), SYNTHETIC_IDS, o, Math.log(40));
  // The 40,000 training examples come round again every few hundred steps: a training loss
  // under the copy level can be memorisation. Fresh examples tell binding from it.
  const heldOut = packExamples(recall(2_000, seed + 1_000_000), o.sequenceLength, SYNTHETIC_IDS.pad);
  const losses = noGrad(() => Array.from({ length: Math.floor(heldOut.length / o.batchSize) }, (_, i) => weightedLoss(result.model, heldOut.slice(i * o.batchSize, (i + 1) * o.batchSize), o.documentMask).item()));
  process.stdout.write(`answer loss on ${heldOut.length} rows of fresh examples: ${(losses.reduce((a, b) => a + b, 0) / losses.length).toFixed(3)}\n`);
} else if (task === "contextual-drill") {
  if (args.out === undefined) throw new Error("contextual-drill: give --out DIR");
  const organism = resolve(args.organism!);
  const tokenizer = await HfTokenizer.fromDirectory(organism);
  const config = JSON.parse(readFileSync(join(organism, "config.json"), "utf8")) as { vocab_size: number; bos_token_id: number; eos_token_id: number; pad_token_id: number };
  const examples = contextualDrill(tokenizer, 20_000);
  const result = run(examples, { bos: config.bos_token_id, eos: config.eos_token_id, pad: config.pad_token_id }, options(num(args.hidden, 192), num(args.layers, 6), config.vocab_size));
  const out = resolve(args.out);
  mkdirSync(out, { recursive: true });
  for (const file of ["tokenizer.json", "tokenizer_config.json", "generation_config.json"]) cpSync(join(organism, file), join(out, file));
  writeFileAtomic(join(out, "config.json"), JSON.stringify(result.hfConfig, null, 2) + "\n");
  writeFileAtomic(join(out, "model.safetensors"), encodeSafetensors(modelTensors(result.model), { format: "pt" }));
  process.stdout.write(`wrote ${out}; evaluate with: npx bprof eval --model ${out} --benchmark benchmarks/abilities/ability_contextual_recall.yaml\n`);
} else {
  throw new Error(`unknown task "${task ?? ""}" (copy, recall or contextual-drill)`);
}

/** Contextual-recall passages (seeded apart from the probe splits), each as its probe item and as a drill over every fact. */
function contextualDrill(tokenizer: HfTokenizer, passages: number): Example[] {
  const generator = generatorFor("contextual-recall")!;
  const rng = new Rng(`organism-drill:${seed}`);
  const QUESTION: Record<string, (person: string) => string> = {
    city: (p) => `Where does ${p} live?`,
    job: (p) => `What is ${p}'s job?`,
    pet: (p) => `What pet does ${p} have?`,
    color: (p) => `What is ${p}'s favorite color?`,
  };
  const examples: Example[] = [];
  for (let i = 0; i < passages; i++) {
    const draft = rng.pick(generator.templates).make(rng, rng.chance(0.15) ? "heldout" : "train");
    examples.push(mcExample({ context: draft.context, question: draft.question, answer: draft.answer }, tokenizer, 0));
    const ids = tokenizer.encode(`Context: ${draft.context ?? ""}`, { addBos: true });
    const weights = ids.map(() => 0);
    for (const [person, relation, value] of draft.meta.facts as [string, string, string][]) {
      const question = tokenizer.encode(`\nQuestion: ${QUESTION[relation]?.(person) ?? `Who is ${person}'s ${relation}?`}\nAnswer:`, { addBos: false });
      const answer = tokenizer.encode(` ${value}`, { addBos: false });
      ids.push(...question, ...answer);
      weights.push(...question.map(() => 0), ...answer.map(() => 1));
    }
    examples.push({ inputIds: ids, weights });
  }
  return examples;
}
