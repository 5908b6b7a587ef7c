import type { Command } from "commander";
import { BprofError } from "../errors.js";
import { checkOutputPath } from "../util/output-path.js";
import { packageRoot } from "../util/package-root.js";

/**
 * Every command's path options, checked once before its action runs: a path option given as
 * the empty string is refused (resolved it would be the current directory), and `--out` is
 * checked by the output rules (output-path.ts) against the command's `--model`. Options are
 * recognised by their placeholder (`<dir>`, `<file>`, `<path>`, `<spec>`, `<specs...>`), so a
 * new command gets the check without a line of its own.
 */
const PATH_PLACEHOLDER = /<(dir|file|path|spec|specs)(\.\.\.)?>/;

export function checkPathOptions(_program: Command, command: Command): void {
  try {
    const values = command.opts() as Record<string, unknown>;
    for (const option of command.options) {
      if (!PATH_PLACEHOLDER.test(option.flags)) continue;
      const value = values[option.attributeName()];
      const given = Array.isArray(value) ? value : [value];
      if (given.some((v) => typeof v === "string" && v.trim() === "")) {
        throw new BprofError("is empty: give a path", { field: option.long ?? option.flags });
      }
    }
    for (const [key, option] of [
      ["out", "--out"],
      ["output_path", "--output_path"],
    ] as const) {
      const value = values[key];
      if (typeof value !== "string") continue;
      checkOutputPath(value, {
        option,
        modelPath: typeof values.model === "string" ? values.model : undefined,
        packageRoot: packageRoot(),
      });
    }
  } catch (err) {
    if (!(err instanceof BprofError)) throw err;
    process.stderr.write(`bprof: error: ${err.message}\n`);
    process.exit(1);
  }
}
