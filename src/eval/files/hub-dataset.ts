import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * Where a Hugging Face dataset split lies on disk, in the two layouts researchers have:
 *
 * - a clone of the dataset repository on the Hub (`git clone …/datasets/allenai/ai2_arc`):
 *   `<dir>/<owner>/<repo>/<config>/<split>-00000-of-00001.parquet`, or `…/data/<split>-…`
 *   for a dataset without configs, or the Hub's converted layout `<config>/<split>/0000.parquet`;
 *   the clone may also sit directly at `<dir>/<repo>`;
 * - the `datasets` cache (`HF_DATASETS_CACHE`, ~/.cache/huggingface/datasets):
 *   `<dir>/<owner>___<repo>/<config|default>/<version>/<hash>/<builder>-<split>[-0000N-of-0000M].arrow`.
 *
 * Shards are returned in order; the caller concatenates them.
 */
export interface HubSplitQuery {
  dataDir: string;
  /** lm-eval's dataset_path: "allenai/ai2_arc". */
  path: string;
  /** lm-eval's dataset_name (the config): "ARC-Easy"; null for a dataset without configs. */
  name: string | null;
  split: string;
}

export type HubSplitResult =
  | { found: true; files: string[] }
  /** `datasetFound`: the dataset is under dataDir but not this split; `tried` lists the places looked at. */
  | { found: false; datasetFound: boolean; tried: string[]; splits: string[] };

export function findHubSplit(query: HubSplitQuery): HubSplitResult {
  const { dataDir, path, name, split } = query;
  const repo = path.split("/").at(-1)!;
  const clones = [join(dataDir, path), join(dataDir, repo)].filter(isDirectory);
  const caches = [join(dataDir, path.replaceAll("/", "___"))].filter(isDirectory);
  const tried: string[] = [];
  const splits = new Set<string>();

  for (const clone of clones) {
    const configDirs = name ? [join(clone, name)] : [join(clone, "data"), join(clone, "default"), clone];
    for (const dir of configDirs) {
      tried.push(dir);
      if (!isDirectory(dir)) continue;
      const flat = shardsIn(dir, split, ".parquet", splits);
      if (flat.length) return { found: true, files: flat };
      // The Hub's converted layout: <config>/<split>/0000.parquet
      const nested = join(dir, split);
      if (isDirectory(nested)) {
        const files = listFiles(nested).filter((f) => f.endsWith(".parquet"));
        if (files.length) return { found: true, files };
      }
      for (const entry of readdirSync(dir, { withFileTypes: true }))
        if (entry.isDirectory() && existsParquet(join(dir, entry.name))) splits.add(entry.name);
    }
  }
  for (const cache of caches) {
    const configDir = join(cache, name ?? "default");
    tried.push(configDir);
    if (!isDirectory(configDir)) continue;
    // <version>/<hash>/ — several may be cached; the most recently written one is what `datasets` would load.
    const candidates = listDirs(configDir)
      .flatMap((version) => listDirs(version))
      .map((dir) => ({ dir, files: shardsIn(dir, split, ".arrow", splits) }))
      .filter((c) => c.files.length > 0)
      .sort((a, b) => statSync(b.dir).mtimeMs - statSync(a.dir).mtimeMs);
    if (candidates.length) return { found: true, files: candidates[0]!.files };
  }
  return {
    found: false,
    datasetFound: clones.length + caches.length > 0,
    tried: tried.map((t) => relative(dataDir, t) || "."),
    splits: [...splits].sort(),
  };
}

/**
 * `<split>.ext`, `<prefix>-<split>.ext` or either with `-0000N-of-0000M` in dir, shards in
 * order; the other splits met go into `seen` (split names have no '-', builder names may).
 */
function shardsIn(dir: string, split: string, ext: string, seen: Set<string>): string[] {
  const found: { file: string; shard: number }[] = [];
  for (const file of listFiles(dir)) {
    const name = file.slice(dir.length + 1);
    if (!name.endsWith(ext)) continue;
    let stem = name.slice(0, -ext.length);
    const shard = /-(\d{5})-of-\d{5}$/.exec(stem);
    if (shard) stem = stem.slice(0, shard.index);
    const fileSplit = stem.slice(stem.lastIndexOf("-") + 1);
    if (fileSplit === split) found.push({ file, shard: Number(shard?.[1] ?? 0) });
    else seen.add(fileSplit);
  }
  return found.sort((a, b) => a.shard - b.shard).map((f) => f.file);
}

function existsParquet(dir: string): boolean {
  return listFiles(dir).some((f) => f.endsWith(".parquet"));
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(dir, e.name))
    .sort();
}

function listDirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(dir, e.name))
    .sort();
}
