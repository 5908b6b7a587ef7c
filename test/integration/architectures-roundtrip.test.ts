import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readMask } from "../../src/masks/mask.js";
import { readModelConfig } from "../../src/model/config.js";
import { expectedParameterNames } from "../../src/model/parameters.js";
import { writeByteTokenizer } from "./profile-fixture.js";

/**
 * importance → select → ablated evaluation on each newer architecture's tiny random
 * fixture (the checkpoints whose logits and gradients model-golden.test.ts checks against
 * PyTorch), with a byte-level tokenizer: the pipeline runs end to end and the masks name
 * the checkpoint's own tensors (Phi-3: the fused qkv_proj and gate_up_proj).
 */

const ROOT = resolve(import.meta.dirname, "../..");
const FIXTURES = join(ROOT, "test/fixtures/models");
const tmp = mkdtempSync(join(tmpdir(), "bprof-architectures-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const tokenizer = join(tmp, "tokenizer.bin");
writeByteTokenizer(tokenizer);

function bprof(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/main.ts"), ...args], { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.each([
  ["qwen3-qknorm", "self_attn.q_proj"],
  ["gemma2-softcap", "self_attn.q_proj"],
  ["gemma3-local-global", "self_attn.q_proj"],
  ["phi3-fused", "self_attn.qkv_proj"],
])("round trip %s", (fixture, attentionMatrix) => {
  it("profiles (importance, select, eval) with masks in the checkpoint's own names", { timeout: 120_000 }, () => {
    const model = join(FIXTURES, fixture);
    const out = join(tmp, fixture);
    const r = bprof(
      "profile",
      "--model",
      model,
      "--tokenizer",
      tokenizer,
      "--abilities",
      "analogical",
      "--benchmarks",
      "sample_story_words",
      "--variants",
      "mlp,all",
      "--k",
      "0.01",
      "--controls",
      "bottom",
      "--limit",
      "4",
      "--bootstrap",
      "50",
      "--quiet",
      "--out",
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    const profile = JSON.parse(readFileSync(join(out, "profile.json"), "utf8")) as { model: { name?: string } };
    expect(profile).toBeTruthy();

    const names = new Set(expectedParameterNames(readModelConfig(join(model, "config.json"))));
    const masks = readdirSync(join(out, "masks"));
    expect(masks.filter((m) => /\.all-k0\.01-top-/.test(m))).toHaveLength(1);
    for (const dir of masks) {
      const mask = readMask(join(out, "masks", dir));
      expect(mask.tensors.reduce((sum, t) => sum + t.indices.length, 0)).toBe(mask.recipe.n);
      for (const t of mask.tensors) expect(names.has(t.name), t.name).toBe(true);
      if (dir.includes(".all-k0.01-top-") && !dir.includes("bottom")) {
        // 1 % of the whole model, from attention and MLP alike: the attention matrices are named as stored.
        expect(
          mask.tensors.some((t) => t.name.includes(attentionMatrix)),
          mask.tensors.map((t) => t.name).join(", "),
        ).toBe(true);
      }
    }
  });
});
