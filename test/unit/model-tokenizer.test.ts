import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HfTokenizer } from "../../src/model/tokenizer/hf-tokenizer.js";
import { llama2cTokenizerToHf } from "../../src/model/tokenizer/llama2c-to-hf.js";
import { Llama2cTokenizer } from "../../src/model/tokenizer/llama2c-tokenizer.js";

/**
 * A hand-made llama2.c tokenizer.bin: the three specials, the 256 byte pieces, then a few
 * characters and merges whose scores decide the merge order. Encoding follows llama2.c's
 * run.c; the tokenizer.json made from it must encode and decode the same.
 */

const work = mkdtempSync(join(tmpdir(), "bprof-tokenizer-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SPECIALS = ["<unk>", "\n<s>\n", "\n</s>\n"];
const BYTES = Array.from({ length: 256 }, (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`);
/** [piece, score]: higher scores merge first, as SentencePiece BPE exports them (−rank). */
const LEARNED: [string, number][] = [
  [" t", -1],
  ["he", -2],
  [" the", -3],
  [" c", -4],
  ["at", -5],
  [" cat", -6],
  [" s", -7],
  ["at ", -50],
  [" ", -100],
  ["t", -101],
  ["h", -102],
  ["e", -103],
  ["c", -104],
  ["a", -105],
  ["s", -106],
  ["!", -107],
];
const PIECES: [string, number][] = [
  ...SPECIALS.map((p): [string, number] => [p, 0]),
  ...BYTES.map((p): [string, number] => [p, 0]),
  ...LEARNED,
];
const idOf = (piece: string) => PIECES.findIndex(([p]) => p === piece);

function writeTokenizerBin(path: string): void {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(4);
  head.writeInt32LE(Math.max(...PIECES.map(([p]) => Buffer.byteLength(p))));
  parts.push(head);
  for (const [piece, score] of PIECES) {
    const bytes = Buffer.from(piece, "utf8");
    const entry = Buffer.alloc(8);
    entry.writeFloatLE(score, 0);
    entry.writeInt32LE(bytes.length, 4);
    parts.push(entry, bytes);
  }
  writeFileSync(path, Buffer.concat(parts));
}

const binPath = join(work, "tokenizer.bin");
writeTokenizerBin(binPath);
const bin = new Llama2cTokenizer(binPath);

describe("llama2.c tokenizer.bin", () => {
  it("merges by score after a dummy-prefix space, with BOS first", () => {
    // " the cat" → chars " ","t","h","e"," ","c","a","t" → " t","he" → " the" ... " c","at" → " cat"
    expect(bin.encode("the cat")).toEqual([1, idOf(" the"), idOf(" cat")]);
    expect(bin.encode("the cat", { addBos: false })).toEqual([idOf(" the"), idOf(" cat")]);
    expect(bin.encode("")).toEqual([1]);
  });

  it("falls back to UTF-8 byte pieces for unknown characters", () => {
    // é is C3 A9 in UTF-8; byte piece <0xXX> has id 3 + byte
    expect(bin.encode("té", { addBos: false })).toEqual([idOf(" t"), 3 + 0xc3, 3 + 0xa9]);
    expect(bin.decode(bin.encode("té!"))).toBe("té!");
  });

  it("decodes without specials and without the dummy-prefix space", () => {
    expect(bin.decode([1, idOf(" the"), idOf(" cat"), 2])).toBe("the cat");
    expect(bin.bosId).toBe(1);
    expect(bin.eosId).toBe(2);
    expect(bin.vocabSize).toBe(PIECES.length);
    expect(bin.applyChatTemplate()).toBeNull();
  });
});

describe("the equivalent Hugging Face tokenizer", () => {
  const dir = join(work, "hf");
  const files = llama2cTokenizerToHf(bin, 64);
  const write = (config: object) => {
    writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(files.tokenizerJson));
    writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify(config));
  };

  it("encodes and decodes like tokenizer.bin", async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    write(files.tokenizerConfig as object);
    const hf = await HfTokenizer.fromDirectory(dir);
    for (const text of ["the cat", "that cat sat!", "  the  ", "té!", "", "cat\nthe ✓"]) {
      expect(hf.encode(text), JSON.stringify(text)).toEqual(bin.encode(text));
      expect(hf.encode(text, { addBos: false })).toEqual(bin.encode(text, { addBos: false }));
      expect(hf.decode(hf.encode(text))).toBe(bin.decode(bin.encode(text)));
    }
    expect(hf.bosId).toBe(1);
    expect(hf.eosId).toBe(2);
    expect(hf.hasChatTemplate).toBe(false);
    expect(hf.applyChatTemplate([{ role: "user", content: "hi" }], { addGenerationPrompt: true })).toBeNull();
  });

  it("renders the chat template from tokenizer_config.json", async () => {
    const template =
      "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}\n{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}";
    write({ ...(files.tokenizerConfig as object), chat_template: template });
    const hf = await HfTokenizer.fromDirectory(dir);
    expect(hf.hasChatTemplate).toBe(true);
    const messages = [
      { role: "system" as const, content: "Be brief." },
      { role: "user" as const, content: "the cat?" },
    ];
    expect(hf.applyChatTemplate(messages, { addGenerationPrompt: true })).toBe("<|system|>Be brief.\n<|user|>the cat?\n<|assistant|>");
    expect(hf.applyChatTemplate(messages, { addGenerationPrompt: false })).toBe("<|system|>Be brief.\n<|user|>the cat?\n");
  });
});
