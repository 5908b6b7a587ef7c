import { accessSync, constants, existsSync, statSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import { BprofError } from "../errors.js";

/**
 * Where a command may write. Checked before any heavy work, so a bad `--out` costs nothing:
 * - an empty path is refused (resolved, it is the current directory: a run would be spread
 *   over whatever folder the user stands in);
 * - the package root itself is refused (profile.json, importance/ and evals/ among bprof's
 *   own files);
 * - a model directory (or, for a single-file checkpoint, the folder it lies in) is refused,
 *   and so is any folder inside a model directory: model files are only ever read;
 * - the nearest existing ancestor must be a directory this process can write, so a read-only
 *   file system or a file in the way is reported now, not after scoring every item.
 * Returns the absolute path.
 */
export interface OutputPathRules {
  /** The option as the user typed it, for messages (`--out`). */
  option: string;
  /** The model the command reads: a directory, or a checkpoint file. */
  modelPath?: string;
  packageRoot?: string;
}

export function checkOutputPath(path: string, rules: OutputPathRules): string {
  if (path.trim() === "") throw new BprofError("is empty: give the directory to write to", { field: rules.option });
  const absolute = resolve(path);
  if (rules.packageRoot !== undefined && absolute === resolve(rules.packageRoot)) {
    throw new BprofError(`is bprof's own package directory; write runs somewhere else (e.g. runs/<name>)`, {
      file: absolute,
      field: rules.option,
    });
  }
  if (rules.modelPath !== undefined) {
    const model = resolve(rules.modelPath);
    const modelIsDir = existsSync(model) && statSync(model).isDirectory();
    const modelDir = modelIsDir ? model : dirname(model);
    if (absolute === modelDir || (modelIsDir && isInside(absolute, model))) {
      throw new BprofError(
        `is ${modelIsDir ? "inside the model directory" : "the folder of the model checkpoint"} ${modelDir}: model files are only read, never written among`,
        {
          file: absolute,
          field: rules.option,
        },
      );
    }
    if (absolute === model) throw new BprofError("is the model checkpoint itself", { file: absolute, field: rules.option });
  }
  checkWritableLocation(absolute, rules.option);
  return absolute;
}

/** The nearest existing ancestor (or the path itself) is a directory this process may write into. */
export function checkWritableLocation(absolute: string, option?: string): void {
  let at = absolute;
  while (!existsSync(at)) {
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  if (!statSync(at).isDirectory()) {
    const what = at === absolute ? "is a file, not a directory" : `cannot be created: ${at} is a file, not a directory`;
    throw new BprofError(what, { file: absolute, field: option });
  }
  try {
    accessSync(at, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    const why = code === "EROFS" ? "a read-only file system" : code === "EACCES" || code === "EPERM" ? "not writable by this user" : code;
    throw new BprofError(`cannot be written: ${at} is ${why} (${code})`, { file: absolute, field: option });
  }
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel !== "" && !rel.startsWith("..") && !rel.startsWith(sep) && rel !== "..";
}
