import type { Command } from "commander";
import { convertLlama2cToHf } from "../../model/convert.js";
import { ALLOW_UNUSED_FLAG } from "../../model/checkpoint-coverage.js";
import { inspectModel, type ModelInfo } from "../../model/load.js";
import { runCommand } from "../run-command.js";

export function describeModel(info: ModelInfo): string {
  const c = info.config;
  const rope = c.ropeScaling ? `, rope_scaling ${c.ropeScaling.type} ×${c.ropeScaling.factor}` : "";
  const lines = [
    `path:           ${info.path} (${info.format === "llama2c" ? "llama2.c checkpoint" : "Hugging Face directory"})`,
    `architecture:   ${c.modelType}: ${c.numHiddenLayers} layers, hidden ${c.hiddenSize}, MLP ${c.intermediateSize}, ` +
      `${c.numAttentionHeads} heads × ${c.headDim} (${c.numKeyValueHeads} key/value heads), vocab ${c.vocabSize}`,
    `                rope_theta ${c.ropeTheta}${rope}, rms_norm_eps ${c.rmsNormEps}, max positions ${c.maxPositionEmbeddings}, ` +
      `${c.tieWordEmbeddings ? "tied" : "separate"} output head${c.qkvBias ? ", q/k/v bias" : ""}` +
      `${c.slidingWindow !== null ? `, sliding window ${c.slidingWindow}` : ""}`,
    `parameters:     ${info.numParameters.toLocaleString("en-US")}`,
    `dtype:          stored ${info.checkpointDtypes.join("/")}; loads as ${info.dtype} on ${info.device} by default`,
    `tokenizer:      ${info.tokenizer.kind} ${info.tokenizer.path} (${info.tokenizer.vocabSize} tokens)`,
    `chat template:  ${info.hasChatTemplate ? "yes" : "no"}`,
    `stop ids:       ${info.stopIds.join(", ") || "none"} (generation_config.json, else config.json, and the tokenizer's eos)`,
  ];
  return lines.join("\n") + "\n";
}

export function registerModelCommand(program: Command): void {
  const model = program.command("model").description("Inspect and convert model checkpoints");

  model
    .command("info")
    .description("Architecture, parameter count, dtype, tokenizer and chat template of a model")
    .argument("<path>", "Hugging Face model directory or llama2.c checkpoint (.bin)")
    .option("--tokenizer <file>", "tokenizer.bin or tokenizer directory (default: next to the model)")
    .option("--json", "print JSON")
    .option(ALLOW_UNUSED_FLAG, "describe a checkpoint holding tensors the architecture does not use (default: error)")
    .action(
      runCommand(async (path: string, opts: { tokenizer?: string; json?: boolean; allowUnusedTensors?: boolean }) => {
        const info = await inspectModel(path, { tokenizer: opts.tokenizer, allowUnusedTensors: opts.allowUnusedTensors });
        process.stdout.write(opts.json ? JSON.stringify(info, null, 2) + "\n" : describeModel(info));
      }),
    );

  model
    .command("convert")
    .description("Convert a llama2.c checkpoint and its tokenizer.bin into a Hugging Face model directory")
    .argument("<checkpoint>", "llama2.c checkpoint (.bin, legacy version-0 format)")
    .requiredOption("--tokenizer <file>", "its llama2.c tokenizer.bin")
    .requiredOption("--out <dir>", "output directory (must not exist or be empty)")
    .action(
      runCommand((checkpoint: string, opts: { tokenizer: string; out: string }) => {
        const { files } = convertLlama2cToHf(checkpoint, opts.tokenizer, opts.out);
        process.stdout.write(files.map((f) => `wrote ${f}\n`).join(""));
      }),
    );
}
