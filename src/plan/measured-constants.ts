/**
 * The constants of the memory plan (memory-plan.ts) that are measured, not derived:
 * written by `nice -n 10 npx tsx scripts/measure-memory.ts --write` (docs/scale.md has its
 * table of measurements). Do not edit by hand.
 */
export const MEASURED = {
  /** RSS of a bprof process with libtorch loaded and no model (bytes). */
  processBaselineBytes: 244740096,
  /** Multiplier on the analytic count of saved activation elements per decoder layer (see activationElements). */
  activationFactor: { f32: 0.7075, bf16: 0.662 },
  /** Bytes per token per vocabulary entry of the LM head and loss (f32 logits, log-softmax, their gradients). */
  headBytesPerLogit: { f32: 11.668, bf16: 15.096 },
  /** When and where the constants were measured. */
  measuredOn: "2026-12-02, 2 CPUs, 24 GiB, node v20.20.2",
} as const;
