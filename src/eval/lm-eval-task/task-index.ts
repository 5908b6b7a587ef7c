import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { readTaskFile } from "./task-file.js";

/**
 * The task files under lm-eval task folders (lm-eval's --include_path, or its own
 * lm_eval/tasks/), indexed the way lm-eval's TaskManager indexes them: every `*.yaml` whose
 * `task` is a name is a task, reachable by that name and by each of its `tag`s (and by an
 * older-style `group` string); a file with `group` and a list of `task`s is a group of those.
 * Files that cannot be read are skipped here: they fail when named.
 */
export interface TaskIndex {
  tasks: Map<string, string>;
  tags: Map<string, string[]>;
  groups: Map<string, string[]>;
}

export function indexTaskFolders(folders: string[]): TaskIndex {
  const index: TaskIndex = { tasks: new Map(), tags: new Map(), groups: new Map() };
  for (const folder of folders) {
    for (const file of yamlFiles(resolve(folder))) {
      let config: Record<string, unknown>;
      try {
        config = readTaskFile(file).config;
      } catch {
        continue;
      }
      const { task, tag, group } = config;
      if (typeof task === "string") {
        if (!index.tasks.has(task)) index.tasks.set(task, file);
        const tags = [tag, typeof group === "string" || Array.isArray(group) ? group : undefined].flatMap((t) =>
          typeof t === "string" ? [t] : Array.isArray(t) ? t : [],
        );
        for (const name of tags) if (typeof name === "string") index.tags.set(name, [...(index.tags.get(name) ?? []), task]);
      } else if (typeof group === "string" && Array.isArray(task)) {
        index.groups.set(
          group,
          task.filter((member): member is string => typeof member === "string"),
        );
      }
    }
  }
  return index;
}

/** Every `*.yaml` below a folder (lm-eval indexes only that extension; included templates may have none). */
export function yamlFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...yamlFiles(path));
    else if (entry.isFile() && entry.name.endsWith(".yaml")) found.push(path);
  }
  return found.sort();
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
