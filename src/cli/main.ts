#!/usr/bin/env node
import { Command } from "commander";
import { VERSION } from "../version.js";
import { registerModelCommand } from "./commands/model.js";
import { registerGenerateCommand } from "./commands/generate.js";
import { registerLogitsCommand } from "./commands/logits.js";
import { registerBenchmarksCommand } from "./commands/benchmarks.js";
import { registerEvalCommand } from "./commands/eval.js";
import { registerImportanceCommand } from "./commands/importance.js";
import { registerSelectCommand } from "./commands/select.js";
import { registerMasksCommand } from "./commands/masks.js";
import { registerReportCommand } from "./commands/report.js";
import { registerCompareCommand } from "./commands/compare.js";
import { registerProbesCommand } from "./commands/probes.js";
import { registerProfileCommand } from "./commands/profile.js";
import { registerValidateCommand } from "./commands/validate.js";
import { registerMergeCommand } from "./commands/merge.js";
import { checkPathOptions } from "./path-options.js";
import { registerPlanCommand } from "./commands/plan.js";

const program = new Command();
program
  .name("bprof")
  .description("Mechanistic benchmark profiling: which abilities does a benchmark really measure?")
  .version(VERSION)
  .hook("preAction", checkPathOptions);

// Each command group registers itself from its own file in ./commands/.
registerModelCommand(program);
registerGenerateCommand(program);
registerLogitsCommand(program);
registerBenchmarksCommand(program);
registerEvalCommand(program);
registerImportanceCommand(program);
registerSelectCommand(program);
registerMasksCommand(program);
registerReportCommand(program);
registerCompareCommand(program);
registerProbesCommand(program);
registerProfileCommand(program);
registerValidateCommand(program);
registerMergeCommand(program);
registerPlanCommand(program);

await program.parseAsync(process.argv);
