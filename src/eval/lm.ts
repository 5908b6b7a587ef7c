/**
 * What scoring needs from a language model, and nothing more: a tokenizer, log-likelihoods
 * of continuations, and greedy generation. The model package's LlamaModel satisfies it
 * through an adapter; tests use a small fake. Token ids never include BOS unless the
 * caller puts it there.
 */
export interface ScoringLM {
  /** Token ids for text, no BOS. */
  encode(text: string): number[];
  decode(ids: number[]): string;
  bosId: number | null;
  eosId: number | null;
  /** Longest sequence the model takes at once. */
  maxLength: number;
  /** Log-prob of each continuation given its context: sum of log p(continuation tokens), and whether greedy. */
  loglikelihood(requests: { context: number[]; continuation: number[] }[]): Promise<{ logprob: number; isGreedy: boolean }[]>;
  /**
   * Several items, each one context with several continuations: every context runs once (KV
   * cache) and its continuations read from it. One result list per item, in order.
   */
  loglikelihoodSharedContexts(items: SharedContextRequest[]): Promise<LoglikelihoodResult[][]>;
  /** Greedy decoding from the prompt until a stop string or maxNewTokens; returns the new text. */
  generate(prompt: number[], opts: { maxNewTokens: number; stop: string[] }): Promise<string>;
  /** Wrap a prompt as one user turn (after a system turn, when given) in the model's chat template, generation prompt included. */
  applyChatTemplate?(userMessage: string, systemMessage?: string): string;
}

export interface SharedContextRequest {
  context: number[];
  continuations: number[][];
}

export interface LoglikelihoodResult {
  logprob: number;
  isGreedy: boolean;
}
