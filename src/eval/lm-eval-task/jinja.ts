import * as jinja from "@huggingface/jinja";

/**
 * lm-eval's templates (lm_eval/utils.py apply_template): Jinja with StrictUndefined and
 * keep_trailing_newline, no trim_blocks / lstrip_blocks. Rendered with @huggingface/jinja,
 * which has Python's string methods (`.strip()`, `.split()`, …) but not `list.index`, which
 * lm-eval's ARC template needs (`choices.label.index(answerKey)`): such calls are rewritten
 * into a helper with Python's semantics (ValueError when absent).
 */
export class JinjaError extends Error {}

// The package's .d.ts files import each other without extensions, which NodeNext resolution
// cannot follow: the few members used here are typed by hand.
type Program = object;
interface JinjaEnvironment {
  set(name: string, value: unknown): unknown;
  resolve(name: string): JinjaEnvironment;
}
const Environment = jinja.Environment as unknown as new (parent?: JinjaEnvironment) => JinjaEnvironment;
const Interpreter = jinja.Interpreter as unknown as new (env: JinjaEnvironment) => { run(program: Program): { value: unknown } };
const parse = jinja.parse as unknown as (tokens: unknown) => Program;
const tokenize = jinja.tokenize as unknown as (source: string) => unknown;

const compiled = new Map<string, Program>();

/** Parse a template once; a syntax error is a JinjaError. */
export function compileJinja(template: string): Program {
  let program = compiled.get(template);
  if (!program) {
    try {
      program = parse(tokenize(template));
    } catch (err) {
      throw new JinjaError(`Jinja syntax error: ${(err as Error).message}`);
    }
    rewriteIndexCalls(program);
    compiled.set(template, program);
  }
  return program;
}

/** Render a template against a doc (its fields are the template's variables). */
export function renderJinja(template: string, doc: Record<string, unknown>): string {
  const program = compileJinja(template);
  const env = new StrictEnvironment();
  for (const [key, value] of Object.entries(doc)) env.set(key, value);
  env.set(INDEX_HELPER, listIndex);
  let out: string;
  try {
    out = new Interpreter(env).run(program).value as string;
  } catch (err) {
    throw new JinjaError((err as Error).message);
  }
  if (env.missing.size > 0)
    throw new JinjaError(`undefined variable '${[...env.missing][0]}' (the doc has ${Object.keys(doc).join(", ")})`);
  // The lexer drops one trailing newline; lm-eval keeps it (keep_trailing_newline=True).
  return template.endsWith("\n") ? out + "\n" : out;
}

/**
 * The value of a template that is one expression (`{{choices.text}}`, `{{[sol1, sol2]}}`),
 * which lm-eval gets by ast.literal_eval of the rendered text: here the expression is
 * rendered through `tojson` and parsed back, so strings holding quotes or brackets survive.
 */
export function evaluateJinja(template: string, doc: Record<string, unknown>): unknown {
  const single = /^\s*\{\{(.*)\}\}\s*$/s.exec(template);
  if (single && !single[1]!.includes("}}") && !single[1]!.includes("{{")) {
    const json = renderJinja(`{{ (${single[1]}) | tojson }}`, doc);
    try {
      return JSON.parse(json);
    } catch {
      // Not JSON after all (a filter that returned text): fall through to the literal route.
    }
  }
  const text = renderJinja(template, doc);
  try {
    return JSON.parse(text);
  } catch {
    throw new JinjaError(`rendered to ${JSON.stringify(text.slice(0, 80))}, which is not a list literal`);
  }
}

const INDEX_HELPER = "__bprof_list_index";

/** Python's list.index / str.index: the first position of the value, ValueError when absent. */
function listIndex(container: unknown, value: unknown): number {
  const items = Array.isArray(container)
    ? container.map((v) => (v && typeof v === "object" && "value" in v ? (v as { value: unknown }).value : v))
    : container;
  const index = typeof items === "string" ? items.indexOf(String(value)) : Array.isArray(items) ? items.indexOf(value) : -1;
  if (index < 0) throw new Error(`ValueError: ${JSON.stringify(value)} is not in ${JSON.stringify(items)}`);
  return index;
}

/** Rewrite every `x.index(y)` call in the syntax tree into `__bprof_list_index(x, y)`. */
function rewriteIndexCalls(node: unknown): void {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    node.forEach(rewriteIndexCalls);
    return;
  }
  const n = node as Record<string, unknown> & { type?: string };
  for (const value of Object.values(n)) rewriteIndexCalls(value);
  if (n.type !== "CallExpression") return;
  const callee = n.callee as { type?: string; computed?: boolean; object?: unknown; property?: { type?: string; value?: unknown } };
  if (
    callee?.type === "MemberExpression" &&
    !callee.computed &&
    callee.property?.type === "Identifier" &&
    callee.property.value === "index"
  ) {
    n.args = [callee.object, ...(n.args as unknown[])];
    n.callee = { type: "Identifier", value: INDEX_HELPER };
  }
}

/**
 * StrictUndefined for names: a variable looked up and found nowhere is recorded (the
 * interpreter itself would render it as ""), and rendering then fails naming it.
 */
class StrictEnvironment extends Environment {
  readonly missing = new Set<string>();

  override resolve(name: string): JinjaEnvironment {
    try {
      return super.resolve(name);
    } catch (err) {
      this.missing.add(name);
      throw err;
    }
  }
}
