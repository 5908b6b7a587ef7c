import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bprof, expectRefused } from "./fault-helpers.js";

/**
 * Malformed benchmark specs: refused when the spec is loaded (`benchmarks validate` needs no
 * model), with the spec's file, line and field, and the message said once.
 */

const tmp = mkdtempSync(join(tmpdir(), "bprof-faults-spec-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const DATA = [0, 1, 2].map((i) => JSON.stringify({ id: `g${i}`, q: `Repeat ${i}`, t: `${i}` })).join("\n") + "\n";

function writeSpec(name: string, lines: string[]): string {
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(tmp, "data.jsonl"), DATA);
  const path = join(tmp, `${name}.yaml`);
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

const generation = [
  "task: generate_until",
  "adapter: generic",
  "data: data.jsonl",
  "template:",
  '  id: "{{id}}"',
  '  query: "{{q}}"',
  '  target: "{{t}}"',
  "metrics: [exact_match]",
];

const cases: [string, string[], RegExp][] = [
  [
    "a filter regex that does not compile: found at spec load, with file:line:field",
    [
      "name: badregex",
      ...generation,
      "filters:",
      "  - name: strict",
      "    steps:",
      "      - function: regex",
      '        pattern: "(unclosed"',
    ],
    /badregex\.yaml:14: field 'filters\.0\.steps\.0\.pattern': not a valid regular expression: .*Unterminated group/,
  ],
  [
    "a regexes_to_ignore entry that does not compile",
    ["name: badignore", ...generation, "exact_match:", "  regexes_to_ignore: ['[a-']"],
    /badignore\.yaml:11: field 'exact_match\.regexes_to_ignore\.0': not a valid regular expression/,
  ],
  [
    "an unknown adapter with a template: blamed on the adapter",
    [
      "name: unknownadapter",
      "task: generate_until",
      "adapter: genric",
      "data: data.jsonl",
      "template:",
      '  query: "{{q}}"',
      '  target: "{{t}}"',
      "metrics: [exact_match]",
    ],
    /unknownadapter\.yaml:3: field 'adapter': unknown adapter 'genric' \(known: /,
  ],
  [
    "more few-shot examples than the source has: the field named once",
    ["name: fewshot", ...generation, "generation:", "  until: ['\\n']", "fewshot:", "  n: 5"],
    /fewshot\.yaml:\d+: field 'fewshot\.n': few-shot needs 5 examples but the source has 2$/m,
  ],
  // Kinds that were refused before, kept so they stay refused.
  [
    "a metric that does not exist",
    ["name: badmetric", ...generation.slice(0, -1), "metrics: [bleu]"],
    /badmetric\.yaml:9: field 'metrics\.0': /,
  ],
  ["invalid YAML", ["name: [unclosed", ...generation], /invalid\.yaml:2: invalid YAML/],
  [
    "a template on a non-generic adapter",
    [
      "name: arcwithtemplate",
      "task: multiple_choice",
      "adapter: arc",
      "data: data.jsonl",
      "template:",
      '  query: "{{q}}"',
      "metrics: [acc]",
    ],
    /arcwithtemplate\.yaml:6: field 'template': a template only applies to the generic adapter, not 'arc'/,
  ],
];

describe("benchmark spec faults are refused at load with file:line:field", () => {
  it.each(cases)("%s", (_name, lines, message) => {
    const name = /^name: (\S+)/.exec(lines[0]!)?.[1] ?? "invalid";
    const spec = writeSpec(name.startsWith("[") ? "invalid" : name, lines);
    const r = bprof("benchmarks", "validate", spec);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(message);
    // The location is said once, not repeated by a rethrow.
    expect((r.stdout.match(/field '/g) ?? []).length).toBeLessThanOrEqual(1);
    expectRefused(r, /1 of 1 specs failed validation/);
  });
});
