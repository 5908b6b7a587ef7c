import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bprof, copyFixtureModel, expectRefused, snapshot } from "./fault-helpers.js";

/**
 * Broken config.json files, refused when the model is opened with the file and the field;
 * the model directory is never written. A config whose bias flags are off while the checkpoint
 * holds biases names the wrong architecture: its tensors are listed as unused.
 */

const tmp = mkdtempSync(join(tmpdir(), "bprof-faults-config-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Config = Record<string, unknown>;

const cases: [string, (c: Config) => Config | string, RegExp][] = [
  [
    "attention_bias and mlp_bias off, biases in the checkpoint: the unused biases listed",
    (c) => ({ ...c, attention_bias: false, mlp_bias: false }),
    /model\.safetensors: 14 tensors of the checkpoint are not used by the 'llama' architecture that config\.json names: model\.layers\.0\.mlp\.down_proj\.bias, .* and 4 more \(wrong architecture or bias flags in the config\?/,
  ],
  // Kinds that were refused before, kept so they stay refused.
  ["not JSON", () => "{ hidden_size: 32", /config\.json: .*JSON/],
  ["a missing hidden_size", (c) => ({ ...c, hidden_size: undefined }), /config\.json: field 'hidden_size': /],
  [
    "heads that do not divide the width",
    (c) => ({ ...c, num_attention_heads: 5 }),
    /config\.json: field 'num_key_value_heads': num_attention_heads 5 is not a multiple of num_key_value_heads 4/,
  ],
];

describe("config.json faults are refused at load with file and field", () => {
  it.each(cases)("%s", (_name, edit, message) => {
    const dir = copyFixtureModel("llama-tied-linear", join(tmp, `m-${Math.random().toString(36).slice(2)}`));
    const file = join(dir, "config.json");
    const edited = edit(JSON.parse(readFileSync(file, "utf8")) as Config);
    writeFileSync(file, typeof edited === "string" ? edited : JSON.stringify(edited, null, 2));
    const before = snapshot(dir);
    expectRefused(bprof("logits", "--model", dir, "--ids", "1,2"), message);
    expect(snapshot(dir)).toEqual(before);
  });
});
