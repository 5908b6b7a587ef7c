/**
 * The generic adapter's tiny template language: `{{name}}` inserts a field, `{{a.b}}` a
 * nested one, `{{list.0}}` a list element. Nothing else: no expressions, no filters, so a
 * template can never run code and always renders the same way.
 */

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;

export class MissingFieldError extends Error {
  constructor(readonly field: string) {
    super(`missing field '${field}'`);
  }
}

/** The value at a dotted path, or undefined. */
export function lookupField(row: unknown, path: string): unknown {
  let value: unknown = row;
  for (const key of path.split(".")) {
    if (Array.isArray(value) && /^\d+$/.test(key)) value = value[Number(key)];
    else if (value !== null && typeof value === "object") value = (value as Record<string, unknown>)[key];
    else return undefined;
  }
  return value;
}

/** Render a template against a row; throws MissingFieldError naming the absent field. */
export function renderTemplate(template: string, row: unknown): string {
  return template.replace(PLACEHOLDER, (_, path: string) => {
    const value = lookupField(row, path);
    if (value === undefined || value === null) throw new MissingFieldError(path);
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
  });
}
