import type { Llama2cTokenizer } from "./llama2c-tokenizer.js";

/**
 * The Hugging Face files equivalent to a llama2.c tokenizer.bin: a Llama-style BPE
 * tokenizer.json (byte fallback, "▁" for spaces, a dummy-prefix "▁" prepended) and its
 * tokenizer_config.json. The merges are derived from the piece scores the way HF's
 * SentencePiece converter does: every split of a piece into two pieces is a merge, ranked
 * by the score of the merged piece, best first.
 */

const SPACE_MARK = "\u2581";
const SPECIAL_PIECES = ["<unk>", "<s>", "</s>"] as const;

export interface HfTokenizerFiles {
  tokenizerJson: unknown;
  tokenizerConfig: unknown;
}

export function llama2cTokenizerToHf(tokenizer: Llama2cTokenizer, modelMaxLength: number): HfTokenizerFiles {
  const pieces = tokenizer.pieces.map((piece, id) => SPECIAL_PIECES[id] ?? piece.replaceAll(" ", SPACE_MARK));
  const vocab: Record<string, number> = {};
  pieces.forEach((piece, id) => {
    if (!(piece in vocab)) vocab[piece] = id;
  });

  const merges: { left: string; right: string; score: number }[] = [];
  pieces.forEach((piece, id) => {
    if (id < SPECIAL_PIECES.length) return;
    const chars = [...piece];
    const local: { left: string; right: string; score: number }[] = [];
    for (let cut = 1; cut < chars.length; cut++) {
      const left = chars.slice(0, cut).join("");
      const right = chars.slice(cut).join("");
      if (left in vocab && right in vocab) local.push({ left, right, score: tokenizer.scores[id]! });
    }
    local.sort((a, b) => vocab[a.left]! - vocab[b.left]! || vocab[a.right]! - vocab[b.right]!);
    merges.push(...local);
  });
  merges.sort((a, b) => b.score - a.score); // stable: ties keep vocabulary order, as in the HF converter

  const special = (id: number) => ({
    id,
    content: SPECIAL_PIECES[id],
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const tokenizerJson = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [special(0), special(1), special(2)],
    normalizer: {
      type: "Sequence",
      normalizers: [
        { type: "Prepend", prepend: SPACE_MARK },
        { type: "Replace", pattern: { String: " " }, content: SPACE_MARK },
      ],
    },
    pre_tokenizer: null,
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "<s>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }],
      pair: [
        { SpecialToken: { id: "<s>", type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "<s>", type_id: 1 } },
        { Sequence: { id: "B", type_id: 1 } },
      ],
      special_tokens: { "<s>": { id: "<s>", ids: [1], tokens: ["<s>"] } },
    },
    decoder: {
      type: "Sequence",
      decoders: [
        { type: "Replace", pattern: { String: SPACE_MARK }, content: " " },
        { type: "ByteFallback" },
        { type: "Fuse" },
        { type: "Strip", content: " ", start: 1, stop: 0 },
      ],
    },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: "<unk>",
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      ignore_merges: false,
      vocab,
      merges: merges.map((m) => [m.left, m.right]),
    },
  };
  const tokenizerConfig = {
    tokenizer_class: "LlamaTokenizer",
    add_bos_token: true,
    add_eos_token: false,
    bos_token: "<s>",
    eos_token: "</s>",
    unk_token: "<unk>",
    pad_token: null,
    clean_up_tokenization_spaces: false,
    legacy: true,
    model_max_length: modelMaxLength,
  };
  return { tokenizerJson, tokenizerConfig };
}
