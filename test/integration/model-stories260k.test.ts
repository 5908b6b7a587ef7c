import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { noGrad, scope, Tensor } from "../../src/engine/index.js";
import { loadModel } from "../../src/model/load.js";
import { requireShared, sharedPath } from "../helpers/shared.js";

/**
 * A real pretrained checkpoint: greedy decoding of stories260K from BOS must reproduce
 * llama2.c's own output, through the llama2.c loader and through the Hugging Face
 * directory that `bprof model convert` makes of it (weights and tokenizer).
 */

/**
 * `./run stories260K.bin -z tok512.bin -t 0.0 -n 200` as llama2.c's test_all.py records it
 * (200 generated tokens); its first sentences are the ones ../shared/models/README.md documents.
 */
const LLAMA2C_GREEDY_200 =
  "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. " +
  "One day, she saw a big, red ball. She wanted to play with it, but it was too high.\n" +
  "Lily's mom said, \"Lily, let's go to the park.\" Lily was sad and didn't know what to do. " +
  'She said, "I want to play with your ball, but I can\'t find it."\n' +
  "Lily was sad and didn't know what to do. She said, \"I'm sorry, Lily. I didn't know what to do.\"\n" +
  "Lily didn't want to help her mom, so she";
const README_TEXT =
  "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball.";

const ROOT = resolve(import.meta.dirname, "../..");
const bprof = (...args: string[]) =>
  execFileSync(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "src/cli/main.ts"), ...args], { encoding: "utf8" });

describe.skipIf(!requireShared("stories260K generation"))("stories260K", () => {
  const checkpoint = sharedPath("models/stories260K/stories260K.bin");
  const tokenizerBin = sharedPath("models/stories260K/tok512.bin");
  const work = mkdtempSync(join(tmpdir(), "bprof-stories260k-"));
  const converted = join(work, "hf");
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("bprof generate through the llama2.c loader reproduces llama2.c's greedy text", () => {
    const text = bprof("generate", "--model", checkpoint, "--tokenizer", tokenizerBin, "--max-new-tokens", "200").replace(/\n$/, "");
    expect(text.startsWith(README_TEXT)).toBe(true);
    expect(text.slice(0, 150)).toBe(LLAMA2C_GREEDY_200.slice(0, 150));
    expect(text).toBe(LLAMA2C_GREEDY_200);
  });

  it("bprof model convert, then bprof generate on the Hugging Face directory, gives the same text", () => {
    bprof("model", "convert", checkpoint, "--tokenizer", tokenizerBin, "--out", converted);
    const text = bprof("generate", "--model", converted, "--max-new-tokens", "200").replace(/\n$/, "");
    expect(text.slice(0, 150)).toBe(LLAMA2C_GREEDY_200.slice(0, 150));
    expect(text).toBe(LLAMA2C_GREEDY_200);
  });

  it("bprof model info reports both forms alike", () => {
    for (const [model, format, tokenizer] of [
      [checkpoint, "llama2.c checkpoint", `llama2c ${tokenizerBin}`],
      [converted, "Hugging Face directory", `huggingface ${converted}`],
    ] as const) {
      const info = bprof("model", "info", model);
      expect(info).toContain(`(${format})`);
      expect(info).toContain("llama: 5 layers, hidden 64, MLP 172, 8 heads × 8 (4 key/value heads), vocab 512");
      expect(info).toContain("parameters:     260,032"); // (file bytes − header − RoPE tables) / 4
      expect(info).toContain(`tokenizer:      ${tokenizer} (512 tokens)`);
      expect(info).toContain("chat template:  no");
    }
  });

  it("both loaders give identical logits and both tokenizers identical ids", async () => {
    const a = await loadModel(checkpoint, { tokenizer: tokenizerBin });
    const b = await loadModel(converted);
    try {
      expect(b.info.format).toBe("huggingface");
      expect(b.info.tokenizer.kind).toBe("huggingface");
      for (const text of [LLAMA2C_GREEDY_200, "Tom's dog ran 3 miles—fast! ünïcödé 日本\n\ttabs  and  spaces", " leading space", ""]) {
        expect(b.tokenizer.encode(text), text).toEqual(a.tokenizer.encode(text));
        expect(b.tokenizer.decode(b.tokenizer.encode(text))).toBe(a.tokenizer.decode(a.tokenizer.encode(text)));
      }
      const ids = a.tokenizer.encode(LLAMA2C_GREEDY_200);
      const logitsOf = (model: typeof a.model) =>
        noGrad(() => scope(() => model.forward(Tensor.fromInt64(ids, [1, ids.length])).toFloat32()));
      expect(logitsOf(b.model)).toEqual(logitsOf(a.model));
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});
