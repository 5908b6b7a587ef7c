import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { evaluateBenchmark } from "../../src/eval/evaluate.js";
import { ModelScoringLM } from "../../src/eval/model-lm.js";
import type { MultipleChoiceSample } from "../../src/eval/evaluate.js";
import { loadModel } from "../../src/model/load.js";

/**
 * What the profile pipeline tests run on: a tiny random Llama in llama2.c form (2 layers,
 * dim 16, about 13k parameters) with a byte-level tokenizer.bin, and a benchmark the model is
 * good at by construction (each item's gold is the option the model itself prefers), so that
 * at least one benchmark has a defined AIS; the shipped probes and sample benchmarks do the
 * rest. Everything is made in the test's temporary folder: nothing is committed.
 */

export const ROOT = resolve(import.meta.dirname, "../..");

export interface TinyRun {
  model: string;
  /** A spec the tiny model scores 100 % on (before ablation). */
  favourite: string;
  /** `bprof profile` arguments of a small run on it (without --out). */
  args: string[];
}

const [DIM, HIDDEN, LAYERS, HEADS, KV_HEADS, SEQ_LEN] = [16, 32, 2, 2, 2, 256];
const VOCAB = 3 + 256;

/** llama2.c tokenizer.bin: <unk>, BOS, EOS, then the 256 byte pieces; every character encodes as its UTF-8 bytes. */
export function writeByteTokenizer(path: string, extraPieces = 0): void {
  const pieces = [
    "<unk>",
    "\n<s>\n",
    "\n</s>\n",
    ...Array.from({ length: 256 }, (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`),
  ];
  for (let i = 0; i < extraPieces; i++) pieces.push(`piece${i}`);
  const parts: Buffer[] = [Buffer.alloc(4)];
  parts[0]!.writeInt32LE(Math.max(...pieces.map((p) => Buffer.byteLength(p))));
  for (const piece of pieces) {
    const bytes = Buffer.from(piece, "utf8");
    const entry = Buffer.alloc(8);
    entry.writeFloatLE(0, 0);
    entry.writeInt32LE(bytes.length, 4);
    parts.push(entry, bytes);
  }
  writeFileSync(path, Buffer.concat(parts));
}

/** A legacy llama2.c checkpoint with seeded uniform weights (norms 1), separate output head. */
export function writeTinyCheckpoint(path: string, seed = 7, seqLen = SEQ_LEN): void {
  const headDim = DIM / HEADS;
  const kvDim = headDim * KV_HEADS;
  const blocks: [number, number][] = [
    [VOCAB * DIM, 0.5], // embed
    [LAYERS * DIM, 1], // input norms
    [LAYERS * DIM * DIM, 0.4], // q
    [LAYERS * kvDim * DIM, 0.4], // k
    [LAYERS * kvDim * DIM, 0.4], // v
    [LAYERS * DIM * DIM, 0.4], // o
    [LAYERS * DIM, 1], // post-attention norms
    [LAYERS * HIDDEN * DIM, 0.4], // gate
    [LAYERS * DIM * HIDDEN, 0.4], // down
    [LAYERS * HIDDEN * DIM, 0.4], // up
    [DIM, 1], // final norm
    [seqLen * (headDim / 2), 0], // RoPE tables (not read)
    [seqLen * (headDim / 2), 0],
    [VOCAB * DIM, 0.5], // head
  ];
  const floats = blocks.reduce((s, [n]) => s + n, 0);
  const bytes = Buffer.alloc(28 + 4 * floats);
  [DIM, HIDDEN, LAYERS, HEADS, KV_HEADS, -VOCAB, seqLen].forEach((v, i) => bytes.writeInt32LE(v, 4 * i));
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  let at = 28;
  for (const [n, scale] of blocks) {
    for (let i = 0; i < n; i++, at += 4) bytes.writeFloatLE(scale === 1 ? 1 : scale * (2 * uniform() - 1), at);
  }
  writeFileSync(path, bytes);
}

const STORIES = [
  ["The cat sat on the", ["mat", "moon", "idea"]],
  ["Tom went to the park with his", ["dog", "tax", "cloud"]],
  ["She drank a glass of", ["milk", "rocks", "math"]],
  ["The sun is very", ["hot", "blue", "tall"]],
  ["Birds can", ["fly", "read", "melt"]],
  ["At night we see the", ["stars", "soup", "shoes"]],
  ["He opened the", ["door", "sky", "song"]],
  ["The baby began to", ["cry", "drive", "vote"]],
  ["We eat soup with a", ["spoon", "tree", "car"]],
  ["In winter it is", ["cold", "loud", "red"]],
  ["The fish swims in the", ["water", "oven", "book"]],
  ["Lily found a small", ["box", "war", "law"]],
] as const;

/**
 * A benchmark whose gold answer is, for every item, the option the model already prefers:
 * the base model scores 1.0 against a chance of 1/3, so AIS is defined on it.
 */
export async function writeFavouriteBenchmark(dir: string, model: string): Promise<string> {
  mkdirSync(join(dir, "data"), { recursive: true });
  const data = join(dir, "data", "favourite.jsonl");
  const spec = join(dir, "favourite.yaml");
  const write = (answers: number[]) =>
    writeFileSync(
      data,
      STORIES.map(([text, options], i) => JSON.stringify({ id: `fav-${i}`, text, options, answer: answers[i] })).join("\n") + "\n",
    );
  write(STORIES.map(() => 0));
  writeFileSync(
    spec,
    [
      "name: favourite",
      "task: multiple_choice",
      "adapter: generic",
      "data: data/favourite.jsonl",
      "template:",
      '  id: "{{id}}"',
      '  query: "{{text}}"',
      "  choices: options",
      '  gold: "{{answer}}"',
      "metrics: [acc]",
      "",
    ].join("\n"),
  );
  const loaded = await loadModel(model);
  try {
    const { samples } = await evaluateBenchmark(new ModelScoringLM(loaded.model, loaded.tokenizer), spec);
    write((samples as MultipleChoiceSample[]).map((s) => s.pred));
  } finally {
    loaded.dispose();
  }
  return spec;
}

export async function makeTinyRun(dir: string): Promise<TinyRun> {
  mkdirSync(dir, { recursive: true });
  const model = join(dir, "tiny.bin");
  writeTinyCheckpoint(model);
  writeByteTokenizer(join(dir, "tokenizer.bin"));
  const favourite = await writeFavouriteBenchmark(join(dir, "bench"), model);
  const args = [
    "--model",
    model,
    "--abilities",
    "analogical,inductive",
    "--benchmarks",
    favourite,
    "sample_story_words",
    "--self-profile",
    "--k",
    "0.01",
    "--controls",
    "random:2,bottom",
    "--limit",
    "4",
    "--bootstrap",
    "200",
  ];
  return { model, favourite, args };
}

export function bprof(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/main.ts"), ...args], { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function spawnBprof(...args: string[]): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/main.ts"), ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Every stage marker under a run directory (completed stages). */
export function stageMarkers(runDir: string): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      // A marker inside a `.partial-…` directory is not a finished stage yet: the directory is
      // renamed into place after its marker is written (a kill in between leaves it unfinished).
      if (e.isDirectory()) {
        if (!/\.(?:partial|stale)-\d+-\d+$/.test(e.name)) visit(join(dir, e.name));
      } else if (e.name === "stage.json") found.push(join(dir, e.name));
    }
  };
  visit(runDir);
  return found;
}

/** Stage directories (at their final names) that lack a marker: must never exist. */
export function stageDirsWithoutMarker(runDir: string): string[] {
  const bad: string[] = [];
  const check = (folder: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || /\.(partial|stale)-/.test(e.name)) continue;
      const path = join(folder, e.name);
      if (depth > 0) check(path, depth - 1);
      else if (!readdirSync(path).includes("stage.json")) bad.push(path);
    }
  };
  check(join(runDir, "importance"), 0);
  check(join(runDir, "masks"), 0);
  check(join(runDir, "evals"), 1);
  return bad;
}

export function readText(path: string): string {
  return readFileSync(path, "utf8");
}
