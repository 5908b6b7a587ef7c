import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { expect, it } from "vitest";
import { HfTokenizer } from "../../src/model/tokenizer/hf-tokenizer.js";

const ROOT = resolve(import.meta.dirname, "../..");
const ORGANISM = join(ROOT, "models/organism");

it("generate --chat renders the prompt with the model's chat template and prints the reply without the stop token", async () => {
  const prompt = "Question: What is 2 plus 3?";
  const r = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "src/cli/main.ts"),
      "generate",
      "--model",
      ORGANISM,
      "--chat",
      "--prompt",
      prompt,
      "--max-new-tokens",
      "20",
      "--json",
    ],
    { cwd: ROOT, encoding: "utf8" },
  );
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { promptIds: number[]; newIds: number[]; text: string };
  const tokenizer = await HfTokenizer.fromDirectory(ORGANISM);
  const rendered = tokenizer.applyChatTemplate([{ role: "user", content: prompt }], { addGenerationPrompt: true })!;
  expect(rendered).toContain("<|assistant|>");
  expect(out.promptIds).toEqual(tokenizer.encode(rendered, { addBos: false }));
  expect(out.newIds.at(-1)).toBe(2); // generation_config.json's eos_token_id
  expect(out.text).toBe(tokenizer.decode(out.newIds.slice(0, -1)));
  expect(out.text).toMatch(/^Answer: /);
}, 60_000);
