import { readDataText } from "./text.js";

export interface LabelLine {
  line: number;
  text: string;
}

/**
 * One label per line, line-aligned with a companion data file (PIQA's valid-labels.lst,
 * WinoGrande's dev-labels.lst). Blank lines count as lines so the alignment stays exact;
 * only a trailing final newline is not a label.
 */
export function readLabelLines(path: string): LabelLine[] {
  const lines = readDataText(path).split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines.map((raw, index) => ({ line: index + 1, text: raw.replace(/\r$/, "").trim() }));
}
