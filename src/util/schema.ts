import type { z } from "zod";

/** The field a zod failure is about, and a message that reads well after "field 'x': ". */
export function describeZodIssue(error: z.ZodError, input: unknown): { field?: string; message: string } {
  const issue = error.issues[0];
  if (!issue) return { message: "invalid value" };
  if (issue.code === "unrecognized_keys") {
    return { field: issue.keys[0], message: `unknown field (allowed fields are listed in the schema)` };
  }
  const field = issue.path.map(String).join(".") || undefined;
  const top = issue.path[0];
  const missing =
    typeof top === "string" && input !== null && typeof input === "object" && !(top in (input as Record<string, unknown>));
  return { field, message: missing ? "missing required field" : issue.message };
}
