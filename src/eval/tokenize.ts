import { BprofError } from "../errors.js";
import type { EvalItem, GenerationItem, MultipleChoiceItem } from "./items.js";
import type { ScoringLM } from "./lm.js";
import type { PreparedBenchmark } from "./prepare.js";

export interface TokenPair {
  context: number[];
  continuation: number[];
}

export interface TokenizedMultipleChoice {
  item: MultipleChoiceItem;
  /** One pair per choice, before truncation to the model's length. */
  pairs: TokenPair[];
}

export interface TokenizedGeneration {
  item: GenerationItem;
  /** The prompt's tokens, before truncation. */
  prompt: number[];
}

export type TokenizedItem = TokenizedMultipleChoice | TokenizedGeneration;

export interface TokenizeOptions {
  /** Start every sequence with BOS (the tokenizer's own habit for Llama models); default: when the model has one. */
  addBos?: boolean;
}

export interface TokenizedBenchmark {
  prepared: PreparedBenchmark;
  items: TokenizedItem[];
  addBos: boolean;
  chatTemplate: boolean;
}

/**
 * Tokenize a prepared benchmark once; the result depends on the tokenizer only, so the
 * profile pipeline reuses it for every ablated model.
 */
export function tokenizeBenchmark(lm: ScoringLM, prepared: PreparedBenchmark, options: TokenizeOptions = {}): TokenizedBenchmark {
  const chatTemplate = prepared.loaded.spec.apply_chat_template;
  if (chatTemplate && !lm.applyChatTemplate) {
    throw new BprofError("the spec asks for the chat template but the model has none", {
      file: prepared.loaded.path,
      line: prepared.loaded.fieldLines.apply_chat_template,
      field: "apply_chat_template",
    });
  }
  // A chat template writes its own BOS into the text.
  const addBos = !chatTemplate && (options.addBos ?? lm.bosId !== null);
  const items = prepared.items.map((item) => {
    const wrap = (text: string) => (chatTemplate ? lm.applyChatTemplate!(text, item.system) : text);
    return tokenizeItem(lm, item, addBos, wrap);
  });
  return { prepared, items, addBos, chatTemplate };
}

function tokenizeItem(lm: ScoringLM, item: EvalItem, addBos: boolean, wrap: (text: string) => string): TokenizedItem {
  if (item.task === "generate_until") {
    const encoded = lm.encode(wrap(item.prompt));
    return { item, prompt: addBos && lm.bosId !== null ? [lm.bosId, ...encoded] : encoded };
  }
  const pairs = item.requests.map((request, choice) => {
    const pair = encodePair(lm, wrap(request.context), request.continuation, addBos);
    if (pair.continuation.length === 0) {
      throw new BprofError(`choice ${choice} encodes to no tokens after its context`, { ...item.source, field: "choices" });
    }
    return pair;
  });
  return { item, pairs };
}

/**
 * lm-eval's context / continuation split. Trailing whitespace of the context moves onto the
 * continuation (a tokenizer glues a space to the word after it); the pair is encoded whole
 * and the continuation is what lies beyond the context's own encoding, so token merges at
 * the boundary count towards the continuation. An empty context becomes [BOS] (or [EOS] for
 * a model without BOS), so that the first continuation token has something to follow.
 */
export function encodePair(lm: ScoringLM, context: string, continuation: string, addBos: boolean): TokenPair {
  const trailing = context.length - context.trimEnd().length;
  if (trailing > 0) {
    continuation = context.slice(context.length - trailing) + continuation;
    context = context.slice(0, context.length - trailing);
  }
  if (context === "") {
    const prefix = lm.bosId ?? lm.eosId;
    if (prefix === null) throw new BprofError("an empty context needs a BOS or EOS token, and the model has neither");
    return { context: [prefix], continuation: lm.encode(continuation) };
  }
  const whole = lm.encode(context + continuation);
  const contextTokens = lm.encode(context);
  const continuationTokens = whole.slice(contextTokens.length);
  return { context: addBos && lm.bosId !== null ? [lm.bosId, ...contextTokens] : contextTokens, continuation: continuationTokens };
}

/**
 * Fit a pair into the model: the model reads context + continuation minus its last token,
 * so together they may hold maxLength + 1 tokens; the context loses its oldest tokens first
 * (as in lm-eval) and always keeps one to predict the first continuation token from.
 */
export function truncatePair(pair: TokenPair, maxLength: number): TokenPair {
  if (pair.continuation.length > maxLength) {
    throw new BprofError(`a continuation of ${pair.continuation.length} tokens does not fit the model's ${maxLength}`);
  }
  const room = maxLength + 1 - pair.continuation.length;
  return pair.context.length <= room ? pair : { context: pair.context.slice(pair.context.length - room), continuation: pair.continuation };
}
