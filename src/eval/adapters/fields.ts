import { RowProblem } from "../bad-rows.js";

/** Typed access to a parsed row's fields; a wrong or absent field is a RowProblem naming it. */

export function asObject(value: unknown, what = "row"): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new RowProblem(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

export function stringField(row: Record<string, unknown>, field: string): string {
  const value = row[field];
  if (value === undefined || value === null) throw new RowProblem(`missing field '${field}'`, field);
  if (typeof value !== "string") throw new RowProblem(`expected a string, found ${JSON.stringify(value)}`, field);
  return value;
}

export function stringListField(row: Record<string, unknown>, field: string): string[] {
  const value = row[field];
  if (value === undefined || value === null) throw new RowProblem(`missing field '${field}'`, field);
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) throw new RowProblem("expected a list of strings", field);
  return value;
}

/** An id field that may be a number (HellaSwag's `ind`) or a string; absent gives the fallback. */
export function idField(row: Record<string, unknown>, field: string, fallback: string): string {
  const value = row[field];
  return typeof value === "string" || typeof value === "number" ? String(value) : fallback;
}

/** Index of the gold label among labels, or a RowProblem listing the labels there are. */
export function labelIndex(labels: string[], gold: string, field: string): number {
  const index = labels.indexOf(gold);
  if (index < 0) throw new RowProblem(`gold '${gold}' is not among the choices ${labels.join(", ")}`, field);
  return index;
}
