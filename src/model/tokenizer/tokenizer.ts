/** A chat turn as chat templates see it. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/**
 * What the toolkit needs from a tokenizer, whichever file it comes from
 * (a Hugging Face tokenizer.json directory or a llama2.c tokenizer.bin).
 */
export interface Tokenizer {
  /** Token ids of `text`; with `addBos` (default true) the BOS id comes first when the tokenizer has one. */
  encode(text: string, opts?: { addBos?: boolean }): number[];
  /** Text of `ids`, special tokens left out. */
  decode(ids: readonly number[]): string;
  readonly bosId: number | null;
  readonly eosId: number | null;
  readonly vocabSize: number;
  readonly hasChatTemplate: boolean;
  /**
   * The prompt the model's chat template makes of `messages`; null when it has no template.
   * A template that reads the current date sees `date` (YYYY-MM-DD; default
   * DEFAULT_TEMPLATE_DATE), never the clock: see template-date.ts.
   */
  applyChatTemplate(messages: ChatMessage[], opts: { addGenerationPrompt: boolean; date?: string }): string | null;
  /** Where the tokenizer was read from, for `model info`. */
  readonly source: { kind: "huggingface" | "llama2c"; path: string };
}
