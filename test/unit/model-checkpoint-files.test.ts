import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadWeights } from "../../src/model/load.js";
import { readGenerationEosIds, stopTokenIds } from "../../src/model/generation-config.js";

const FIXTURE = resolve(import.meta.dirname, "../fixtures/models/llama-gqa");
const tmp = mkdtempSync(join(tmpdir(), "bprof-checkpoint-files-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("checkpoint files", () => {
  it("refuses a pickle-only directory and a pytorch_model.bin file, saying how to convert, without reading them", () => {
    const dir = join(tmp, "pickle");
    mkdirSync(dir);
    cpSync(join(FIXTURE, "config.json"), join(dir, "config.json"));
    // Not a valid pickle: were it opened, the error would be a different one.
    writeFileSync(join(dir, "pytorch_model.bin"), "not a pickle");
    for (const path of [dir, join(dir, "pytorch_model.bin")]) {
      expect(() => loadWeights(path)).toThrow(
        /PyTorch pickle checkpoint \(pytorch_model\.bin\).*never loads.*save_pretrained\(.*safe_serialization=True\)/,
      );
    }
  });

  it("a directory with safetensors next to a pickle loads the safetensors", () => {
    const dir = join(tmp, "both");
    cpSync(FIXTURE, dir, { recursive: true });
    writeFileSync(join(dir, "pytorch_model.bin"), "not a pickle");
    const { model } = loadWeights(dir);
    expect(model.numParameters).toBe(22688);
    model.dispose();
  });

  it("generation_config.json's eos ids end generation (else config.json's), with the tokenizer's eos", () => {
    const dir = join(tmp, "generation");
    mkdirSync(dir);
    expect(readGenerationEosIds(dir)).toBeNull();
    writeFileSync(join(dir, "generation_config.json"), JSON.stringify({ eos_token_id: [128001, 128008, 128009] }));
    expect(readGenerationEosIds(dir)).toEqual([128001, 128008, 128009]);
    expect(stopTokenIds([128001, 128008, 128009], [128001], 128009)).toEqual([128001, 128008, 128009]);
    expect(stopTokenIds(null, [2], 3)).toEqual([2, 3]);
    writeFileSync(join(dir, "generation_config.json"), JSON.stringify({ eos_token_id: "x" }));
    expect(() => readGenerationEosIds(dir)).toThrow(/generation_config\.json/);
  });
});
