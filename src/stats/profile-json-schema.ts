import { z } from "zod";
import { ProfileSchema } from "./profile-schema.js";

/** Written next to every profile.json, so that any JSON Schema validator (and a notebook) can check one. */
export const PROFILE_SCHEMA_FILE = "profile.schema.json";

/**
 * profile.json's JSON Schema, generated from the zod schema the pipeline itself validates
 * with (schema.ts), in draft 7, which every common validator reads. Cross-field checks
 * (superRefine) have no JSON Schema form and stay zod's.
 */
export function profileJsonSchemaText(): string {
  const schema = z.toJSONSchema(ProfileSchema, { target: "draft-7", io: "output" });
  return (
    JSON.stringify(
      { ...schema, title: "bprof profile.json", $comment: "generated from src/profile/schema.ts by bprof; do not edit" },
      null,
      2,
    ) + "\n"
  );
}
