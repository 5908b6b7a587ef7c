import type { LoglikelihoodResult, ScoringLM, SharedContextRequest } from "../../src/eval/lm.js";

/**
 * A deterministic stand-in language model for any text, of any length: tokens are UTF-8
 * bytes, and each token's log-probability is a hash of the whole prefix before it and the
 * token, so two requests score alike only if they are the same token sequences. What it
 * is for: comparing two routes to the same requests (identical inputs must give identical
 * predictions), not realistic scores. Generation returns a hash-chosen short answer.
 */
export class ByteHashLM implements ScoringLM {
  readonly bosId = 256;
  readonly eosId = 257;
  readonly maxLength = 1 << 20;

  encode(text: string): number[] {
    return [...Buffer.from(text, "utf8")];
  }

  decode(ids: number[]): string {
    return Buffer.from(ids.filter((id) => id < 256)).toString("utf8");
  }

  async loglikelihood(requests: { context: number[]; continuation: number[] }[]): Promise<LoglikelihoodResult[]> {
    return requests.map(({ context, continuation }) => this.score(context, continuation));
  }

  async loglikelihoodSharedContexts(items: SharedContextRequest[]): Promise<LoglikelihoodResult[][]> {
    return items.map(({ context, continuations }) => continuations.map((continuation) => this.score(context, continuation)));
  }

  async generate(prompt: number[]): Promise<string> {
    return `#### ${hashTokens(prompt, 2166136261) % 50}\n`;
  }

  private score(context: number[], continuation: number[]): LoglikelihoodResult {
    let state = hashTokens(context, 2166136261);
    let logprob = 0;
    let greedy = true;
    for (const token of continuation) {
      const h = mix(state ^ token);
      logprob -= 0.5 + (h % 1000) / 250;
      greedy &&= h % 7 === 0;
      state = mix(state ^ (token + 0x9e3779b9));
    }
    return { logprob, isGreedy: greedy };
  }
}

function hashTokens(tokens: number[], seed: number): number {
  let state = seed;
  for (const token of tokens) state = mix(state ^ (token + 0x9e3779b9));
  return state;
}

function mix(x: number): number {
  let h = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}
