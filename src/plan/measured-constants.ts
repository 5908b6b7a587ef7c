/**
 * The constants of the memory plan (memory-plan.ts) that are measured, not derived:
 * written by `nice -n 10 npx tsx scripts/measure-memory.ts --write` (docs/scale.md has its
 * table of measurements). Do not edit by hand.
 */
export const MEASURED = {
  /** RSS of a bprof process with libtorch loaded and no model (bytes). */
  processBaselineBytes: 0,
  /** Multiplier on the analytic count of saved activation elements per decoder layer (see activationElements). */
  activationFactor: { f32: 1, bf16: 1 },
  /** Bytes per token per vocabulary entry of the LM head and loss (f32 logits, log-softmax, their gradients). */
  headBytesPerLogit: { f32: 12, bf16: 14 },
  /** When and where the constants were measured. */
  measuredOn: "not yet measured",
} as const;
