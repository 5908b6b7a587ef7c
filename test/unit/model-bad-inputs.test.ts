import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BprofError } from "../../src/errors.js";
import { readLlama2cCheckpoint } from "../../src/model/loaders/llama2c.js";
import { loadModel, loadWeights } from "../../src/model/load.js";
import { Llama2cTokenizer } from "../../src/model/tokenizer/llama2c-tokenizer.js";

/**
 * Every bad model input ends in a BprofError that names the file and what is wrong (and,
 * through the CLI, a non-zero exit). Each case corrupts a copy of a good fixture.
 */

const ROOT = resolve(import.meta.dirname, "../..");
const FIXTURE = join(ROOT, "test/fixtures/models/llama-tied-linear");
const work = mkdtempSync(join(tmpdir(), "bprof-bad-model-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let cases = 0;
/** A fresh copy of the fixture directory, corrupted by `spoil`. */
function spoiledCopy(spoil: (dir: string) => void): string {
  const dir = join(work, `case-${cases++}`);
  cpSync(FIXTURE, dir, { recursive: true });
  spoil(dir);
  return dir;
}

function thrown(fn: () => unknown): BprofError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BprofError);
    return err as BprofError;
  }
  throw new Error("expected a BprofError, nothing was thrown");
}

/** The safetensors header of a file as [JSON object, data bytes]. */
function splitSafetensors(path: string): [Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>, Buffer] {
  const bytes = readFileSync(path);
  const n = Number(bytes.readBigUInt64LE(0));
  return [JSON.parse(bytes.subarray(8, 8 + n).toString("utf8")), bytes.subarray(8 + n)];
}

function joinSafetensors(path: string, header: object, data: Buffer): void {
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(path, Buffer.concat([length, json, data]));
}

describe("bad safetensors and config.json", () => {
  it("truncated safetensors", () => {
    const dir = spoiledCopy((d) => {
      const bytes = readFileSync(join(d, "model.safetensors"));
      writeFileSync(join(d, "model.safetensors"), bytes.subarray(0, bytes.length - 1000));
    });
    const err = thrown(() => loadWeights(dir));
    expect(err.file).toBe(join(dir, "model.safetensors"));
    expect(err.message).toMatch(/truncated safetensors file/);
  });

  it("invalid header JSON", () => {
    const dir = spoiledCopy((d) => {
      const bytes = readFileSync(join(d, "model.safetensors"));
      bytes.write("{not json", 8, "utf8");
      writeFileSync(join(d, "model.safetensors"), bytes);
    });
    const err = thrown(() => loadWeights(dir));
    expect(err.file).toBe(join(dir, "model.safetensors"));
    expect(err.message).toMatch(/invalid safetensors header JSON/);
  });

  it("unsupported dtype", () => {
    const dir = spoiledCopy((d) => {
      const [header, data] = splitSafetensors(join(d, "model.safetensors"));
      header["model.norm.weight"]!.dtype = "I32"; // same byte size as F32, so the offsets stay valid
      joinSafetensors(join(d, "model.safetensors"), header, data);
    });
    const err = thrown(() => loadWeights(dir));
    expect(err.file).toBe(join(dir, "model.safetensors"));
    expect(err.field).toBe("model.norm.weight");
    expect(err.message).toMatch(/unsupported dtype I32/);
  });

  it("missing tensor", () => {
    const dir = spoiledCopy((d) => {
      const [header, data] = splitSafetensors(join(d, "model.safetensors"));
      // Renamed rather than deleted: its bytes stay described, so only the name is missing.
      header["model.layers.1.mlp.up_proj.renamed"] = header["model.layers.1.mlp.up_proj.weight"]!;
      delete header["model.layers.1.mlp.up_proj.weight"];
      joinSafetensors(join(d, "model.safetensors"), header, data);
    });
    const err = thrown(() => loadWeights(dir));
    expect(err.message).toContain(join(dir, "model.safetensors"));
    expect(err.field).toBe("model.layers.1.mlp.up_proj.weight");
    expect(err.message).toMatch(/missing tensor 'model.layers.1.mlp.up_proj.weight'/);
  });

  it("tensor shape that contradicts config.json", () => {
    const dir = spoiledCopy((d) => {
      const config = JSON.parse(readFileSync(join(d, "config.json"), "utf8"));
      config.intermediate_size = 50;
      writeFileSync(join(d, "config.json"), JSON.stringify(config));
    });
    const err = thrown(() => loadWeights(dir));
    expect(err.file).toBe(join(dir, "model.safetensors"));
    expect(err.field).toBe("model.layers.0.mlp.gate_proj.weight");
    expect(err.message).toMatch(/has shape \[48, 32\] but config.json implies \[50, 32\]/);
  });

  it("unknown model_type", () => {
    const dir = spoiledCopy((d) => {
      const config = JSON.parse(readFileSync(join(d, "config.json"), "utf8"));
      config.model_type = "gpt2";
      writeFileSync(join(d, "config.json"), JSON.stringify(config));
    });
    const err = thrown(() => loadWeights(dir));
    expect(err.file).toBe(join(dir, "config.json"));
    expect(err.field).toBe("model_type");
    expect(err.message).toMatch(/unknown model_type 'gpt2'/);
  });

  it("missing tokenizer (Hugging Face directory)", async () => {
    const err = await loadModel(FIXTURE).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BprofError);
    expect((err as BprofError).file).toBe(join(FIXTURE, "tokenizer.json"));
    expect((err as BprofError).message).toMatch(/missing tokenizer/);
  });
});

