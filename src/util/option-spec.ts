import { BprofError } from "../errors.js";

/**
 * An option declared once: its name, its value's type (what `parse` returns), its default and
 * its help. The library fills in `default` and checks values with `parse`; the CLI registers
 * the same name and help, shows the same default, and hands its text to the same `parse`, so a
 * bad value has one error path and one wording wherever it comes from.
 */
export interface OptionSpec<T> {
  /** The command-line name without dashes (`loss-scope`); also the field its errors name. */
  readonly name: string;
  /** commander's value placeholder (`<scope>`); none for a switch. */
  readonly placeholder?: string;
  readonly help: string;
  readonly default: T;
  /** Text from the command line, or a value from a library caller → the checked value. */
  parse(value: unknown): T;
  /** The value as the help and the CLI write it. */
  format(value: T): string;
}

/** One of a fixed list of words; `noun` says what a wrong one is ("unknown selection method 'x'"). */
export function choiceOption<const C extends readonly string[]>(
  name: string,
  placeholder: string,
  choices: C,
  defaultValue: C[number],
  help: string,
  noun: string = name,
): OptionSpec<C[number]> {
  return {
    name,
    placeholder,
    help: `${help}: ${choices.join(" | ")}`,
    default: defaultValue,
    parse(value) {
      if (typeof value === "string" && (choices as readonly string[]).includes(value)) return value as C[number];
      throw new BprofError(`unknown ${noun} '${String(value)}' (expected one of: ${choices.join(", ")})`, { field: name });
    },
    format: String,
  };
}

/**
 * A number option: text is read as a decimal number, kept when `accepts` holds, else refused
 * in the words of `refusal`.
 */
export function numericOption(
  name: string,
  placeholder: string,
  defaultValue: number,
  help: string,
  accepts: (n: number) => boolean,
  refusal: (value: unknown) => string,
): OptionSpec<number> {
  return {
    name,
    placeholder,
    help,
    default: defaultValue,
    parse(value) {
      const n = typeof value === "string" ? (value.trim() === "" ? NaN : Number(value)) : value;
      if (typeof n === "number" && accepts(n)) return n;
      throw new BprofError(refusal(value), { field: name });
    },
    format: String,
  };
}

/** A positive integer. */
export function positiveIntOption(name: string, placeholder: string, defaultValue: number, help: string): OptionSpec<number> {
  return numericOption(
    name,
    placeholder,
    defaultValue,
    help,
    (n) => Number.isInteger(n) && n > 0,
    (v) => `'${String(v)}' is not a positive integer`,
  );
}

/** Any finite number. */
export function numberOption(name: string, placeholder: string, defaultValue: number, help: string): OptionSpec<number> {
  return numericOption(name, placeholder, defaultValue, help, Number.isFinite, (v) => `'${String(v)}' is not a number`);
}

/** Free text. */
export function textOption(name: string, placeholder: string, defaultValue: string, help: string): OptionSpec<string> {
  return {
    name,
    placeholder,
    help,
    default: defaultValue,
    parse(value) {
      if (typeof value === "string") return value;
      throw new BprofError(`must be text, got ${JSON.stringify(value)}`, { field: name });
    },
    format: (v) => v,
  };
}

/** A comma-separated list (or an array from a library caller) of distinct values of one option. */
export function listOption<T>(
  item: OptionSpec<T>,
  name: string,
  placeholder: string,
  defaultValue: readonly T[],
  help: string,
): OptionSpec<T[]> {
  return {
    name,
    placeholder,
    help,
    default: [...defaultValue],
    parse(value) {
      const parts: unknown[] = typeof value === "string" ? value.split(",").map((s) => s.trim()) : Array.isArray(value) ? value : [value];
      if (parts.length === 0 || (parts.length === 1 && parts[0] === "")) throw new BprofError("no value given", { field: name });
      const values = parts.map((p) => {
        try {
          return item.parse(p);
        } catch (err) {
          if (err instanceof BprofError) throw new BprofError(err.message.replace(/^field '[^']*': /, ""), { field: name });
          throw err;
        }
      });
      const seen = new Set<string>();
      for (const v of values.map((x) => item.format(x))) {
        if (seen.has(v)) throw new BprofError(`'${v}' is given twice`, { field: name });
        seen.add(v);
      }
      return values;
    },
    format: (values) => values.map((v) => item.format(v)).join(","),
  };
}

/** A positive integer, or nothing (null: the option's "all"). */
export function optionalPositiveIntOption(name: string, placeholder: string, help: string): OptionSpec<number | null> {
  const whole = positiveIntOption(name, placeholder, 1, help);
  return {
    name,
    placeholder,
    help,
    default: null,
    parse: (value) => (value === undefined || value === null ? null : whole.parse(value)),
    format: (v) => (v === null ? "all" : String(v)),
  };
}
