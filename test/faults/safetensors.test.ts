import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bprof, copyFixtureModel, expectRefused, snapshot } from "./fault-helpers.js";
import {
  appendTensor,
  entry,
  insertBytes,
  readSafetensorsFile,
  removeTensor,
  writeSafetensorsParts,
  type SafetensorsParts,
} from "./safetensors-edit.js";

/**
 * Corrupt safetensors checkpoints, each refused when the model is opened (before a forward
 * pass) with the file and the tensor named; the model directory is never written. The model
 * is a committed 2-layer Llama (test/fixtures/models/llama3-rope); `bprof logits` loads only
 * the weights, so no tokenizer is needed.
 */

const tmp = mkdtempSync(join(tmpdir(), "bprof-faults-st-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const Q0 = "model.layers.0.self_attn.q_proj.weight";
const O0 = "model.layers.0.self_attn.o_proj.weight";
const DOWN1 = "model.layers.1.mlp.down_proj.weight";

function setF32(parts: SafetensorsParts, name: string, index: number, value: number): void {
  parts.data.writeFloatLE(value, entry(parts, name).data_offsets[0] + 4 * index);
}

const cases: [string, (parts: SafetensorsParts) => void, RegExp][] = [
  // The ones that passed silently before.
  [
    "overlapping data offsets (o_proj reads q_proj's bytes)",
    (p) => {
      entry(p, O0).data_offsets = [...entry(p, Q0).data_offsets];
    },
    /model\.safetensors: field 'model\.layers\.0\.self_attn\.(o|q)_proj\.weight': data_offsets \[\d+, \d+\] overlap those of 'model\.layers\.0\.self_attn\.(q|o)_proj\.weight'/,
  ],
  [
    "NaN in layer 1's down_proj: named with its first bad index",
    (p) => {
      for (let i = 37; i < 47; i++) setF32(p, DOWN1, i, NaN);
    },
    /model\.safetensors: field 'model\.layers\.1\.mlp\.down_proj\.weight': tensor 'model\.layers\.1\.mlp\.down_proj\.weight' holds a non-finite value \(NaN\) at index \[0, 37\]/,
  ],
  [
    "+Inf in the embeddings",
    (p) => setF32(p, "model.embed_tokens.weight", 70, Infinity),
    /field 'model\.embed_tokens\.weight': tensor 'model\.embed_tokens\.weight' holds a non-finite value \(Infinity\) at index \[2, 6\]/,
  ],
  [
    "a q_proj.bias (5.0) in a Llama checkpoint without attention_bias",
    (p) => appendTensor(p, "model.layers.0.self_attn.q_proj.bias", [64], 5),
    /1 tensor of the checkpoint is not used by the 'llama' architecture that config\.json names: model\.layers\.0\.self_attn\.q_proj\.bias \(.*--allow-unused-tensors/,
  ],
  [
    "an unknown extra_proj and a bias: both listed",
    (p) => {
      appendTensor(p, "model.layers.1.extra_proj.weight", [4, 4], 1);
      appendTensor(p, "model.layers.0.mlp.down_proj.bias", [32], 1);
    },
    /2 tensors of the checkpoint are not used .*: model\.layers\.0\.mlp\.down_proj\.bias, model\.layers\.1\.extra_proj\.weight/,
  ],
  [
    "a gap in the data section",
    (p) => insertBytes(p, entry(p, "model.norm.weight").data_offsets[0], 8),
    /field 'model\.norm\.weight': data_offsets \[\d+, \d+\] leave bytes \d+–\d+ of the data section unused/,
  ],
  [
    "a header entry for bytes the data does not hold (removed tensor, header kept)",
    (p) => (p.data = p.data.subarray(0, entry(p, "model.norm.weight").data_offsets[0])),
    /truncated safetensors file: tensor ends at data byte \d+ but the file holds \d+ data bytes/,
  ],
  // Kinds that were already refused, kept so they stay refused.
  [
    "a tensor running past the end of the file",
    (p) => (p.data = p.data.subarray(0, p.data.length - 4)),
    /truncated safetensors file: tensor ends at data byte \d+ but the file holds \d+ data bytes/,
  ],
  [
    "offsets that disagree with the shape",
    (p) => (entry(p, Q0).data_offsets[1] -= 4),
    /data_offsets \[\d+, \d+\] do not match shape \[64, 32\] of F32/,
  ],
  [
    "an unknown dtype",
    (p) => (entry(p, Q0).dtype = "F7"),
    /field 'model\.layers\.0\.self_attn\.q_proj\.weight': unknown safetensors dtype 'F7'/,
  ],
  ["a missing tensor", (p) => removeTensor(p, DOWN1), /field 'model\.layers\.1\.mlp\.down_proj\.weight': missing tensor/],
  [
    "a tensor of the wrong shape",
    (p) => (entry(p, Q0).shape = [32, 64]),
    /tensor 'model\.layers\.0\.self_attn\.q_proj\.weight' has shape \[32, 64\] but config\.json implies \[64, 32\]/,
  ],
];

describe("corrupt safetensors are refused at load, naming the file and tensor", () => {
  it.each(cases)("%s", (_name, corrupt, message) => {
    const dir = copyFixtureModel("llama3-rope", join(tmp, `m-${Math.random().toString(36).slice(2)}`));
    const file = join(dir, "model.safetensors");
    const parts = readSafetensorsFile(file);
    corrupt(parts);
    writeSafetensorsParts(file, parts);
    const before = snapshot(dir);
    const r = bprof("logits", "--model", dir, "--ids", "1,2,3");
    expectRefused(r, message);
    expect(r.stdout).toBe("");
    expect(snapshot(dir)).toEqual(before);
  });

  it("--allow-unused-tensors loads a checkpoint with an unused tensor, with a warning listing it", () => {
    const dir = copyFixtureModel("llama3-rope", join(tmp, "allowed"));
    const file = join(dir, "model.safetensors");
    const parts = readSafetensorsFile(file);
    appendTensor(parts, "model.layers.0.self_attn.q_proj.bias", [64], 5);
    writeSafetensorsParts(file, parts);
    const r = bprof("logits", "--model", dir, "--ids", "1,2,3", "--allow-unused-tensors", "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/bprof: warning: .*model\.layers\.0\.self_attn\.q_proj\.bias \(ignored: --allow-unused-tensors\)/);
  });

  it("a header that is not JSON (kept: refused before)", () => {
    const dir = copyFixtureModel("llama3-rope", join(tmp, "not-json"));
    const header = Buffer.from("{not json}   ");
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(header.length));
    writeFileSync(join(dir, "model.safetensors"), Buffer.concat([length, header]));
    expectRefused(bprof("logits", "--model", dir, "--ids", "1"), /model\.safetensors: invalid safetensors header JSON/);
  });
});
