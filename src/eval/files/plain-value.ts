/**
 * A value read from a columnar file as the JSON-like value a JSONL export of the same row
 * holds: int64 (bigint) becomes a number (a string when beyond 2^53, where a number would
 * change it), bytes UTF-8 text, other typed arrays arrays, Dates ISO strings; objects and
 * arrays recursively.
 */
export function plainValue(value: unknown): unknown {
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plainValue);
  if (ArrayBuffer.isView(value)) {
    if (value instanceof Uint8Array) return new TextDecoder().decode(value);
    return Array.from(value as unknown as ArrayLike<number | bigint>, plainValue);
  }
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, plainValue(v)]));
}
