import { existsSync, readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { BprofError } from "../errors.js";
import { findBenchmarkSpec } from "./find-spec.js";
import { lmEvalTaskFromFile, type LmEvalLoadOptions } from "./lm-eval-task/load-task.js";
import { indexTaskFolders, isDirectory, yamlFiles, type TaskIndex } from "./lm-eval-task/task-index.js";
import { readTaskFile } from "./lm-eval-task/task-file.js";
import { findSpecFiles, shippedBenchmarksDir } from "./shipped-specs.js";
import { loadBenchmarkSpec, type LoadedSpec } from "./spec.js";

/**
 * `--tasks a,b,…` as an lm-eval user writes it, over both kinds of benchmark definition:
 * each entry is a file (an lm-eval task file, or a bprof spec: the one with `adapter:`), a
 * folder of such files, or a name: a task, tag or group in the --include_path folders, else
 * a shipped bprof benchmark. The lm-eval options (--num_fewshot, --apply_chat_template,
 * --system_instruction) then apply to every benchmark selected.
 */
export interface TaskSelection extends LmEvalLoadOptions {
  /** lm-eval task folders searched for names (lm-eval's --include_path). */
  includePaths?: string[];
  applyChatTemplate?: boolean;
  systemInstruction?: string;
}

export function selectTasks(entries: string[], options: TaskSelection = {}): LoadedSpec[] {
  let index: TaskIndex | undefined;
  const indexed = () => (index ??= indexTaskFolders(options.includePaths ?? []));
  const selected: LoadedSpec[] = [];
  const seen = new Set<string>();
  const add = (loaded: LoadedSpec) => {
    if (seen.has(loaded.spec.name)) return;
    seen.add(loaded.spec.name);
    selected.push(withOptions(loaded, options));
  };
  const byName = (name: string, trail: string[]): void => {
    const lookup = indexed();
    const file = lookup.tasks.get(name);
    if (file) return add(lmEvalTaskFromFile(readTaskFile(file), file, options));
    const members = lookup.groups.get(name) ?? lookup.tags.get(name);
    if (members) {
      if (trail.includes(name)) throw new BprofError(`group cycle: ${[...trail, name].join(" → ")}`, { field: "--tasks" });
      for (const member of members) byName(member, [...trail, name]);
      return;
    }
    add(findBenchmarkSpec(name));
  };
  for (const entry of entries
    .flatMap((e) => e.split(","))
    .map((e) => e.trim())
    .filter(Boolean)) {
    if (isDirectory(entry)) {
      const files = [...new Set([...yamlFiles(entry), ...findSpecFiles(entry)])].sort();
      if (files.length === 0) throw new BprofError("no task or spec file (*.yaml) in this folder", { file: entry, field: "--tasks" });
      for (const file of files) {
        const loaded = loadAny(file, options);
        if (loaded) add(loaded);
      }
    } else if (existsSync(entry)) {
      const loaded = loadAny(entry, options);
      if (!loaded) throw new BprofError("neither a task (a `task:` name) nor a bprof spec (`adapter:`)", { file: entry, field: "task" });
      add(loaded);
    } else {
      try {
        byName(entry, []);
      } catch (err) {
        if (err instanceof BprofError && err.field === "--benchmark")
          throw new BprofError(
            `no task, tag or group named '${entry}' in the --include_path folders${knownNames(indexed())}, and no shipped benchmark of that name (${shippedNames()})`,
            { field: "--tasks" },
          );
        throw err;
      }
    }
  }
  return selected;
}

/** A bprof spec (it has `adapter:`) or an lm-eval task file (`task:` a name); null for a group or an unrelated YAML. */
function loadAny(file: string, options: LmEvalLoadOptions): LoadedSpec | null {
  const top = parseDocument(readFileSync(file, "utf8")).toJS({}) as unknown;
  const keys = top && typeof top === "object" ? (top as Record<string, unknown>) : {};
  if ("adapter" in keys) return loadBenchmarkSpec(file);
  const raw = readTaskFile(file);
  if (typeof raw.config.task !== "string") return null;
  return lmEvalTaskFromFile(raw, file, options);
}

function withOptions(loaded: LoadedSpec, options: TaskSelection): LoadedSpec {
  const spec = { ...loaded.spec };
  if (options.numFewshot !== undefined) spec.fewshot = { ...spec.fewshot, n: options.numFewshot };
  if (options.applyChatTemplate) spec.apply_chat_template = true;
  if (options.systemInstruction !== undefined) spec.system_instruction = options.systemInstruction;
  return { ...loaded, spec };
}

function knownNames(index: TaskIndex): string {
  const names = [...index.tasks.keys(), ...index.groups.keys(), ...index.tags.keys()];
  return names.length ? ` (${names.slice(0, 20).join(", ")}${names.length > 20 ? ", …" : ""})` : "";
}

function shippedNames(): string {
  return findSpecFiles(shippedBenchmarksDir())
    .flatMap((file) => {
      try {
        return [loadBenchmarkSpec(file).spec.name];
      } catch {
        return [];
      }
    })
    .join(", ");
}
