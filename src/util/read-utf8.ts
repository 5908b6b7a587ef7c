import { BprofError } from "../errors.js";

/**
 * Text files bprof reads (benchmark data and specs, probe splits) must be UTF-8. Node's
 * default decoder replaces an invalid byte with U+FFFD without a word, which changes the
 * items the model is asked (and their hashes); so the bytes are decoded strictly and the first
 * invalid one is reported with its byte offset and line (a Latin-1 or UTF-16 export, usually).
 */
const strict = new TextDecoder("utf-8", { fatal: true });

export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return strict.decode(bytes);
  } catch {
    const offset = firstInvalidByte(bytes);
    const line = countLines(bytes, offset);
    throw new BprofError(
      `not UTF-8: byte 0x${bytes[offset]!.toString(16).padStart(2, "0")} at byte offset ${offset} is not valid UTF-8 ` +
        "(re-save the file as UTF-8, e.g. iconv -f latin1 -t utf-8)",
      { file, line },
    );
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    // A valid sequence also decodes on its own; this catches overlongs and surrogates.
    try {
      strict.decode(bytes.subarray(i, i + length));
    } catch {
      return i;
    }
    i += length;
  }
  return bytes.length - 1;
}

function countLines(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}
