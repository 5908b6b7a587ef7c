import { BprofError } from "../errors.js";

/**
 * Wrap a command's action so that every failure ends the same way: one readable line on
 * stderr and a non-zero exit. Bad input (BprofError) prints its message; anything else is a
 * bug, which prints its message too, and its stack when BPROF_DEBUG is set.
 */
export function runCommand<A extends unknown[]>(action: (...args: A) => Promise<void> | void) {
  return async (...args: A): Promise<void> => {
    try {
      await action(...args);
    } catch (err) {
      if (err instanceof BprofError) {
        process.stderr.write(`bprof: error: ${err.message}\n`);
      } else if (err instanceof Error) {
        process.stderr.write(`bprof: error: ${err.message}\n${process.env.BPROF_DEBUG ? (err.stack ?? "") + "\n" : ""}`);
      } else {
        process.stderr.write(`bprof: error: ${String(err)}\n`);
      }
      process.exitCode = 1;
    }
  };
}
