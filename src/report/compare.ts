import type { Cell, Profile } from "../stats/profile-schema.js";
import { ProfileIndex, type View } from "./profile-view.js";

/** One profile being compared: a run at one (variant, k). */
export interface CompareColumn {
  run: string;
  view: View;
  index: ProfileIndex;
}

export interface CompareRow {
  benchmark: string;
  ability: string;
  abilityName: string;
}

/** Two columns whose intervals for the same (benchmark, ability) do not overlap. */
export interface CompareDifference {
  row: number;
  a: number;
  b: number;
  /** AIS_b − AIS_a. */
  delta: number;
}

export interface Comparison {
  runs: { label: string; profile: Profile }[];
  columns: CompareColumn[];
  rows: CompareRow[];
  cells: (Cell | undefined)[][];
  differences: CompareDifference[];
}

/** Two intervals overlap unless one ends before the other starts. */
export function intervalsDisjoint(a: readonly [number, number], b: readonly [number, number]): boolean {
  return a[1] < b[0] || b[1] < a[0];
}

/**
 * Several runs' profiles side by side: a column per (run, variant, k), a row per
 * (benchmark, ability) present in any run (benchmarks matched by name, abilities by id).
 * A difference is reported only where both intervals exist and do not overlap. Which
 * columns are compared: when each run contributes one column (e.g. after --variant/--k),
 * every pair, so runs at different variants or k can be contrasted; otherwise columns of
 * different runs at the same (variant, k), since a larger k of the same run is expected to
 * differ and would drown the list.
 */
export function compareProfiles(
  runs: { label: string; profile: Profile }[],
  filter: { variants?: string[]; ks?: number[] } = {},
): Comparison {
  const columns: CompareColumn[] = [];
  for (const run of runs) {
    const index = new ProfileIndex(run.profile);
    for (const view of index.views) {
      if (filter.variants && !filter.variants.includes(view.variant)) continue;
      if (filter.ks && !filter.ks.includes(view.k)) continue;
      columns.push({ run: run.label, view, index });
    }
  }
  const rows: CompareRow[] = [];
  const seen = new Set<string>();
  for (const run of runs) {
    for (const b of new ProfileIndex(run.profile).allBenchmarks) {
      for (const a of run.profile.abilities) {
        const key = JSON.stringify([b.name, a.id]);
        if (seen.has(key)) continue;
        seen.add(key);
        rows.push({ benchmark: b.name, ability: a.id, abilityName: a.name });
      }
    }
  }
  const cells = rows.map((r) => columns.map((c) => c.index.cell(r.benchmark, r.ability, c.view)));
  const oneColumnPerRun = runs.every((r) => columns.filter((c) => c.run === r.label).length === 1);
  const comparable = (a: CompareColumn, b: CompareColumn): boolean =>
    oneColumnPerRun || (a.run !== b.run && a.view.variant === b.view.variant && a.view.k === b.view.k);
  const differences: CompareDifference[] = [];
  cells.forEach((row, ri) => {
    for (let a = 0; a < row.length; a++) {
      for (let b = a + 1; b < row.length; b++) {
        if (!comparable(columns[a]!, columns[b]!)) continue;
        const x = row[a];
        const y = row[b];
        if (!x?.ais_ci || !y?.ais_ci || x.ais === null || y.ais === null) continue;
        if (intervalsDisjoint(x.ais_ci, y.ais_ci)) differences.push({ row: ri, a, b, delta: y.ais - x.ais });
      }
    }
  });
  differences.sort((p, q) => Math.abs(q.delta) - Math.abs(p.delta) || p.row - q.row || p.a - q.a || p.b - q.b);
  return { runs, columns, rows, cells, differences };
}

/** Unique labels for run directories: the directory name, numbered when two share it. */
export function runLabels(dirs: readonly string[]): string[] {
  const base = dirs.map(
    (d) =>
      d
        .replace(/[/\\]+$/, "")
        .split(/[/\\]/)
        .pop() || d,
  );
  return base.map((b, i) => (base.filter((x) => x === b).length > 1 ? `${b} #${base.slice(0, i + 1).filter((x) => x === b).length}` : b));
}
