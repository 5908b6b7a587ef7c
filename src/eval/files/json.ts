import { BprofError } from "../../errors.js";
import { readDataText } from "./text.js";

/** A whole-file JSON document (BBH tasks, TruthfulQA's mc_task.json). */
export function readJson(path: string): unknown {
  const text = readDataText(path);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BprofError(`malformed JSON (${(err as Error).message})`, { file: path, line: lineOfJsonError(text, err as Error) });
  }
}

/** V8 reports "at position N"; turn it into a 1-based line so the user can find it. */
function lineOfJsonError(text: string, err: Error): number | undefined {
  const match = /position (\d+)/.exec(err.message);
  if (!match) return undefined;
  const position = Number(match[1]);
  return text.slice(0, position).split("\n").length;
}