describe("bad llama2.c inputs", () => {
  /** A valid tiny llama2.c checkpoint: dim 8, hidden 16, 1 layer, 2 heads, 1 kv head, vocab 6, seq 4 (shared head). */
  function tinyLlama2c(path: string): number {
    const [dim, hidden, layers, heads, kvHeads, vocab, seq] = [8, 16, 1, 2, 1, 6, 4];
    const kvDim = (dim / heads) * kvHeads;
    const floats =
      vocab * dim + layers * (dim + dim * dim + 2 * kvDim * dim + dim * dim + dim + 3 * hidden * dim) + dim + seq * (dim / heads);
    const bytes = Buffer.alloc(28 + 4 * floats);
    [dim, hidden, layers, heads, kvHeads, vocab, seq].forEach((v, i) => bytes.writeInt32LE(v, 4 * i));
    for (let i = 0; i < floats; i++) bytes.writeFloatLE(Math.sin(i), 28 + 4 * i);
    writeFileSync(path, bytes);
    return bytes.length;
  }

  it("reads a well-formed checkpoint (the cases below only differ by their defect)", () => {
    const path = join(work, "good.bin");
    tinyLlama2c(path);
    const checkpoint = readLlama2cCheckpoint(path);
    expect(checkpoint.config.numKeyValueHeads).toBe(1);
    expect(checkpoint.tensors.describe("model.layers.0.self_attn.k_proj.weight")?.shape).toEqual([4, 8]);
  });

  it("truncated llama2.c checkpoint", () => {
    const path = join(work, "truncated.bin");
    const size = tinyLlama2c(path);
    writeFileSync(path, readFileSync(path).subarray(0, size - 10));
    const err = thrown(() => readLlama2cCheckpoint(path));
    expect(err.file).toBe(path);
    expect(err.message).toMatch(/truncated llama2.c checkpoint: .* needs \d+ bytes, the file has \d+/);
  });

  it("missing tokenizer (llama2.c checkpoint with no tokenizer.bin beside it)", async () => {
    const path = join(work, "lonely.bin");
    tinyLlama2c(path);
    const err = await loadModel(path).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BprofError);
    expect((err as BprofError).file).toBe(path);
    expect((err as BprofError).message).toMatch(/missing tokenizer: neither tokenizer.bin nor tok6.bin/);
  });

  it("truncated tokenizer.bin", () => {
    const path = join(work, "tok.bin");
    const piece = Buffer.from("hello");
    const bytes = Buffer.alloc(4 + 8 + piece.length);
    bytes.writeInt32LE(5, 0);
    bytes.writeFloatLE(0, 4);
    bytes.writeInt32LE(20, 8); // claims 20 bytes, has 5
    piece.copy(bytes, 12);
    writeFileSync(path, bytes);
    const err = thrown(() => new Llama2cTokenizer(path));
    expect(err.file).toBe(path);
    expect(err.message).toMatch(/truncated tokenizer.bin: token 0 claims 20 bytes/);
  });
});

describe("through the CLI", () => {
  it("exits non-zero with the file and the problem on stderr, and prints nothing on stdout", () => {
    const dir = spoiledCopy((d) => {
      const config = JSON.parse(readFileSync(join(d, "config.json"), "utf8"));
      config.model_type = "gpt2";
      writeFileSync(join(d, "config.json"), JSON.stringify(config));
    });
    const tsx = join(ROOT, "node_modules/.bin/tsx");
    const run = spawnSync(tsx, [join(ROOT, "src/cli/main.ts"), "logits", "--model", dir, "--ids", "1,2"], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`bprof: error: ${join(dir, "config.json")}: field 'model_type': unknown model_type 'gpt2'`);
    // The same command on the good fixture succeeds: the failure above is the input's doing.
    expect(execFileSync(tsx, [join(ROOT, "src/cli/main.ts"), "logits", "--model", FIXTURE, "--ids", "1,2"], { encoding: "utf8" })).toMatch(
      /last-position logits over 64 tokens/,
    );
  });
});
