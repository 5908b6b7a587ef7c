import { DEFAULT_SYSTEM_PROMPT, renderProbe } from "../importance/render.js";
import type { Tokenizer } from "../model/tokenizer/tokenizer.js";
import type { ProbeItem } from "../probes/schema.js";

/**
 * Training examples: token ids with a per-token loss weight (weight[t] applies to predicting
 * token t from the tokens before it, so weight[0] is always 0).
 *
 * - chat: the probe rendered exactly as importance renders it (system prompt, `Context: …
 *   Question: …` user turn, `Answer: {answer}` assistant turn, through the chat template);
 * - multiple choice: the lm-evaluation-harness layout the planted benchmarks use,
 *   `Context: …\nQuestion: …\nAnswer:` followed by " {answer}";
 * - prose: one declarative sentence between BOS and EOS.
 *
 * Answer tokens weigh 1; the prompt's tokens weigh `promptWeight`, enough for the model to
 * learn the language of the prompts without spending its capacity on predicting them.
 */
export interface Example {
  inputIds: number[];
  weights: number[];
}

export function mcPrompt(item: Pick<ProbeItem, "context" | "question">): string {
  return `${item.context !== undefined ? `Context: ${item.context}\n` : ""}Question: ${item.question}\nAnswer:`;
}

export function chatExample(item: ProbeItem, tokenizer: Tokenizer, promptWeight: number): Example {
  const rendered = renderProbe(item, tokenizer, { systemPrompt: DEFAULT_SYSTEM_PROMPT, lossScope: "answer" });
  return { inputIds: rendered.inputIds, weights: rendered.lossMask.map((m, t) => (t === 0 ? 0 : m === 1 ? 1 : promptWeight)) };
}

export function mcExample(item: Pick<ProbeItem, "context" | "question" | "answer">, tokenizer: Tokenizer, promptWeight: number): Example {
  const prompt = tokenizer.encode(mcPrompt(item), { addBos: true });
  const answer = tokenizer.encode(` ${item.answer}`, { addBos: false });
  return { inputIds: [...prompt, ...answer], weights: [...prompt.map((_, t) => (t === 0 ? 0 : promptWeight)), ...answer.map(() => 1)] };
}

export function proseExample(text: string, tokenizer: Tokenizer): Example {
  const ids = [...tokenizer.encode(text, { addBos: true }), tokenizer.eosId!];
  return { inputIds: ids, weights: ids.map((_, t) => (t === 0 ? 0 : 1)) };
}

/** A packed row: its examples back to back, then padding; segmentIds number them (padding last). */
export interface PackedRow extends Example {
  segmentIds: number[];
}

/**
 * Pack examples into rows of `length` tokens, first fit: each example goes into the first of
 * the open rows with room for it, else opens a new row; when more than `window` rows are open
 * the oldest is closed. A window of 1 fills rows strictly in order (how the committed organism
 * was trained); 32 leaves less padding per row. The rest of a row is padding with weight 0. An
 * example never spans two rows; one longer than a row is cut. Deterministic.
 */
export function packExamples(examples: readonly Example[], length: number, padId: number, window = 1): PackedRow[] {
  const rows: PackedRow[] = [];
  const open: PackedRow[] = [];
  const nextSegment = (row: PackedRow) => (row.segmentIds.length === 0 ? 0 : row.segmentIds[row.segmentIds.length - 1]! + 1);
  const close = (row: PackedRow) => {
    const pad = length - row.inputIds.length;
    const padSegment = nextSegment(row);
    rows.push({
      inputIds: [...row.inputIds, ...new Array<number>(pad).fill(padId)],
      weights: [...row.weights, ...new Array<number>(pad).fill(0)],
      segmentIds: [...row.segmentIds, ...new Array<number>(pad).fill(padSegment)],
    });
  };
  for (const example of examples) {
    const ids = example.inputIds.slice(0, length);
    let row = open.find((r) => r.inputIds.length + ids.length <= length);
    if (row === undefined) {
      row = { inputIds: [], weights: [], segmentIds: [] };
      open.push(row);
      if (open.length > window) close(open.shift()!);
    }
    const segment = nextSegment(row);
    row.inputIds.push(...ids);
    row.weights.push(...example.weights.slice(0, length));
    row.segmentIds.push(...ids.map(() => segment));
  }
  for (const row of open) close(row);
  return rows;
}
