import type { Tokenizer } from "../model/tokenizer/tokenizer.js";
import type { ProbeItem } from "../probes/schema.js";
import { BprofError } from "../errors.js";

export const DEFAULT_SYSTEM_PROMPT = "You are a helpful assistant.";

/**
 * Which tokens the per-item loss averages over (docs/method.md, step 1):
 * `answer` (default) only the assistant turn's tokens, `full` every token of the rendered
 * chat (each predicted from the ones before it; the first token has no prediction), as the
 * original authors did. Under `full` the system prompt, role tags and fixed template lines,
 * the same for every ability, dominate the gradient and make every ability's top weights
 * generic (docs/method.md says what that did on the model organism).
 */
export const LOSS_SCOPES = ["answer", "full"] as const;
export type LossScope = (typeof LOSS_SCOPES)[number];
export const DEFAULT_LOSS_SCOPE: LossScope = "answer";

export type RenderFormat = "chat-template" | "plain-text";

/**
 * One probe as the model sees it. `lossMask[t]` is 1 when token t is a target of the loss
 * (predicted from tokens 0..t-1), so `lossMask[0]` is always 0. This is what
 * `--dump-tokens` writes, so anyone can recompute the importance elsewhere.
 */
export interface RenderedProbe {
  id: string;
  inputIds: number[];
  lossMask: number[];
}

export function userTurn(item: ProbeItem): string {
  return item.context !== undefined ? `Context: ${item.context}\nQuestion: ${item.question}` : `Question: ${item.question}`;
}

export function assistantTurn(item: ProbeItem): string {
  return `Answer: ${item.answer}`;
}

/**
 * Render a probe to tokens. Prompt and completion are tokenized separately and concatenated
 * (as lm-evaluation-harness does with context and continuation), so the boundary between
 * the two is exact whatever the tokenizer merges:
 *
 * - with a chat template: prompt = template(system, user, generation prompt), completion =
 *   template(system, user, assistant) minus that prompt, i.e. `Answer: {answer}` plus whatever
 *   the template closes the assistant turn with (end-of-turn token). The template writes its
 *   own BOS, so none is added. A thinking block the template opens the turn with (Qwen3:
 *   `<think>\n\n</think>\n\n`) belongs to the prompt, not to the answer's loss.
 * - plain-text fallback (tokenizer without a template): BOS, then the prompt
 *   `{system}\n\n{user turn}\n` and the completion `Answer: {answer}`, e.g.
 *   "You are a helpful assistant.\n\nContext: …\nQuestion: …\nAnswer: Paris".
 */
export function renderProbe(
  item: ProbeItem,
  tokenizer: Tokenizer,
  opts: { systemPrompt: string; lossScope: LossScope; templateDate?: string },
): RenderedProbe {
  const { prompt, completion, addBos } = renderText(item, tokenizer, opts.systemPrompt, opts.templateDate);
  const promptIds = tokenizer.encode(prompt, { addBos });
  const completionIds = tokenizer.encode(completion, { addBos: false });
  const inputIds = [...promptIds, ...completionIds];
  const lossMask = inputIds.map((_, t) => (t === 0 ? 0 : opts.lossScope === "full" || t >= promptIds.length ? 1 : 0));
  return { id: item.id, inputIds, lossMask };
}

export function renderFormat(tokenizer: Tokenizer): RenderFormat {
  return tokenizer.hasChatTemplate ? "chat-template" : "plain-text";
}

function renderText(
  item: ProbeItem,
  tokenizer: Tokenizer,
  systemPrompt: string,
  date: string | undefined,
): { prompt: string; completion: string; addBos: boolean } {
  const messages = [
    { role: "system" as const, content: systemPrompt },
    { role: "user" as const, content: userTurn(item) },
  ];
  const prompt = tokenizer.applyChatTemplate(messages, { addGenerationPrompt: true, date });
  if (prompt === null) {
    return { prompt: `${systemPrompt}\n\n${userTurn(item)}\n`, completion: assistantTurn(item), addBos: true };
  }
  const full = tokenizer.applyChatTemplate([...messages, { role: "assistant", content: assistantTurn(item) }], {
    addGenerationPrompt: false,
    date,
  })!;
  if (!full.startsWith(prompt)) {
    throw new BprofError(
      "the chat template does not render the conversation with the assistant turn as the prompt plus a continuation; cannot tell the answer tokens apart",
      { field: "chat_template" },
    );
  }
  // Qwen3's template opens the final assistant turn with a thinking block (empty when the
  // message has none: "<think>\n\n</think>\n\n"); it is not the answer, so it joins the prompt.
  const completion = full.slice(prompt.length);
  const thinking = THINKING_BLOCK.exec(completion)?.[0] ?? "";
  return { prompt: prompt + thinking, completion: completion.slice(thinking.length), addBos: false };
}

/** A reasoning block at the start of an assistant turn, with the whitespace after it. */
const THINKING_BLOCK = /^<think>[\s\S]*?<\/think>\s*/;
