import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bprof, copyOrganism, expectRefused, snapshot, writeMcSpec } from "./fault-helpers.js";

/**
 * Broken tokenizers of a Hugging Face model (a copy of the shipped organism): refused with the
 * tokenizer file named, before any scoring; nothing is written.
 */

const tmp = mkdtempSync(join(tmpdir(), "bprof-faults-tok-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let spec: string;
beforeAll(() => {
  spec = writeMcSpec(
    join(tmp, "bench"),
    "chat",
    [0, 1].map((i) => ({ id: `c${i}`, q: `Is ${i} even?`, options: ["yes", "no"], a: i % 2 })),
    ["apply_chat_template: true"],
  );
});

const cases: [string, (dir: string) => void, RegExp][] = [
  [
    "a chat template that raises: the error names tokenizer_config.json",
    (dir) => {
      const file = join(dir, "tokenizer_config.json");
      const config = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
      writeFileSync(file, JSON.stringify({ ...config, chat_template: "{{ raise_exception('template boom') }}" }));
    },
    /organism-[a-z0-9]+\/tokenizer_config\.json: field 'chat_template': the chat template failed to render a conversation: .*template boom/,
  ],
  // Kinds that were refused before, kept so they stay refused.
  [
    "no tokenizer.json",
    (dir) => rmSync(join(dir, "tokenizer.json")),
    /tokenizer\.json: missing tokenizer: no tokenizer\.json in the model directory/,
  ],
  [
    "a tokenizer.json that is not JSON",
    (dir) => writeFileSync(join(dir, "tokenizer.json"), "{ not json"),
    /tokenizer\.json: cannot load tokenizer: /,
  ],
];

describe("tokenizer faults name the tokenizer file", () => {
  it.each(cases)("%s", (_name, breakIt, message) => {
    const dir = copyOrganism(join(tmp, `organism-${Math.random().toString(36).slice(2, 8)}`));
    breakIt(dir);
    const before = snapshot(dir);
    const out = join(tmp, `out-${Math.random().toString(36).slice(2)}`);
    expectRefused(bprof("eval", "--model", dir, "--benchmark", spec, "--out", out), message);
    expect(snapshot(dir)).toEqual(before);
    expect(() => snapshot(out)).toThrow();
  });
});
