import { basename, dirname, extname } from "node:path";
import { BprofError } from "../../errors.js";
import { readJson } from "../files/json.js";
import { readRecords } from "../files/records.js";
import type { DocSource, GenerationDoc } from "../items.js";
import type { BenchmarkAdapter } from "./adapter.js";
import { asObject, stringField } from "./fields.js";

/**
 * BIG-Bench Hard as suzgunmirac/BIG-Bench-Hard ships each task: `{"examples": [{"input",
 * "target"}]}`, or the same rows as the Hub stores a task (lukaemon/bbh: Parquet, Arrow, a
 * JSONL export; the task is the file's name, or its folder's in the Hub layout). Generation in lm-eval's "Q: {input}\nA:" format; the task's description and
 * stop sequences live in its spec.
 */
export const bbhAdapter: BenchmarkAdapter = {
  name: "bbh",
  task: "generate_until",
  load(dataPath, { badRows }) {
    if (extname(dataPath).toLowerCase() !== ".json") {
      const stem = basename(dataPath).replace(/\.[^.]+$/, "");
      const task = /^(test|train|validation)(-\d{5}-of-\d{5})?$/.test(stem) ? basename(dirname(dataPath)) : stem;
      const docs: GenerationDoc[] = [];
      for (const { where, ordinal, value } of readRecords(dataPath, badRows)) {
        const doc = badRows.row(where, () => bbhDoc(value, `${task}/${ordinal}`, where));
        if (doc) docs.push(doc);
      }
      return docs;
    }
    const data = asJsonObject(readJson(dataPath), dataPath);
    const examples = data.examples;
    if (!Array.isArray(examples)) throw new BprofError("expected a list", { file: dataPath, field: "examples" });
    const task = basename(dataPath, ".json");
    const docs: GenerationDoc[] = [];
    examples.forEach((value, index) => {
      const field = `examples.${index}`;
      const doc = badRows.row({ file: dataPath, field }, () => bbhDoc(value, `${task}/${index}`, { file: dataPath, field }));
      if (doc) docs.push(doc);
    });
    return docs;
  },
};

function bbhDoc(value: unknown, id: string, source: DocSource): GenerationDoc {
  const example = asObject(value, "example");
  return {
    task: "generate_until",
    id,
    query: `Q: ${stringField(example, "input")}\nA:`,
    target: stringField(example, "target"),
    record: value,
    source,
  };
}

function asJsonObject(value: unknown, file: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new BprofError('expected a JSON object with "examples"', { file });
  return value as Record<string, unknown>;
}
