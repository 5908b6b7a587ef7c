import { readFileSync } from "node:fs";
import { BprofError } from "../errors.js";
import { parseWithSchema } from "../util/schema.js";
import { ProfileSchema, type Profile } from "../stats/profile-schema.js";

/** Read and validate a profile.json; every problem is a BprofError naming file, line and field. */
export function loadProfile(path: string): Profile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new BprofError(`cannot read the profile: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { file: path });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new BprofError(`invalid JSON: ${message}`, { file: path, line: jsonErrorLine(text, message) });
  }
  return parseWithSchema(ProfileSchema, data, { file: path, lineOf: (issuePath) => lineOfPath(text, issuePath) });
}

/** V8 says "at position N" (or "line L column C"); turn either into a 1-based line. */
function jsonErrorLine(text: string, message: string): number | undefined {
  const lineCol = /line (\d+) column/.exec(message);
  if (lineCol) return Number(lineCol[1]);
  const pos = /position (\d+)/.exec(message);
  if (pos) return text.slice(0, Number(pos[1])).split("\n").length;
  return undefined;
}

/**
 * The line where a JSON path's value starts, found by walking the text with a small scanner.
 * Best effort: undefined when the path cannot be followed (the field is then still named).
 */
function lineOfPath(text: string, path: readonly PropertyKey[]): number | undefined {
  let pos = 0;
  const skipWs = (): void => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const skipString = (): string => {
    const start = pos;
    pos++;
    while (pos < text.length && text[pos] !== '"') pos += text[pos] === "\\" ? 2 : 1;
    pos++;
    return JSON.parse(text.slice(start, pos)) as string;
  };
  const skipValue = (): void => {
    skipWs();
    const c = text[pos];
    if (c === '"') return void skipString();
    if (c === "{" || c === "[") {
      let depth = 0;
      do {
        const d = text[pos];
        if (d === '"') {
          skipString();
          continue;
        }
        if (d === "{" || d === "[") depth++;
        if (d === "}" || d === "]") depth--;
        pos++;
      } while (depth > 0 && pos < text.length);
      return;
    }
    while (pos < text.length && !/[,}\]\s]/.test(text[pos]!)) pos++;
  };
  try {
    for (const key of path) {
      skipWs();
      if (typeof key === "number") {
        if (text[pos] !== "[") return undefined;
        pos++;
        for (let i = 0; i < key; i++) {
          skipValue();
          skipWs();
          if (text[pos] !== ",") return undefined;
          pos++;
        }
      } else {
        if (text[pos] !== "{") return undefined;
        pos++;
        for (;;) {
          skipWs();
          if (text[pos] !== '"') return undefined;
          const name = skipString();
          skipWs();
          pos++; // ':'
          if (name === key) break;
          skipValue();
          skipWs();
          if (text[pos] !== ",") return undefined;
          pos++;
        }
      }
    }
    skipWs();
    return text.slice(0, pos).split("\n").length;
  } catch {
    return undefined;
  }
}
