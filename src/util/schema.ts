import { existsSync, readFileSync } from "node:fs";
import type { z } from "zod";
import { BprofError } from "../errors.js";

/**
 * The one step from a zod failure to a BprofError: every file bprof reads is checked by a
 * schema, and every failure reads the same way: `file:line: field 'a.2.b': message`.
 */
export interface SchemaIssue {
  /** e.g. `cells.2.ais`; undefined when the whole value is wrong. */
  field?: string;
  /** Reads well after "field 'x': ". */
  message: string;
  /** The issue's path, for callers that can turn it into a line. */
  path: PropertyKey[];
}

/** The first issue of a zod failure, with the field it is about and how many more there are. */
export function describeZodIssue(error: z.ZodError, input: unknown): SchemaIssue {
  const issue = error.issues[0];
  if (!issue) return { message: "invalid value", path: [] };
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problems)` : "";
  if (issue.code === "unrecognized_keys") {
    const path = [...issue.path, issue.keys[0]!];
    return { field: fieldName(path), message: `unknown field (allowed fields are listed in the schema)${more}`, path };
  }
  const path = [...issue.path];
  const top = path[0];
  const missing = path.length === 1 && typeof top === "string" && input !== null && typeof input === "object" && !(top in input);
  return { field: fieldName(path), message: `${missing ? "missing required field" : issue.message}${more}`, path };
}

/** `["cells", 2, "ais"]` → `cells.2.ais` */
export function fieldName(path: readonly PropertyKey[]): string | undefined {
  return path.length === 0 ? undefined : path.map(String).join(".");
}

export interface SchemaWhere {
  file?: string;
  line?: number;
  /** The line a failing path starts on, when the caller can find it (YAML, JSON text). */
  lineOf?: (path: PropertyKey[]) => number | undefined;
  /** Prefixed to the failing field, for a value that is part of something larger. */
  field?: string;
}

/** `input` checked against `schema`; a failure throws the BprofError that names where. */
export function parseWithSchema<S extends z.ZodType>(schema: S, input: unknown, where: SchemaWhere = {}): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = describeZodIssue(parsed.error, input);
  const field = where.field === undefined ? issue.field : issue.field === undefined ? where.field : `${where.field}.${issue.field}`;
  throw new BprofError(issue.message, { file: where.file, line: where.line ?? where.lineOf?.(issue.path), field });
}

/** A JSON file checked against `schema`: missing, malformed and invalid each say so, naming the file. */
export function readJsonFile<S extends z.ZodType>(file: string, schema: S, missing = "missing"): z.infer<S> {
  if (!existsSync(file)) throw new BprofError(missing, { file });
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new BprofError(`is not valid JSON: ${(err as Error).message}`, { file });
  }
  return parseWithSchema(schema, json, { file });
}
