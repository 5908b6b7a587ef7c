import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { BprofError } from "../../errors.js";
import { RowProblem } from "../bad-rows.js";
import { countJsonlLines } from "../files/jsonl.js";
import { readLabelLines, type LabelLine } from "../files/label-lines.js";

/**
 * PIQA and WinoGrande ship labels as a line-aligned sibling: valid.jsonl + valid-labels.lst,
 * dev.head100.jsonl + dev-labels.head100.lst. Returns that sibling's path.
 */
export function siblingLabelsPath(dataPath: string): string {
  const name = basename(dataPath);
  const dot = name.indexOf(".");
  const stem = dot < 0 ? name : name.slice(0, dot);
  const rest = dot < 0 ? ".lst" : name.slice(dot).replace(/\.jsonl?$/, ".lst");
  return join(dirname(dataPath), `${stem}-labels${rest}`);
}

export interface LabelFile {
  path: string;
  lines: LabelLine[];
}

/**
 * The labels for a jsonl data file: the explicit file if given, else the authors' sibling
 * if it exists, else null (the rows must then carry their own labels).
 */
export function readLabelsFor(dataPath: string, explicit: string | undefined): LabelFile | null {
  const path = explicit ?? siblingLabelsPath(dataPath);
  if (!existsSync(path)) {
    if (explicit) throw new BprofError("labels file not found", { file: path });
    return null;
  }
  const lines = readLabelLines(path);
  const rowCount = countJsonlLines(dataPath);
  if (lines.length !== rowCount) {
    throw new BprofError(`labels file has ${lines.length} lines but ${dataPath} has ${rowCount} rows; they must be line-aligned`, {
      file: path,
    });
  }
  return { path, lines };
}

/**
 * A label given as one of `allowed` (a string or a number: "1", 1), mapped to its position.
 * `where` names a labels-file line when the label came from one.
 */
export function choiceLabel(value: unknown, allowed: string[], field: string, where?: string): number {
  const at = where ? ` (${where})` : "";
  if (value === undefined || value === null || value === "") throw new RowProblem(`missing gold label${at}`, field);
  const index = allowed.indexOf(String(value).trim());
  if (index < 0) throw new RowProblem(`gold ${JSON.stringify(value)}${at} is not among the labels ${allowed.join(", ")}`, field);
  return index;
}
