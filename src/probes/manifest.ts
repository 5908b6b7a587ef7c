import { z } from "zod";

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
