/**
 * A JavaScript RegExp from a pattern that may start with Python's inline flags, e.g.
 * "(?s).*#### " from lm-eval's GSM8K config, so those patterns can be used as they are.
 */
export function compileRegex(pattern: string, extraFlags = ""): RegExp {
  const inline = /^\(\?([imsx]+)\)/.exec(pattern);
  const flags = new Set(extraFlags);
  let source = pattern;
  if (inline) {
    source = pattern.slice(inline[0].length);
    for (const flag of inline[1]!) if (flag !== "x") flags.add(flag);
  }
  return new RegExp(source, [...flags].join(""));
}
