import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BprofError } from "../../src/errors.js";
import { renderProbe } from "../../src/importance/render.js";
import { HfTokenizer } from "../../src/model/tokenizer/hf-tokenizer.js";
import { parseTemplateDate, strftimeFixed } from "../../src/model/tokenizer/template-date.js";

const ORGANISM = resolve(import.meta.dirname, "../../models/organism");

/**
 * The organism's tokenizer with a template that reads the date the way Llama-3.1's does
 * (`strftime_now` if defined, else a fallback), so the rendered text shows which date it saw.
 */
function datedTokenizerDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "bprof-template-date-"));
  copyFileSync(join(ORGANISM, "tokenizer.json"), join(dir, "tokenizer.json"));
  const config = JSON.parse(readFileSync(join(ORGANISM, "tokenizer_config.json"), "utf8")) as Record<string, unknown>;
  config.chat_template =
    "{%- if strftime_now is defined %}{%- set date_string = strftime_now('%d %b %Y') %}{%- else %}{%- set date_string = 'no clock' %}{%- endif %}" +
    "{{ bos_token }}Today Date: {{ date_string }}\n{% for message in messages %}{{ '<|' + message['role'] + '|>\\n' + message['content'] + '<|end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";
  writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify(config));
  return dir;
}

describe("chat templates that read the date", () => {
  const dir = datedTokenizerDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("see the fixed date, 26 Jul 2024 by default, whatever the clock says", async () => {
    const tokenizer = await HfTokenizer.fromDirectory(dir);
    const text = tokenizer.applyChatTemplate([{ role: "user", content: "hi" }], { addGenerationPrompt: true })!;
    expect(text).toContain("Today Date: 26 Jul 2024\n");
    const other = tokenizer.applyChatTemplate([{ role: "user", content: "hi" }], { addGenerationPrompt: true, date: "2025-01-02" })!;
    expect(other).toContain("Today Date: 02 Jan 2025\n");
  });

  it("render a probe to the same tokens for the same date, and other tokens for another", async () => {
    const tokenizer = await HfTokenizer.fromDirectory(dir);
    const item = {
      id: "x",
      ability: "temporal",
      question: "What day follows Monday?",
      options: ["Tuesday", "Friday", "Sunday", "Monday"],
      answer: "Tuesday",
    };
    const opts = { systemPrompt: "You are a helpful assistant.", lossScope: "answer" as const };
    const a = renderProbe(item, tokenizer, opts);
    const b = renderProbe(item, tokenizer, { ...opts, templateDate: "2024-07-26" });
    const c = renderProbe(item, tokenizer, { ...opts, templateDate: "2030-12-31" });
    expect(b.inputIds).toEqual(a.inputIds);
    expect(c.inputIds).not.toEqual(a.inputIds);
    // The answer-only loss scope counts the same answer tokens either way.
    expect(c.lossMask.reduce((s, m) => s + m, 0)).toBe(a.lossMask.reduce((s, m) => s + m, 0));
  });

  it("leave a template that does not read the date as it is", async () => {
    const tokenizer = await HfTokenizer.fromDirectory(ORGANISM);
    expect(tokenizer.applyChatTemplate([{ role: "user", content: "hi" }], { addGenerationPrompt: true })).toBe(
      "<s><|user|>\nhi<|end|>\n<|assistant|>\n",
    );
  });

  it("format like Python's strftime and reject a date that is not a calendar day", () => {
    expect(strftimeFixed("2024-07-26", "%d %b %Y")).toBe("26 Jul 2024");
    expect(strftimeFixed("2024-02-09", "%Y-%m-%d %B %H:%M %%")).toBe("2024-02-09 February 00:00 %");
    expect(parseTemplateDate("2024-02-29")).toBe("2024-02-29");
    expect(() => parseTemplateDate("2023-02-29")).toThrow(BprofError);
    expect(() => parseTemplateDate("26 Jul 2024")).toThrow(/YYYY-MM-DD/);
  });
});
