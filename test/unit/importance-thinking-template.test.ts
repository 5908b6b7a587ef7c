import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderProbe } from "../../src/importance/render.js";
import { HfTokenizer } from "../../src/model/tokenizer/hf-tokenizer.js";
import type { ProbeItem } from "../../src/probes/schema.js";

/**
 * Qwen3's chat template opens the final assistant turn with a thinking block, empty when
 * the message has none. The answer loss must cover the answer and the end of the turn only.
 * The template below is the system/user/assistant part of Qwen3's published template (tool
 * calls left out), rendered by the same Jinja engine as a real Qwen3 tokenizer's; the
 * vocabulary is the organism's byte-level BPE (any text encodes).
 */
const QWEN3_TEMPLATE = [
  "{%- if messages[0].role == 'system' %}{{- '<|im_start|>system\\n' + messages[0].content + '<|im_end|>\\n' }}{%- endif %}",
  "{%- set ns = namespace(last_query_index=messages|length - 1) %}",
  "{%- for message in messages %}{%- if message.role == 'user' %}{%- set ns.last_query_index = loop.index0 %}{%- endif %}{%- endfor %}",
  "{%- for message in messages %}",
  "{%- set content = message.content %}",
  "{%- if message.role == 'user' or (message.role == 'system' and not loop.first) %}",
  "{{- '<|im_start|>' + message.role + '\\n' + content + '<|im_end|>' + '\\n' }}",
  "{%- elif message.role == 'assistant' %}",
  "{%- set reasoning_content = '' %}",
  "{%- if '</think>' in content %}",
  "{%- set reasoning_content = content.split('</think>')[0].split('<think>')[-1] %}",
  "{%- set content = content.split('</think>')[-1] %}",
  "{%- endif %}",
  "{%- if loop.index0 > ns.last_query_index and (loop.last or reasoning_content) %}",
  "{{- '<|im_start|>' + message.role + '\\n<think>\\n' + reasoning_content + '\\n</think>\\n\\n' + content }}",
  "{%- else %}{{- '<|im_start|>' + message.role + '\\n' + content }}{%- endif %}",
  "{{- '<|im_end|>\\n' }}",
  "{%- endif %}",
  "{%- endfor %}",
  "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}",
].join("");

const ITEM: ProbeItem = {
  id: "p1",
  ability: "x",
  context: "Ann has a cat.",
  question: "Who has a cat?",
  options: ["Ann", "Bo"],
  answer: "Ann",
};
const dir = mkdtempSync(join(tmpdir(), "bprof-qwen3-template-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Qwen3 chat template", () => {
  let tokenizer: HfTokenizer;
  beforeAll(async () => {
    cpSync(resolve(import.meta.dirname, "../../models/organism/tokenizer.json"), join(dir, "tokenizer.json"));
    writeFileSync(
      join(dir, "tokenizer_config.json"),
      JSON.stringify({ tokenizer_class: "PreTrainedTokenizerFast", chat_template: QWEN3_TEMPLATE }),
    );
    tokenizer = await HfTokenizer.fromDirectory(dir);
  });

  it("renders the empty thinking block before the answer, as Qwen3 does", () => {
    const text = tokenizer.applyChatTemplate(
      [
        { role: "user", content: "Q" },
        { role: "assistant", content: "A" },
      ],
      { addGenerationPrompt: false },
    );
    expect(text).toBe("<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nA<|im_end|>\n");
  });

  it("keeps the thinking block out of the answer loss", () => {
    const rendered = renderProbe(ITEM, tokenizer, { systemPrompt: "Be nice.", lossScope: "answer" });
    const counted = rendered.inputIds.filter((_, t) => rendered.lossMask[t] === 1);
    expect(tokenizer.decode(counted)).toBe("Answer: Ann<|im_end|>\n");
    const prompt = rendered.inputIds.filter((_, t) => rendered.lossMask[t] === 0);
    expect(tokenizer.decode(prompt)).toMatch(/<\|im_start\|>assistant\n<think>\n\n<\/think>\n\n$/);
  });
});
