import { z } from "zod";

/** Ability ids double as directory and file names, so they are kebab-case. */
export const ABILITY_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Mirrors abilities/<id>.yaml. */
export const AbilitySchema = z.strictObject({
  id: z.string().regex(ABILITY_ID_PATTERN, "must be kebab-case (a-z, 0-9, '-')"),
  name: z.string().min(1),
  description: z.string().min(1),
  /** What the probe items exercise, in a sentence or two. */
  tests: z.string().min(1),
  /** The built-in generator that writes this ability's probes; absent for a user's own hand-written set. */
  generator: z.string().min(1).optional(),
});
export type Ability = z.infer<typeof AbilitySchema>;

export const PROBE_SPLITS = ["train", "dev", "test"] as const;
export type ProbeSplit = (typeof PROBE_SPLITS)[number];

/**
 * Mirrors one line of probes/<ability>/<split>.jsonl. Generated items have exactly four
 * options; a user's own files may have any number from two up.
 */
export const ProbeItemSchema = z.strictObject({
  id: z.string().min(1),
  ability: z.string().min(1),
  context: z.string().min(1).optional(),
  question: z.string().min(1),
  options: z.array(z.string().min(1)).min(2, "needs at least 2 options"),
  /** The gold option's text. */
  answer: z.string().min(1),
  /** The structured facts an item was built from; free-form for user files. */
  meta: z.record(z.string(), z.unknown()).optional(),
});
export type ProbeItem = z.infer<typeof ProbeItemSchema>;

/** Two items are the same item when they ask the same thing with the same gold answer. */
export function probeContentKey(item: Pick<ProbeItem, "context" | "question" | "answer">): string {
  return JSON.stringify([item.context ?? "", item.question, item.answer]);
}

const SplitFileSchema = z.strictObject({
  file: z.string(),
  items: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

/** Mirrors probes/manifest.json: how the set was generated and what each file must hash to. */
export const ProbeManifestSchema = z.strictObject({
  seed: z.number().int(),
  heldOutTestShare: z.number(),
  abilities: z.record(z.string(), z.strictObject({ train: SplitFileSchema, dev: SplitFileSchema, test: SplitFileSchema })),
});
export type ProbeManifest = z.infer<typeof ProbeManifestSchema>;
