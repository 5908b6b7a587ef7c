/**
 * The two levels of benchmark data. A *doc* is one row of the authors' file, mapped by an
 * adapter to what lm-evaluation-harness calls doc_to_text / doc_to_choice / doc_to_target.
 * An *item* is a doc rendered into the exact strings the model will see (description and
 * few-shot examples included): what gets scored, hashed and logged.
 */

export type TaskType = "multiple_choice" | "generate_until";

/** Where a doc came from, so every later complaint can name file:line (or the JSON field). */
export interface DocSource {
  file: string;
  line?: number;
  field?: string;
}

export interface MultipleChoiceDoc {
  task: "multiple_choice";
  id: string;
  /** doc_to_text: the question part of the prompt, before the target delimiter. */
  query: string;
  /** doc_to_choice: the answer strings; acc_norm divides by their length in characters. */
  choices: string[];
  /** index into choices of the correct answer (for MC2 one of the true answers). */
  gold: number;
  /** MC2 only: which choices are true answers. */
  trueChoices?: boolean[];
  /**
   * Partial scoring (WinoGrande): the choices are alternative *contexts* (the sentence up to
   * the blank, filled in) and this is the one continuation they share; the score is
   * log p(continuation | choice_i), so only the words after the blank are judged.
   */
  partial?: { continuation: string };
  /** Per-doc prompt preamble (MMLU's subject line); the spec's description applies otherwise. */
  description?: string;
  /** Few-shot examples are drawn from docs of the same group (MMLU subject). */
  group?: string;
  /** The row as read (after any process_docs), logged as lm-eval's `doc`. */
  record?: unknown;
  /** lm-eval's doc_to_target value, logged as `target` (the gold index when absent). */
  loggedTarget?: unknown;
  source: DocSource;
}

export interface GenerationDoc {
  task: "generate_until";
  id: string;
  query: string;
  /** doc_to_target: the reference answer, before the exact-match normalisation. */
  target: string;
  description?: string;
  group?: string;
  /** The row as read (after any process_docs), logged as lm-eval's `doc`. */
  record?: unknown;
  /** lm-eval's doc_to_target value, logged as `target` (the gold index when absent). */
  loggedTarget?: unknown;
  source: DocSource;
}

export type BenchmarkDoc = MultipleChoiceDoc | GenerationDoc;

export interface MultipleChoiceItem {
  task: "multiple_choice";
  id: string;
  /** The rendered prompt the choices continue (for partial scoring: the prompt with the blank). */
  context: string;
  choices: string[];
  gold: number;
  trueChoices?: boolean[];
  /** The text pairs scored, one per choice: log p(continuation | context). */
  requests: { context: string; continuation: string }[];
  /** True when every request shares one context, so the context can run once. */
  sharedContext: boolean;
  /** The chat template's system turn (apply_chat_template with a description or system instruction). */
  system?: string;
  record?: unknown;
  loggedTarget?: unknown;
  source: DocSource;
}

export interface GenerationItem {
  task: "generate_until";
  id: string;
  prompt: string;
  target: string;
  system?: string;
  record?: unknown;
  loggedTarget?: unknown;
  source: DocSource;
}

export type EvalItem = MultipleChoiceItem | GenerationItem;

/** The string an item's prompt hash is taken over. */
export function renderedPrompt(item: EvalItem): string {
  return item.task === "multiple_choice" ? item.context : item.prompt;
}
