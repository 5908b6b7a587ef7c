import type { Command } from "commander";
import { BprofError } from "../../errors.js";
import { totalmem } from "node:os";
import { IMPORTANCE_OPTIONS } from "../../importance/options.js";
import {
  DEFAULT_CUDA_MEMORY_BYTES,
  DEFAULT_EVAL_BATCH_TOKENS,
  DEFAULT_PLAN_SEQ_LEN,
  describePlan,
  optionsThatFit,
  planMemory,
  type PlanDType,
  type PlanOptions,
  storedScores,
} from "../../plan/memory-plan.js";
import { planConfig } from "../../plan/plan-config.js";
import { DEFAULT_CONTROLS, PROFILE_OPTIONS } from "../../profile/defaults.js";
import { parseControls } from "../../profile/run-options.js";
import { runCommand } from "../run-command.js";
import { addOption, parseDevice, parseDtype, parsePositiveInt } from "../option-parsers.js";

interface PlanFlags {
  model: string;
  device: string;
  dtype?: string;
  aggregate?: string;
  batchSize?: string;
  batchTokens?: string;
  seqLen: string;
  checkpointLayers?: string;
  deviceMemory?: string;
  hostMemory?: string;
  abilities: string;
  k?: string;
  controls: string;
  variants?: string;
  keepScores?: string | boolean;
  contrast?: string;
  json?: boolean;
}

export function registerPlanCommand(program: Command): void {
  const i = IMPORTANCE_OPTIONS;
  const p = PROFILE_OPTIONS;
  const command = program
    .command("plan")
    .description("Predicted peak device memory, host RAM and disk of a profile, from config.json alone, and whether it fits")
    .requiredOption("--model <path>", "Hugging Face model directory (or its config.json), or llama2.c checkpoint")
    .option("--device <device>", "cpu, cuda or cuda:N", "cpu")
    .option("--dtype <dtype>", "f32, bf16 or f16 (default: f32 on cpu, bf16 on cuda)");
  for (const spec of [p.aggregate, i.batchSize, i.batchTokens]) addOption(command, spec);
  command.option("--seq-len <n>", "tokens of the longest probe item", String(DEFAULT_PLAN_SEQ_LEN));
  addOption(command, p.checkpointLayers);
  command
    .option("--device-memory <GB>", `device memory (default: host RAM on cpu, ${DEFAULT_CUDA_MEMORY_BYTES / 1e9} GB on cuda)`)
    .option("--host-memory <GB>", "host RAM (default: this machine's)")
    .option("--abilities <n>", "abilities profiled", "10");
  addOption(command, p.ks);
  command
    .option("--controls <list>", "random:N, bottom, or none; comma-separated", DEFAULT_CONTROLS)
    .option("--json", "print the plan as JSON");
  addOption(command, p.variants);
  addOption(command, p.keepScores);
  addOption(command, p.contrast);
  command.action(
    runCommand(async (flags: PlanFlags) => {
      const config = planConfig(flags.model);
      if (config === null)
        throw new BprofError("a PyTorch pickle checkpoint: convert it to safetensors first (bprof model info says how)", {
          file: flags.model,
        });
      const options = planOptionsFromFlags(flags);
      const plan = planMemory(config, options);
      if (flags.json) {
        process.stdout.write(JSON.stringify({ options, plan }, null, 2) + "\n");
        return;
      }
      process.stdout.write(describePlan(plan, options));
      if (!plan.fits) {
        const fit = optionsThatFit(config, options);
        process.stdout.write(
          fit.length ? `would fit with: ${fit.join("  or  ")}\n` : "no option tried fits: shard the run across machines (docs/scale.md)\n",
        );
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
    aggregate: PROFILE_OPTIONS.aggregate.parse(flags.aggregate ?? PROFILE_OPTIONS.aggregate.default),
    batchSize: PROFILE_OPTIONS.importanceBatchSize.parse(flags.batchSize ?? PROFILE_OPTIONS.importanceBatchSize.default),
    batchTokens: IMPORTANCE_OPTIONS.batchTokens.parse(flags.batchTokens),
    seqLen: parsePositiveInt(flags.seqLen, "--seq-len"),
    checkpointLayers: PROFILE_OPTIONS.checkpointLayers.parse(flags.checkpointLayers ?? PROFILE_OPTIONS.checkpointLayers.default),
    deviceMemory:
      flags.deviceMemory !== undefined
        ? gb(flags.deviceMemory, "--device-memory")
        : device === "cpu"
          ? totalmem()
          : DEFAULT_CUDA_MEMORY_BYTES,
    hostMemory: flags.hostMemory !== undefined ? gb(flags.hostMemory, "--host-memory") : totalmem(),
    evalBatchTokens: DEFAULT_EVAL_BATCH_TOKENS,
    abilities: parsePositiveInt(flags.abilities, "--abilities"),
    ks: PROFILE_OPTIONS.ks.parse(flags.k ?? PROFILE_OPTIONS.ks.default),
    masksPerK: controls.bottom ? 2 : 1,
    randomControls: controls.randomSeeds.length,
    variants: PROFILE_OPTIONS.variants.parse(flags.variants ?? PROFILE_OPTIONS.variants.default).length,
    // A bare --keep-scores keeps f32; a contrast keeps every score (f32) when none is asked for.
    ...storedScores(
      PROFILE_OPTIONS.keepScores.parse(flags.keepScores === true ? "f32" : (flags.keepScores ?? PROFILE_OPTIONS.keepScores.default)),
      "top",
      PROFILE_OPTIONS.contrast.parse(flags.contrast ?? PROFILE_OPTIONS.contrast.default),
    ),
  };
}
