import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gradEnabled, noGrad } from "../../src/engine/index.js";
import { native } from "../../src/engine/native.js";

/**
 * The binding is written down three times: the C++ exports (native/bprof_native.cc), the
 * NativeBinding interface (src/engine/native.ts) and the engine's calls into it (Tensor and its
 * helpers in src/engine). Nothing generates one from another, so this keeps them in step: a
 * function added to one list and forgotten in another fails here, not at run time.
 */
const ROOT = join(import.meta.dirname, "..", "..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

function cppExports(): string[] {
  const source = read("native/bprof_native.cc");
  const init = source.slice(source.indexOf("Napi::Object Init("));
  return [...init.matchAll(/EXPORT\((\w+)\)|exports\.Set\("(\w+)"/g)].map((m) => (m[1] ?? m[2])!).sort();
}

function interfaceMembers(): string[] {
  const source = read("src/engine/native.ts");
  const start = source.indexOf("export interface NativeBinding {");
  const body = source
    .slice(source.indexOf("{", start) + 1, source.indexOf("\n}\n", start))
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "");
  // A member's name starts each declaration at bracket depth 0 (parameters sit inside parentheses).
  const names: string[] = [];
  let depth = 0;
  let declaration = "";
  for (const c of body) {
    if (c === "(" || c === "[" || c === "{") depth++;
    if (c === ")" || c === "]" || c === "}") depth--;
    if (depth === 0 && (c === ";" || c === "\n")) {
      const m = /^\s*(?:readonly\s+)?([A-Za-z]\w*)\s*[(:]/.exec(declaration);
      if (m) names.push(m[1]!);
      if (c === ";" || m) declaration = "";
      continue;
    }
    declaration += c;
  }
  return names.sort();
}

function engineCalls(): Set<string> {
  const engine = ["tensor.ts", "scope.ts", "runtime.ts", "native.ts"].map((f) => read(join("src/engine", f))).join("\n");
  return new Set([...engine.matchAll(/\bnative\.(\w+)\b/g)].map((m) => m[1]!));
}

describe("the native binding's three lists agree", () => {
  it("C++ exports = NativeBinding members", () => {
    expect(interfaceMembers()).toEqual(cppExports());
  });

  it("every binding member is used by the engine (a Tensor method or helper faces it)", () => {
    const calls = engineCalls();
    expect(interfaceMembers().filter((name) => !calls.has(name))).toEqual([]);
  });

  it("the built addon exports exactly the C++ list", () => {
    expect(Object.keys(native).sort()).toEqual(cppExports());
  });

  it("gradEnabled (the face of isGradEnabled) says what noGrad does", () => {
    expect(gradEnabled()).toBe(true);
    expect(noGrad(() => gradEnabled())).toBe(false);
    expect(gradEnabled()).toBe(true);
  });
});
