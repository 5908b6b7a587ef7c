/**
 * A byte-level BPE tokenizer (GPT-2 style) trained from scratch on the organism's corpus,
 * written as Hugging Face tokenizer.json so that every loader (transformers.js here, the
 * `tokenizers` library elsewhere) reads it. Byte level means no text is ever unknown: an
 * unseen word falls back to its UTF-8 bytes.
 *
 * Pre-tokenization, in tokenizer.json's order: digits are split off one by one (so numbers
 * are read digit by digit, which a small model learns arithmetic on far better than on
 * arbitrary multi-digit chunks), then GPT-2's regex splits words, then each byte becomes one
 * printable character (GPT-2's bytes_to_unicode). Training counts the resulting words and
 * merges the most frequent adjacent pair until the vocabulary is full; ties go to the pair
 * that sorts first, so training is deterministic.
 */

/** GPT-2's word splitter, as the ByteLevel pre-tokenizer applies it. */
const WORD_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
const DIGIT_PATTERN = /(\p{N})/u;

/** GPT-2's reversible map from the 256 byte values to printable characters. */
export function bytesToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const table: string[] = new Array<string>(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = printable.includes(b) ? String.fromCodePoint(b) : String.fromCodePoint(256 + extra++);
  }
  return table;
}

const BYTE_CHARS = bytesToUnicode();
const encoder = new TextEncoder();

/** Text → the byte-level words BPE works on (each a string of byte characters). */
export function preTokenize(text: string): string[] {
  const words: string[] = [];
  for (const piece of text.split(DIGIT_PATTERN)) {
    if (piece === "") continue;
    for (const match of piece.matchAll(WORD_PATTERN)) {
      words.push(Array.from(encoder.encode(match[0]), (b) => BYTE_CHARS[b]!).join(""));
    }
  }
  return words;
}

export interface TrainedBpe {
  /** Token string → id: specials first, then the 256 bytes, then one token per merge. */
  vocab: Map<string, number>;
  merges: [string, string][];
}

/**
 * Train merges on `texts` until the vocabulary (specials + 256 bytes + merges) has
 * `vocabSize` entries or no pair occurs twice.
 */
export function trainByteLevelBpe(texts: Iterable<string>, vocabSize: number, specialTokens: readonly string[]): TrainedBpe {
  const wordCounts = new Map<string, number>();
  for (const text of texts) for (const word of preTokenize(text)) wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);

  const vocab = new Map<string, number>();
  for (const token of [...specialTokens, ...BYTE_CHARS]) vocab.set(token, vocab.size);
  const words = [...wordCounts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([word, count]) => ({ symbols: [...word], count }));
  const merges: [string, string][] = [];

  // Pair counts are kept up to date incrementally: a merge only changes the words that
  // contain the merged pair, found through the pair → words index.
  const pairCounts = new Map<string, number>();
  const pairWords = new Map<string, Set<number>>();
  const key = (a: string, b: string) => `${a}\u0000${b}`;
  const addWordPairs = (index: number, sign: 1 | -1) => {
    const { symbols, count } = words[index]!;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const k = key(symbols[i]!, symbols[i + 1]!);
      pairCounts.set(k, (pairCounts.get(k) ?? 0) + sign * count);
      if (sign === 1) {
        let set = pairWords.get(k);
        if (!set) pairWords.set(k, (set = new Set()));
        set.add(index);
      }
    }
  };
  words.forEach((_, i) => addWordPairs(i, 1));

  while (vocab.size < vocabSize) {
    let best: string | null = null;
    let bestCount = 1;
    for (const [k, count] of pairCounts) {
      if (count > bestCount || (count === bestCount && best !== null && k < best)) {
        best = k;
        bestCount = count;
      }
    }
    if (best === null) break;
    const [left, right] = best.split("\u0000") as [string, string];
    const merged = left + right;
    merges.push([left, right]);
    if (!vocab.has(merged)) vocab.set(merged, vocab.size);
    for (const index of pairWords.get(best) ?? []) {
      const word = words[index]!;
      addWordPairs(index, -1);
      const next: string[] = [];
      for (let i = 0; i < word.symbols.length; i++) {
        if (i + 1 < word.symbols.length && word.symbols[i] === left && word.symbols[i + 1] === right) {
          next.push(merged);
          i++;
        } else next.push(word.symbols[i]!);
      }
      word.symbols = next;
      addWordPairs(index, 1);
    }
    pairCounts.delete(best);
    pairWords.delete(best);
    for (const [k, count] of pairCounts) if (count <= 0) pairCounts.delete(k);
  }
  return { vocab, merges };
}
