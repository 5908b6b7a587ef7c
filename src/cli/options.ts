import type { Command } from "commander";
import type { OptionSpec } from "../util/option-spec.js";

/** What the help needs of any option, whatever its value type. */
type ShownOption = Pick<OptionSpec<unknown>, "name" | "placeholder" | "help" | "default"> & { format(value: never): string };

/**
 * Register an option declared in the library (its name, help and default), without a commander
 * default: an option not given stays undefined and the library fills in the same default, and
 * a given one is handed over as text for the library to parse, so both speak with one voice.
 */
export function addOption(command: Command, spec: ShownOption, defaultValue: unknown = spec.default): Command {
  const shown = defaultValue === null ? "" : ` (default: ${spec.format(defaultValue as never)})`;
  return command.option(`--${spec.name}${spec.placeholder ? ` ${spec.placeholder}` : ""}`, `${spec.help}${shown}`);
}
