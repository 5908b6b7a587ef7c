import type { Command } from "commander";
import { BprofError } from "../../errors.js";
import { ALLOW_UNUSED_FLAG } from "../../model/checkpoint-coverage.js";
import { loadModel } from "../../model/load.js";
import { runCommand } from "../run-command.js";
import { parseDevice, parseDtype, parsePositiveInt } from "../option-parsers.js";

export function registerGenerateCommand(program: Command): void {
  program
    .command("generate")
    .description("Greedy text generation (from BOS when no prompt is given)")
    .requiredOption("--model <path>", "Hugging Face model directory or llama2.c checkpoint (.bin)")
    .option("--tokenizer <file>", "tokenizer.bin or tokenizer directory (default: next to the model)")
    .option("--prompt <text>", "text to continue (with --chat: the user's message)", "")
    .option("--chat", "render the prompt as one user turn with the model's chat template and print the reply only")
    .option("--max-new-tokens <n>", "tokens to generate at most", "256")
    .option("--device <device>", "cpu, cuda or cuda:N", "cpu")
    .option("--dtype <dtype>", "f32, bf16 or f16 (default: f32 on cpu, bf16 on cuda)")
    .option("--json", "print JSON with the token ids")
    .option(ALLOW_UNUSED_FLAG, "load a checkpoint holding tensors the architecture does not use (default: error)")
    .action(
      runCommand(
        async (opts: {
          model: string;
          tokenizer?: string;
          prompt: string;
          maxNewTokens: string;
          device: string;
          dtype?: string;
          chat?: boolean;
          json?: boolean;
          allowUnusedTensors?: boolean;
        }) => {
          const maxNewTokens = parsePositiveInt(opts.maxNewTokens, "--max-new-tokens");
          const loaded = await loadModel(opts.model, {
            tokenizer: opts.tokenizer,
            device: parseDevice(opts.device),
            dtype: parseDtype(opts.dtype),
            allowUnusedTensors: opts.allowUnusedTensors,
          });
          try {
            const { model, tokenizer } = loaded;
            let promptIds: number[];
            if (opts.chat) {
              const rendered = tokenizer.applyChatTemplate([{ role: "user", content: opts.prompt }], { addGenerationPrompt: true });
              if (rendered === null)
                throw new BprofError("the tokenizer has no chat template (drop --chat)", {
                  file: loaded.info.tokenizer.path,
                  field: "chat_template",
                });
              promptIds = tokenizer.encode(rendered, { addBos: false }); // the template writes its own BOS
            } else {
              promptIds = tokenizer.encode(opts.prompt, { addBos: true });
            }
            if (promptIds.length === 0) throw new BprofError("the tokenizer has no BOS token: give a --prompt", { field: "--prompt" });
            const context = model.config.maxPositionEmbeddings;
            if (promptIds.length >= context) {
              throw new BprofError(
                `the prompt is ${promptIds.length} tokens and the model's context is ${context}: there is no room to generate a token (shorten the prompt)`,
                { field: "--prompt" },
              );
            }
            if (promptIds.length + maxNewTokens > context) {
              process.stderr.write(
                `bprof: warning: the prompt is ${promptIds.length} tokens of the model's ${context}: at most ${context - promptIds.length} of the ${maxNewTokens} new tokens fit\n`,
              );
            }
            const stopIds = loaded.info.stopIds;
            const newIds = model.generate(promptIds, { maxNewTokens, stopIds });
            const reply = stopIds.includes(newIds.at(-1) ?? -1) ? newIds.slice(0, -1) : newIds;
            const text = opts.chat ? tokenizer.decode(reply) : tokenizer.decode([...promptIds, ...newIds]);
            process.stdout.write(opts.json ? JSON.stringify({ promptIds, newIds, text }) + "\n" : text + "\n");
          } finally {
            loaded.dispose();
          }
        },
      ),
    );
}
