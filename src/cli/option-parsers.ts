import type { Device } from "../engine/index.js";
import { BprofError } from "../errors.js";
import type { ParamDType } from "../model/llama.js";
import type { Command } from "commander";
import type { OptionSpec } from "../util/option-spec.js";

/** The CLI's option helpers: registering an option the library declares, and parsers of the options only the CLI has (each error names its option). */

function isPositiveInt(n: number): boolean {
  return Number.isInteger(n) && n > 0;
}

export function parsePositiveInt(value: string, option: string): number {
  const n = Number(value);
  if (!isPositiveInt(n)) throw new BprofError(`'${value}' is not a positive integer`, { field: option });
  return n;
}

/** `--limit N|all`: a positive integer, or null for every item. */
export function parseLimitOrAll(value: string, option = "--limit"): number | null {
  if (value === "all") return null;
  const n = Number(value);
  if (!isPositiveInt(n)) throw new BprofError(`'${value}' is neither a positive integer nor all`, { field: option });
  return n;
}

/** lm-eval's `--limit`: a positive integer count, or a fraction in (0, 1) of each benchmark's items. */
export function parseLimit(value: string, option = "--limit"): number {
  const n = Number(value);
  if (value.trim() === "" || !(isPositiveInt(n) || (n > 0 && n < 1)))
    throw new BprofError(`'${value}' is neither a positive integer nor a fraction between 0 and 1`, { field: option });
  return n;
}

/** `--device cpu|cuda|cuda:N` */
export function parseDevice(value: string | undefined): Device | undefined {
  if (value === undefined) return undefined;
  if (value === "cpu" || value === "cuda" || /^cuda:\d+$/.test(value)) return value as Device;
  throw new BprofError(`unknown device '${value}' (cpu, cuda or cuda:N)`, { field: "--device" });
}

/** `--dtype f32|bf16|f16` */
export function parseDtype(value: string | undefined): ParamDType | undefined {
  if (value === undefined) return undefined;
  if (value === "f32" || value === "bf16" || value === "f16") return value;
  throw new BprofError(`unknown dtype '${value}' (f32, bf16 or f16)`, { field: "--dtype" });
}

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
