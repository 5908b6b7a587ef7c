import type { Command } from "commander";
import { BprofError } from "../../errors.js";
import { totalmem } from "node:os";
import { AGGREGATES, type Aggregate } from "../../importance/gradients.js";
import { parseFractions } from "../../importance/ablation-count.js";
import { parseVariant } from "../../importance/scope.js";
import {
  DEFAULT_CUDA_MEMORY_BYTES,
  DEFAULT_EVAL_BATCH_TOKENS,
  DEFAULT_PLAN_SEQ_LEN,
  describePlan,
  optionsThatFit,
  planMemory,
  type PlanDType,
  type PlanOptions,
} from "../../plan/memory-plan.js";
import { planConfig } from "../../plan/plan-config.js";
import { DEFAULT_CONTROLS, DEFAULT_IMPORTANCE_BATCH_SIZE, DEFAULT_KS } from "../../profile/defaults.js";
import { CHECKPOINT_CHOICES, parseControls, type CheckpointChoice } from "../../profile/run-options.js";
import { runCommand } from "../run-command.js";
import { parseDevice, parseDtype, parsePositiveInt } from "../option-parsers.js";
import { oneOf } from "./importance.js";

interface PlanFlags {
  model: string;
  device: string;
  dtype?: string;
  aggregate: string;
  batchSize: string;
  batchTokens?: string;
  seqLen: string;
  checkpointLayers: string;
  deviceMemory?: string;
  hostMemory?: string;
  abilities: string;
  k: string;
  controls: string;
  variants: string;
  keepScores?: string | boolean;
  json?: boolean;
}


export function registerPlanCommand(program: Command): void {
  program
    .command("plan")
    .description("Predicted peak device memory, host RAM and disk of a profile, from config.json alone, and whether it fits")
    .requiredOption("--model <path>", "Hugging Face model directory (or its config.json), or llama2.c checkpoint")
    .option("--device <device>", "cpu, cuda or cuda:N", "cpu")
    .option("--dtype <dtype>", "f32, bf16 or f16 (default: f32 on cpu, bf16 on cuda)")
    .option("--aggregate <how>", `gradient accumulation: ${AGGREGATES.join(" | ")}`, "signed-sum")
    .option("--batch-size <n>", "probe items per backward pass", String(DEFAULT_IMPORTANCE_BATCH_SIZE))
    .option("--batch-tokens <n>", "token slots (rows × longest row) per backward at most")
    .option("--seq-len <n>", "tokens of the longest probe item", String(DEFAULT_PLAN_SEQ_LEN))
    .option("--checkpoint-layers <when>", `activation checkpointing: ${CHECKPOINT_CHOICES.join(" | ")}`, "auto")
    .option("--device-memory <GB>", `device memory (default: host RAM on cpu, ${DEFAULT_CUDA_MEMORY_BYTES / 1e9} GB on cuda)`)
    .option("--host-memory <GB>", "host RAM (default: this machine's)")
    .option("--abilities <n>", "abilities profiled", "10")
    .option("--k <fractions>", "ablation fractions, comma-separated", DEFAULT_KS.join(","))
    .option("--controls <list>", "random:N, bottom, or none; comma-separated", DEFAULT_CONTROLS)
    .option("--variants <list>", "ablation scopes: mlp, all (comma-separated)", "mlp")
    .option("--keep-scores [dtype]", "every importance score kept (f32 or f16), not only the top-n candidates")
    .option("--json", "print the plan as JSON")
    .action(
      runCommand(async (flags: PlanFlags) => {
        const config = planConfig(flags.model);
        if (config === null) throw new BprofError("a PyTorch pickle checkpoint: convert it to safetensors first (bprof model info says how)", { file: flags.model });
        const options = planOptionsFromFlags(flags);
        const plan = planMemory(config, options);
        if (flags.json) {
          process.stdout.write(JSON.stringify({ options, plan }, null, 2) + "\n");
          return;
        }
        process.stdout.write(describePlan(plan, options));
        if (!plan.fits) {
          const fit = optionsThatFit(config, options);
          process.stdout.write(fit.length ? `would fit with: ${fit.join("  or  ")}\n` : "no option tried fits: shard the run across machines (docs/scale.md)\n");
        }
      }),
    );
}

function planOptionsFromFlags(flags: PlanFlags): PlanOptions {
  const device = (parseDevice(flags.device) ?? "cpu").startsWith("cuda") ? "cuda" : "cpu";
  const dtype: PlanDType = parseDtype(flags.dtype) ?? (device === "cpu" ? "f32" : "bf16");
  const gb = (value: string, option: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${option}: not a positive number of GB: '${value}'`);
    return n * 1e9;
  };
  const controls = parseControls(flags.controls);
  return {
    device,
    dtype,
    aggregate: oneOf<Aggregate>(flags.aggregate, AGGREGATES, "--aggregate"),
    batchSize: parsePositiveInt(flags.batchSize, "--batch-size"),
    batchTokens: flags.batchTokens === undefined ? null : parsePositiveInt(flags.batchTokens, "--batch-tokens"),
    seqLen: parsePositiveInt(flags.seqLen, "--seq-len"),
    checkpointLayers: oneOf<CheckpointChoice>(flags.checkpointLayers, CHECKPOINT_CHOICES, "--checkpoint-layers"),
    deviceMemory: flags.deviceMemory !== undefined ? gb(flags.deviceMemory, "--device-memory") : device === "cpu" ? totalmem() : DEFAULT_CUDA_MEMORY_BYTES,
    hostMemory: flags.hostMemory !== undefined ? gb(flags.hostMemory, "--host-memory") : totalmem(),
    evalBatchTokens: DEFAULT_EVAL_BATCH_TOKENS,
    abilities: parsePositiveInt(flags.abilities, "--abilities"),
    ks: parseFractions(flags.k),
    masksPerK: controls.bottom ? 2 : 1,
    randomControls: controls.randomSeeds.length,
    variants: flags.variants.split(",").map((v) => parseVariant(v.trim(), { field: "--variants" })).length,
    keepScores: flags.keepScores === undefined ? "none" : oneOf(typeof flags.keepScores === "string" ? flags.keepScores : "f32", ["f32", "f16"] as const, "--keep-scores"),
  };
}
