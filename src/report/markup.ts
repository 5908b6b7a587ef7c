/**
 * HTML and SVG built with a tagged template that escapes every interpolated value unless it
 * is already Markup. Text from data (benchmark names, ability names, reasons) can therefore
 * only reach the page as text: a name like `<script>…</script>` is shown, never run.
 */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type MarkupValue = Markup | string | number | boolean | null | undefined | readonly MarkupValue[];

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escape for HTML/SVG text and quoted attribute values alike. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(value: MarkupValue): string {
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false || value === true) return "";
  return escapeMarkup(String(value));
}

export function html(strings: TemplateStringsArray, ...values: MarkupValue[]): Markup {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Markup(out);
}

/** The SVG builders use the same escaping; the alias reads better at their call sites. */
export const svg = html;

/** Trusted markup written by the report itself (never data). */
export function trusted(text: string): Markup {
  return new Markup(text);
}
