import type { Device } from "../engine/index.js";
import { BprofError } from "../errors.js";
import type { ParamDType } from "../model/llama.js";

/** Parsers of the CLI's option values; each error names its option. */

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
  if (value.trim() === "" || !(isPositiveInt(n) || (n > 0 && n < 1))) throw new BprofError(`'${value}' is neither a positive integer nor a fraction between 0 and 1`, { field: option });
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
