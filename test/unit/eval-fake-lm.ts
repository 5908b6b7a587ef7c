import type { LoglikelihoodResult, ScoringLM, SharedContextRequest } from "../../src/eval/lm.js";

const VOCAB_SIZE = 1024;

/**
 * A deterministic toy language model for scoring tests. Its tokenizer glues leading
 * whitespace to the next word (like SentencePiece / GPT-2 BPE), so the context /
 * continuation split matters; its next-token distribution depends on the *whole* prefix
 * through a running state, so a shared-context path that passed the wrong context would
 * give different numbers. The shared path really does carry the state over (the KV-cache
 * analogue) instead of recomputing, and the tokens each path reads are counted.
 */
export class FakeLM implements ScoringLM {
  readonly bosId = 1;
  readonly eosId = 2;
  tokensFed = 0;
  private readonly ids = new Map<string, number>();
  private readonly pieces: string[] = ["<pad>", "<s>", "</s>"];
  private readonly normalisers = new Map<number, number>();

  constructor(readonly maxLength = 4096) {}

  encode(text: string): number[] {
    return [...text.matchAll(/\s*\S+|\s+/g)].map((m) => this.idOf(m[0]));
  }

  decode(ids: number[]): string {
    return ids.map((id) => this.pieces[id] ?? "").join("");
  }

  async loglikelihood(requests: { context: number[]; continuation: number[] }[]): Promise<LoglikelihoodResult[]> {
    return requests.map(({ context, continuation }) => {
      this.tokensFed += context.length + continuation.length - 1;
      return this.continue(this.run(context), continuation);
    });
  }

  async loglikelihoodSharedContexts(items: SharedContextRequest[]): Promise<LoglikelihoodResult[][]> {
    return items.map(({ context, continuations }) => {
      const state = this.run(context);
      this.tokensFed += context.length;
      return continuations.map((continuation) => {
        this.tokensFed += continuation.length - 1;
        return this.continue(state, continuation);
      });
    });
  }

  async generate(prompt: number[], opts: { maxNewTokens: number; stop: string[] }): Promise<string> {
    let state = this.run(prompt);
    let text = "";
    for (let i = 0; i < opts.maxNewTokens; i++) {
      const next = this.argmax(state);
      if (next === this.eosId) break;
      text += this.pieces[next] ?? ` w${next}`;
      if (opts.stop.some((s) => text.includes(s))) break;
      state = step(state, next);
    }
    return text;
  }

  /** log p(token | state). */
  logProb(state: number, token: number): number {
    return logit(state, token) - this.logNormaliser(state);
  }

  private continue(state: number, continuation: number[]): LoglikelihoodResult {
    let logprob = 0;
    let isGreedy = true;
    for (const token of continuation) {
      logprob += this.logProb(state, token);
      if (this.argmax(state) !== token) isGreedy = false;
      state = step(state, token);
    }
    return { logprob, isGreedy };
  }

  private run(tokens: number[]): number {
    return tokens.reduce(step, 17);
  }

  private argmax(state: number): number {
    let best = 0;
    for (let t = 1; t < VOCAB_SIZE; t++) if (logit(state, t) > logit(state, best)) best = t;
    return best;
  }

  private logNormaliser(state: number): number {
    let cached = this.normalisers.get(state);
    if (cached === undefined) {
      let sum = 0;
      for (let t = 0; t < VOCAB_SIZE; t++) sum += Math.exp(logit(state, t));
      cached = Math.log(sum);
      this.normalisers.set(state, cached);
    }
    return cached;
  }

  private idOf(piece: string): number {
    let id = this.ids.get(piece);
    if (id === undefined) {
      id = this.pieces.length;
      if (id >= VOCAB_SIZE) throw new Error("FakeLM vocabulary is full");
      this.ids.set(piece, id);
      this.pieces.push(piece);
    }
    return id;
  }
}

function step(state: number, token: number): number {
  return (Math.imul(state ^ token, 2654435761) + 0x9e3779b9) >>> 0;
}

function logit(state: number, token: number): number {
  const h = Math.imul(state ^ Math.imul(token, 40503), 2246822519) >>> 0;
  return ((h % 1000) / 1000) * 6 - 3;
}
