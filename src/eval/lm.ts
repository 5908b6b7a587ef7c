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
  /** One context, several continuations; runs the context once (KV cache). */
  loglikelihoodSharedContext(context: number[], continuations: number[][]): Promise<{ logprob: number; isGreedy: boolean }[]>;
  /** Greedy decoding from the prompt until a stop string or maxNewTokens; returns the new text. */
  generate(prompt: number[], opts: { maxNewTokens: number; stop: string[] }): Promise<string>;
  /** Wrap a prompt as one user turn in the model's chat template, generation prompt included. */
  applyChatTemplate?(userMessage: string): string;
}

export interface LoglikelihoodResult {
  logprob: number;
  isGreedy: boolean;
}
