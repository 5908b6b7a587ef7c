import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { isNode, LineCounter, parseDocument, visit } from "yaml";
import { BprofError } from "../../errors.js";

/** Where a key of a merged task config was written: its file (a task file or one it includes) and line. */
export interface KeyLocation {
  file: string;
  line?: number;
}

export interface RawTaskFile {
  /** The merged keys: included files first (the first-listed include wins), then the file's own. */
  config: Record<string, unknown>;
  /** File and line of every merged top-level key. */
  locations: Record<string, KeyLocation>;
}

/**
 * Read an lm-eval task YAML as lm_eval/utils.py's load_yaml_config does: `!function a.b`
 * scalars are kept as references (file and line, for built-ins and errors), `include:` (a
 * path or a list, relative to the including file) pulls in other files whose keys the
 * including file overrides; several includes are merged so that the first listed wins.
 */
export function readTaskFile(path: string, seen: string[] = []): RawTaskFile {
  const file = resolve(path);
  if (seen.includes(file)) throw new BprofError(`include cycle: ${[...seen, file].join(" → ")}`, { file, field: "include" });
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new BprofError(`cannot read task file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { file });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, customTags: [{ tag: "!function", resolve: (value: string) => value }] });
  const yamlError = doc.errors[0];
  if (yamlError) throw new BprofError(`invalid YAML: ${yamlError.message.split("\n")[0]}`, { file, line: yamlError.linePos?.[0].line });
  const unknownTag = doc.warnings.find((w) => w.code === "TAG_RESOLVE_FAILED");
  if (unknownTag) throw new BprofError(unknownTag.message.split("\n")[0]!, { file, line: unknownTag.linePos?.[0].line });
  visit(doc, {
    Scalar(_, node) {
      if (node.tag === "!function") {
        node.value = { function: String(node.value), file, line: node.range ? lineCounter.linePos(node.range[0]).line : 0 };
      }
    },
  });
  const own = doc.toJS() as unknown;
  if (own === null || typeof own !== "object" || Array.isArray(own)) throw new BprofError("expected a mapping of task keys", { file });
  const ownConfig = own as Record<string, unknown>;
  const lineOf = (key: string): number | undefined => {
    const node = doc.getIn([key], true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    const pair =
      doc.contents && "items" in doc.contents
        ? (doc.contents.items as { key: unknown }[]).find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === key)
        : undefined;
    const keyNode = pair?.key;
    return isNode(keyNode) && keyNode.range ? lineCounter.linePos(keyNode.range[0]).line : undefined;
  };

  const merged: RawTaskFile = { config: {}, locations: {} };
  const includes = ownConfig.include;
  if (includes !== undefined) {
    const list = typeof includes === "string" ? [includes] : includes;
    if (!Array.isArray(list) || !list.every((entry) => typeof entry === "string")) {
      throw new BprofError("expected a file name or a list of them", { file, line: lineOf("include"), field: "include" });
    }
    for (const entry of [...list].reverse()) {
      const target = isAbsolute(entry) ? entry : resolve(dirname(file), entry);
      if (!existsSync(target))
        throw new BprofError(`included file '${entry}' not found (${target})`, { file, line: lineOf("include"), field: "include" });
      const included = readTaskFile(target, [...seen, file]);
      Object.assign(merged.config, included.config);
      Object.assign(merged.locations, included.locations);
    }
  }
  for (const [key, value] of Object.entries(ownConfig)) {
    if (key === "include") continue;
    merged.config[key] = value;
    merged.locations[key] = { file, line: lineOf(key) };
  }
  return merged;
}
