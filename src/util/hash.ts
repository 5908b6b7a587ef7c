import { createHash } from "node:crypto";

/** sha256 of a string (as UTF-8) or of bytes, as 64 hex digits. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Content hashes for the run store's keys. Objects are hashed with their keys sorted, so a
 * key depends on what the inputs are, never on the order a caller happened to build them in.
 */
export function hashOf(value: unknown): string {
  return sha256Hex(stableJson(value));
}

/** JSON with object keys in code-unit order and undefined members left out: equal values, equal text. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
