import { readFileSync } from "node:fs";
import { BprofError } from "../../errors.js";
import type { Tokenizer } from "./tokenizer.js";

/**
 * llama2.c's `tokenizer.bin`: int32 max_token_length, then for every token id in order
 * float32 score, int32 byte length, the piece's UTF-8 bytes (SentencePiece's "▁" already
 * turned into a space; BOS and EOS stored as "\n<s>\n" and "\n</s>\n"; raw bytes as the
 * pieces "<0xXX>").
 *
 * Encoding follows llama2.c's run.c exactly: a dummy-prefix space, one token per
 * character (its UTF-8 bytes as byte tokens when the character has no piece), then merge
 * the adjacent pair whose concatenation is the highest-scoring piece, until none is.
 */

const UNK_ID = 0;
const BOS_ID = 1;
const EOS_ID = 2;
const BYTE_PIECE = /^<0x([0-9A-Fa-f]{2})>$/;

export class Llama2cTokenizer implements Tokenizer {
  readonly bosId = BOS_ID;
  readonly eosId = EOS_ID;
  readonly hasChatTemplate = false;
  readonly source: { kind: "llama2c"; path: string };
  readonly maxTokenLength: number;
  /** Piece text by id, as stored in the file. */
  readonly pieces: string[];
  readonly scores: Float32Array;
  private readonly idOf = new Map<string, number>();
  /** Bytes each id decodes to (a byte piece decodes to its one raw byte). */
  private readonly bytesOf: Uint8Array[];

  constructor(path: string) {
    this.source = { kind: "llama2c", path };
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (err) {
      throw new BprofError(`cannot read tokenizer: ${(err as Error).message}`, { file: path });
    }
    if (bytes.length < 4) throw new BprofError("truncated tokenizer.bin: no max_token_length", { file: path });
    this.maxTokenLength = bytes.readInt32LE(0);
    const pieces: string[] = [];
    const scores: number[] = [];
    let at = 4;
    while (at < bytes.length) {
      if (at + 8 > bytes.length) {
        throw new BprofError(`truncated tokenizer.bin: token ${pieces.length} is cut off at byte ${at}`, { file: path });
      }
      const score = bytes.readFloatLE(at);
      const length = bytes.readInt32LE(at + 4);
      if (length < 0 || at + 8 + length > bytes.length) {
        throw new BprofError(`truncated tokenizer.bin: token ${pieces.length} claims ${length} bytes at byte ${at + 8}`, { file: path });
      }
      pieces.push(bytes.toString("utf8", at + 8, at + 8 + length));
      scores.push(score);
      at += 8 + length;
    }
    if (pieces.length <= EOS_ID) throw new BprofError(`tokenizer.bin has only ${pieces.length} tokens`, { file: path });
    this.pieces = pieces;
    this.scores = Float32Array.from(scores);
    pieces.forEach((piece, id) => {
      if (!this.idOf.has(piece)) this.idOf.set(piece, id);
    });
    this.bytesOf = pieces.map((piece, id) => {
      if (id === BOS_ID || id === EOS_ID) return new Uint8Array(0);
      const byte = BYTE_PIECE.exec(piece);
      return byte ? Uint8Array.of(parseInt(byte[1]!, 16)) : new Uint8Array(Buffer.from(piece, "utf8"));
    });
  }

  get vocabSize(): number {
    return this.pieces.length;
  }

  encode(text: string, opts: { addBos?: boolean } = {}): number[] {
    const ids: number[] = [];
    if (text.length > 0) {
      for (const char of " " + text) {
        const id = this.idOf.get(char);
        if (id !== undefined) {
          ids.push(id);
          continue;
        }
        for (const byte of Buffer.from(char, "utf8")) {
          ids.push(this.idOf.get(`<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`) ?? UNK_ID);
        }
      }
      this.mergeByScore(ids);
    }
    return (opts.addBos ?? true) ? [BOS_ID, ...ids] : ids;
  }

  private mergeByScore(ids: number[]): void {
    for (;;) {
      let bestScore = -Infinity;
      let bestId = -1;
      let bestAt = -1;
      for (let i = 0; i + 1 < ids.length; i++) {
        const merged = this.idOf.get(this.pieces[ids[i]!]! + this.pieces[ids[i + 1]!]!);
        if (merged !== undefined && this.scores[merged]! > bestScore) {
          bestScore = this.scores[merged]!;
          bestId = merged;
          bestAt = i;
        }
      }
      if (bestAt < 0) return;
      ids.splice(bestAt, 2, bestId);
    }
  }

  /** SentencePiece decoding: pieces and raw bytes joined, the dummy-prefix space dropped. */
  decode(ids: readonly number[]): string {
    const parts: Uint8Array[] = [];
    for (const id of ids) {
      if (id === BOS_ID || id === EOS_ID) continue;
      const bytes = this.bytesOf[id];
      if (bytes === undefined)
        throw new BprofError(`token id ${id} is outside the vocabulary (${this.vocabSize})`, { file: this.source.path });
      parts.push(bytes);
    }
    const text = Buffer.concat(parts).toString("utf8");
    return text.startsWith(" ") ? text.slice(1) : text;
  }

  applyChatTemplate(): string | null {
    return null;
  }
}
