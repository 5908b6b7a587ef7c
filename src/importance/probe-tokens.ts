import { BprofError } from "../errors.js";
import type { Tokenizer } from "../model/tokenizer/tokenizer.js";
import type { ProbeItem } from "../probes/schema.js";
import { renderProbe, type LossScope, type RenderedProbe } from "./render.js";

export interface TokenizedProbes {
  items: RenderedProbe[];
  /** Ids of the items cut to the context length (only with `truncate`). */
  truncated: string[];
}

/**
 * Render every item and check it fits the model's context. Over-long items are never
 * dropped silently: by default they are an error listing how many and which; with
 * `truncate` they are cut to the context length and listed in the manifest.
 */
export function tokenizeProbes(
  probes: ProbeItem[],
  tokenizer: Tokenizer,
  opts: { systemPrompt: string; lossScope: LossScope; templateDate?: string; contextLength: number; truncate: boolean; file?: string },
): TokenizedProbes {
  if (probes.length === 0) throw new BprofError("no probe items to compute importance from", { file: opts.file });
  const items = probes.map((p) => renderProbe(p, tokenizer, opts));
  const overlong = items.filter((r) => r.inputIds.length > opts.contextLength);
  if (overlong.length > 0 && !opts.truncate) {
    const shown = overlong.slice(0, 5).map((r) => `${r.id} (${r.inputIds.length} tokens)`);
    throw new BprofError(
      `${overlong.length} of ${items.length} probe items are longer than the model's context of ${opts.contextLength} tokens: ` +
        `${shown.join(", ")}${overlong.length > 5 ? ", …" : ""}; pass --truncate to cut them to the context`,
      { file: opts.file },
    );
  }
  const fitted = items.map((r) =>
    r.inputIds.length > opts.contextLength
      ? { id: r.id, inputIds: r.inputIds.slice(0, opts.contextLength), lossMask: r.lossMask.slice(0, opts.contextLength) }
      : r,
  );
  for (const r of fitted) {
    if (!r.lossMask.some((m) => m === 1)) {
      throw new BprofError(
        `probe item ${r.id} has no token in its loss scope${r.inputIds.length === opts.contextLength ? " after truncation" : ""}`,
        {
          file: opts.file,
        },
      );
    }
  }
  return { items: fitted, truncated: overlong.map((r) => r.id) };
}

/** `--dump-tokens`: one JSON line per item, `{"id", "input_ids", "loss_mask"}`. */
export function tokensJsonl(items: RenderedProbe[]): string {
  return items.map((r) => JSON.stringify({ id: r.id, input_ids: r.inputIds, loss_mask: r.lossMask }) + "\n").join("");
}
