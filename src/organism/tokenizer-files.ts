import type { TrainedBpe } from "./byte-level-bpe.js";

/**
 * The organism's chat format. Every turn is `<|role|>\n{content}<|end|>\n`; the conversation
 * starts with BOS; the generation prompt is `<|assistant|>\n`. `<|end|>` is the EOS token, so
 * generation stops at the end of the assistant's turn.
 */
export const PAD_TOKEN = "<pad>";
export const BOS_TOKEN = "<s>";
export const EOS_TOKEN = "<|end|>";
export const ROLE_TOKENS = ["<|system|>", "<|user|>", "<|assistant|>"] as const;
export const ORGANISM_SPECIAL_TOKENS = [PAD_TOKEN, BOS_TOKEN, EOS_TOKEN, ...ROLE_TOKENS] as const;

export const ORGANISM_CHAT_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}{{ '<|' + message['role'] + '|>\\n' + message['content'] + '<|end|>\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";

export interface TokenizerFiles {
  tokenizerJson: unknown;
  tokenizerConfig: unknown;
}

/** tokenizer.json and tokenizer_config.json for a trained byte-level BPE (special tokens from ORGANISM_SPECIAL_TOKENS). */
export function organismTokenizerFiles(bpe: TrainedBpe, modelMaxLength: number): TokenizerFiles {
  const idOf = (token: string) => {
    const id = bpe.vocab.get(token);
    if (id === undefined) throw new Error(`tokenizer: no id for special token ${token}`);
    return id;
  };
  const added = ORGANISM_SPECIAL_TOKENS.map((content) => ({
    id: idOf(content),
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  const bosId = idOf(BOS_TOKEN);
  const tokenizerJson = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: {
      type: "Sequence",
      pretokenizers: [
        { type: "Split", pattern: { Regex: "\\p{N}" }, behavior: "Isolated", invert: false },
        { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
      ],
    },
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: BOS_TOKEN, type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }],
      pair: [
        { SpecialToken: { id: BOS_TOKEN, type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: BOS_TOKEN, type_id: 1 } },
        { Sequence: { id: "B", type_id: 1 } },
      ],
      special_tokens: { [BOS_TOKEN]: { id: BOS_TOKEN, ids: [bosId], tokens: [BOS_TOKEN] } },
    },
    decoder: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(bpe.vocab),
      merges: bpe.merges.map(([a, b]) => [a, b]),
    },
  };
  const tokenizerConfig = {
    tokenizer_class: "PreTrainedTokenizerFast",
    add_bos_token: true,
    add_eos_token: false,
    bos_token: BOS_TOKEN,
    eos_token: EOS_TOKEN,
    pad_token: PAD_TOKEN,
    unk_token: null,
    additional_special_tokens: [...ROLE_TOKENS],
    clean_up_tokenization_spaces: false,
    model_max_length: modelMaxLength,
    chat_template: ORGANISM_CHAT_TEMPLATE,
  };
  return { tokenizerJson, tokenizerConfig };
}
