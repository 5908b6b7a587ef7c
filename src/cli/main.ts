#!/usr/bin/env node
import { Command } from "commander";
import { VERSION } from "../version.js";

const program = new Command();
program
  .name("bprof")
  .description("Mechanistic benchmark profiling: which abilities does a benchmark really measure?")
  .version(VERSION);

// Each command group registers itself from its own file in ./commands/.

await program.parseAsync(process.argv);
