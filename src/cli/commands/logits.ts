import type { Command } from "commander";
import { noGrad, scope, Tensor } from "../../engine/index.js";
import { BprofError } from "../../errors.js";
import type { LlamaModel } from "../../model/llama.js";
import { loadModel, loadWeights } from "../../model/load.js";
import type { Tokenizer } from "../../model/tokenizer/tokenizer.js";
import { runCommand } from "../run-command.js";
import { parseDevice, parseDtype, parsePositiveInt } from "../option-parsers.js";
import { ALLOW_UNUSED_FLAG } from "../../model/checkpoint-coverage.js";

export function parseIds(value: string, vocabSize: number): number[] {
  const ids = value.split(",").map((s) => s.trim());
  return ids.map((s) => {
    const id = Number(s);
    if (s === "" || !Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw new BprofError(`'${s}' is not a token id in [0, ${vocabSize})`, { field: "--ids" });
    }
    return id;
  });
}

export function registerLogitsCommand(program: Command): void {
  program
    .command("logits")
    .description("Logits at the last position of a token sequence, to audit a loader against another implementation")
    .requiredOption("--model <path>", "Hugging Face model directory or llama2.c checkpoint (.bin)")
    .requiredOption("--ids <ids>", "comma-separated token ids, e.g. 1,5,9")
    .option("--tokenizer <file>", "show token pieces (tokenizer.bin or tokenizer directory)")
    .option("--top <k>", "how many of the largest logits to list", "10")
    .option("--device <device>", "cpu, cuda or cuda:N", "cpu")
    .option("--dtype <dtype>", "f32, bf16 or f16 (default: f32 on cpu, bf16 on cuda)")
    .option("--json", "print every logit as JSON")
    .option(ALLOW_UNUSED_FLAG, "load a checkpoint holding tensors the architecture does not use (default: error)")
    .action(
      runCommand(
        async (opts: {
          model: string;
          ids: string;
          tokenizer?: string;
          top: string;
          device: string;
          dtype?: string;
          json?: boolean;
          allowUnusedTensors?: boolean;
        }) => {
          const top = parsePositiveInt(opts.top, "--top");
          const load = { device: parseDevice(opts.device), dtype: parseDtype(opts.dtype), allowUnusedTensors: opts.allowUnusedTensors };
          // The tokenizer is optional here: ids are the input, pieces only decorate the listing.
          const { model, tokenizer }: { model: LlamaModel; tokenizer: Tokenizer | null } = opts.tokenizer
            ? await loadModel(opts.model, { ...load, tokenizer: opts.tokenizer })
            : { model: loadWeights(opts.model, load).model, tokenizer: null };
          try {
            const ids = parseIds(opts.ids, model.config.vocabSize);
            const logits = noGrad(() =>
              scope(() =>
                model
                  .forward(Tensor.fromInt64(ids, [1, ids.length]))
                  .narrow(1, ids.length - 1, 1)
                  .flatten()
                  .toFloat32(),
              ),
            ); // [V]
            if (opts.json) {
              process.stdout.write(JSON.stringify({ ids, logits: Array.from(logits) }) + "\n");
              return;
            }
            const order = Array.from(logits.keys())
              .sort((a, b) => logits[b]! - logits[a]!)
              .slice(0, top);
            const piece = (id: number) => (tokenizer ? `  ${JSON.stringify(tokenizer.decode([id]))}` : "");
            process.stdout.write(`last-position logits over ${logits.length} tokens; top ${order.length}:\n`);
            for (const id of order) process.stdout.write(`${String(id).padStart(8)}  ${logits[id]!.toFixed(6).padStart(12)}${piece(id)}\n`);
          } finally {
            model.dispose();
          }
        },
      ),
    );
}
