import { basename } from "node:path";
import { BprofError } from "../../errors.js";
import { readJson } from "../files/json.js";
import type { GenerationDoc } from "../items.js";
import type { BenchmarkAdapter } from "./adapter.js";
import { asObject, stringField } from "./fields.js";

/**
 * BIG-Bench Hard as suzgunmirac/BIG-Bench-Hard ships each task: `{"examples": [{"input",
 * "target"}]}`. Generation in lm-eval's "Q: {input}\nA:" format; the task's description and
 * stop sequences live in its spec.
 */
export const bbhAdapter: BenchmarkAdapter = {
  name: "bbh",
  task: "generate_until",
  load(dataPath, { badRows }) {
    const data = asJsonObject(readJson(dataPath), dataPath);
    const examples = data.examples;
    if (!Array.isArray(examples)) throw new BprofError("expected a list", { file: dataPath, field: "examples" });
    const task = basename(dataPath, ".json");
    const docs: GenerationDoc[] = [];
    examples.forEach((value, index) => {
      const field = `examples.${index}`;
      const doc = badRows.row({ file: dataPath, field }, (): GenerationDoc => {
        const example = asObject(value, "example");
        return {
          task: "generate_until",
          id: `${task}/${index}`,
          query: `Q: ${stringField(example, "input")}\nA:`,
          target: stringField(example, "target"),
          source: { file: dataPath, field },
        };
      });
      if (doc) docs.push(doc);
    });
    return docs;
  },
};

function asJsonObject(value: unknown, file: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new BprofError('expected a JSON object with "examples"', { file });
  return value as Record<string, unknown>;
}
