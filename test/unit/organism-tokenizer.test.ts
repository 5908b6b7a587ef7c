import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SYSTEM_PROMPT, renderProbe } from "../../src/importance/render.js";
import { HfTokenizer } from "../../src/model/tokenizer/hf-tokenizer.js";
import { preTokenize, trainByteLevelBpe } from "../../src/organism/byte-level-bpe.js";
import { mcPrompt } from "../../src/organism/examples.js";
import { ORGANISM_SPECIAL_TOKENS, organismTokenizerFiles } from "../../src/organism/tokenizer-files.js";
import { loadProbeSplit } from "../../src/probes/load.js";
import { defaultProbesDir } from "../../src/probes/paths.js";

const probes = ["deductive", "temporal", "knowledge-recall"].flatMap((a) => loadProbeSplit(defaultProbesDir(), a, "train").slice(0, 200));
const tests = ["quantitative", "spatial", "commonsense-causal"].flatMap((a) => loadProbeSplit(defaultProbesDir(), a, "test").slice(0, 50));

describe("organism tokenizer (byte-level BPE written as tokenizer.json)", () => {
  let dir: string;
  let tokenizer: HfTokenizer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "bprof-organism-tok-"));
    const bpe = trainByteLevelBpe(
      [DEFAULT_SYSTEM_PROMPT, ...probes.map((p) => `${mcPrompt(p)} ${p.answer}`)],
      600,
      ORGANISM_SPECIAL_TOKENS,
    );
    const files = organismTokenizerFiles(bpe, 512);
    writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(files.tokenizerJson));
    writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify(files.tokenizerConfig));
    tokenizer = await HfTokenizer.fromDirectory(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("has the trained vocabulary, BOS, EOS and a chat template", () => {
    expect(tokenizer.vocabSize).toBe(600);
    expect(tokenizer.bosId).toBe(ORGANISM_SPECIAL_TOKENS.indexOf("<s>"));
    expect(tokenizer.eosId).toBe(ORGANISM_SPECIAL_TOKENS.indexOf("<|end|>"));
    expect(tokenizer.hasChatTemplate).toBe(true);
  });

  it("round-trips probe and benchmark text it never saw, unseen words and non-ASCII through byte fallback", () => {
    const texts = [
      ...tests.map((p) => `${mcPrompt(p)} ${p.answer}`),
      "Zyxquvian façade — naïve 東京 🙂 12345 $480",
      "  leading spaces\tand tabs\n\nand blank lines  ",
    ];
    for (const text of texts) {
      const ids = tokenizer.encode(text, { addBos: true });
      expect(ids[0]).toBe(tokenizer.bosId);
      expect(tokenizer.decode(ids)).toBe(text);
    }
  });

  it("merges frequent words into single tokens and reads numbers digit by digit", () => {
    expect(tokenizer.encode(" the", { addBos: false })).toHaveLength(1);
    expect(tokenizer.encode("2026", { addBos: false })).toHaveLength(4);
    expect(preTokenize("in 1835 it")).toEqual(["in", "Ġ", "1", "8", "3", "5", "Ġit"]);
  });

  it("renders probes through its chat template with the answer as the continuation", () => {
    const prompt = tokenizer.applyChatTemplate([{ role: "user", content: "hi" }], { addGenerationPrompt: true });
    expect(prompt).toBe("<s><|user|>\nhi<|end|>\n<|assistant|>\n");
    const item = tests[0]!;
    const rendered = renderProbe(item, tokenizer, { systemPrompt: DEFAULT_SYSTEM_PROMPT, lossScope: "answer" });
    const answerIds = rendered.inputIds.filter((_, t) => rendered.lossMask[t] === 1);
    // The template closes the turn with <|end|> (EOS, left out by decode) and a newline.
    expect(tokenizer.decode(answerIds)).toBe(`Answer: ${item.answer}\n`);
    expect(answerIds.at(-2)).toBe(tokenizer.eosId);
  });

  it("trains the same merges from the same texts", () => {
    const texts = probes.slice(0, 50).map((p) => p.question);
    expect(trainByteLevelBpe(texts, 400, ORGANISM_SPECIAL_TOKENS).merges).toEqual(
      trainByteLevelBpe(texts, 400, ORGANISM_SPECIAL_TOKENS).merges,
    );
  });
});
