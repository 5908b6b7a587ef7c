import { BprofError } from "../errors.js";
import type { TensorSource } from "./loaders/raw-tensor.js";

/**
 * Tensors a checkpoint holds that the architecture named by its config never reads. A
 * `q_proj.bias` in a Llama checkpoint, or an unknown `extra_proj`, usually means the config
 * names the wrong architecture (or a bias flag is off): the model would load and run without
 * them and score something else than the checkpoint's model. Checked generically against the
 * parameter names the architecture expects, so every architecture gets it.
 *
 * Buffers that transformers itself recomputes are not weights and are skipped: the RoPE
 * inverse frequencies some older Llama checkpoints saved.
 */
const DERIVED_BUFFERS = [/(^|\.)rotary_emb\.inv_freq$/];

export const ALLOW_UNUSED_FLAG = "--allow-unused-tensors";

export function unusedTensors(source: TensorSource, expected: ReadonlyMap<string, unknown>): string[] {
  return source
    .names()
    .filter((name) => !expected.has(name) && !DERIVED_BUFFERS.some((pattern) => pattern.test(name)))
    .sort();
}

/** Throws (listing them) unless allowed; when allowed, warns once on stderr. */
export function checkNoUnusedTensors(
  source: TensorSource,
  expected: ReadonlyMap<string, unknown>,
  architecture: string,
  options: { allowUnused?: boolean; configFile: string },
): void {
  const unused = unusedTensors(source, expected);
  if (unused.length === 0) return;
  const shown = unused.length <= 10 ? unused.join(", ") : `${unused.slice(0, 10).join(", ")} and ${unused.length - 10} more`;
  const message = `${unused.length} tensor${unused.length === 1 ? "" : "s"} of the checkpoint ${unused.length === 1 ? "is" : "are"} not used by the '${architecture}' architecture that ${options.configFile} names: ${shown}`;
  if (options.allowUnused) {
    process.stderr.write(`bprof: warning: ${source.path}: ${message} (ignored: ${ALLOW_UNUSED_FLAG})\n`);
    return;
  }
  throw new BprofError(`${message} (wrong architecture or bias flags in the config? ${ALLOW_UNUSED_FLAG} loads it anyway)`, {
    file: source.path,
  });
}
