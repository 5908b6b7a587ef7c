import { BprofError } from "../errors.js";
import { ablationCount, apportion } from "./ablation-count.js";
import { selectExtremes, type Extreme, type Segment, type SelectedIndices } from "./exact-select.js";
import { randomSelection } from "./random-subset.js";
import type { ScoreSource } from "../importance/score-source.js";
import { compareNames } from "../importance/score-source.js";
import { variantNamesInLayerOrder, type AblationVariant } from "./variant.js";

/**
 * How the n elements are chosen (docs/method.md, step 2):
 * - `top` (default): exact global top-n over the scope;
 * - `per-matrix`: every matrix gives up the same fraction n / N_scope; the per-matrix counts
 *   are the exact quotas n · N_m / N_scope rounded by largest remainder (ties to the earlier
 *   name), so they sum to exactly n;
 * - `chunked`: the original code's approximation: the scope's scores end to end in layer order,
 *   cut into chunks of c = max(10⁶, ⌊√(N_scope / f)⌋) elements with f = n / N_scope, each chunk
 *   giving up its top ⌈f · m⌉ of its m elements (the original's rounding, at least one per
 *   chunk), so it selects n' ≥ n elements, n' − n < the number of chunks.
 * Within every method ties are broken by tensor name (code-unit order), then flat index.
 */
export const SELECTION_METHODS = ["top", "per-matrix", "chunked"] as const;
export type SelectionMethod = (typeof SELECTION_METHODS)[number];

/**
 * What is selected: the importance selection itself, or a control of the same size and scope:
 * `bottom` (the n lowest scores, by the same method) or `random` (uniform without replacement,
 * seeded; size = what the method selects).
 */
export type Control = { kind: "none" } | { kind: "bottom" } | { kind: "random"; seed: number };

export interface SelectionRequest {
  /** Every scored tensor; those outside the variant's scope are ignored. */
  sources: ScoreSource[];
  variant: AblationVariant;
  /** All model parameters (embeddings, norms, head; a tied head once). */
  nTotal: number;
  ks: number[];
  method: SelectionMethod;
  controls: Control[];
  /** `chunked`'s minimum chunk size: the original's 10⁶ unless a test needs small chunks. */
  chunkMinimum?: number;
  /** Called as scores are read: how many just now, of the total the selection reads (three passes per ranking). */
  onProgress?: (elements: number, total: number) => void;
}

export interface Selection {
  variant: AblationVariant;
  k: number;
  /** ⌊k · N_total⌋ */
  n: number;
  /** Elements actually selected: n, or n' ≥ n for `chunked`. */
  count: number;
  nTotal: number;
  nScope: number;
  method: SelectionMethod;
  control: Control;
  indices: SelectedIndices;
}

/** "bottom" | "random:1,2,3" → controls (the importance selection itself is always made too). */
export function parseControl(value: string): Control[] {
  if (value === "bottom") return [{ kind: "bottom" }];
  const m = /^random:(.+)$/.exec(value);
  if (m) {
    const seeds = m[1]!.split(",").map((s) => s.trim());
    return seeds.map((s) => {
      if (!/^\d+$/.test(s) || Number(s) > 0xffffffff) {
        throw new BprofError(`random seed must be an integer in [0, 2^32), got '${s}'`, { field: "control" });
      }
      return { kind: "random", seed: Number(s) };
    });
  }
  throw new BprofError(`unknown control '${value}' (expected 'bottom' or 'random:SEED[,SEED…]')`, { field: "control" });
}

/** Make every (k × control) selection; all validation happens before any scores are read. */
export function selectElements(request: SelectionRequest): Selection[] {
  const { variant, nTotal, ks, method, controls } = request;
  const byName = new Map(request.sources.map((s) => [s.name, s]));
  const layerOrder = variantNamesInLayerOrder(byName.keys(), variant).map((n) => byName.get(n)!);
  if (layerOrder.length === 0) {
    throw new BprofError(`no tensor of the '${variant}' scope among the scores`, { field: "variant" });
  }
  const nScope = layerOrder.reduce((s, t) => s + t.numel, 0);
  if (ks.length === 0) throw new BprofError("no ablation fraction k given", { field: "k" });
  const ns = ks.map((k) => ablationCount(k, nTotal, nScope));

  const rankings = controls.some((c) => c.kind === "bottom") ? 2 : 1;
  const total = 3 * nScope * rankings * (method === "chunked" ? ks.length : 1);
  const onRead = (elements: number) => request.onProgress?.(elements, total);
  const ranked = new Map<Extreme, SelectedIndices[]>();
  const rankedSelection = (extreme: Extreme): SelectedIndices[] => {
    let r = ranked.get(extreme);
    if (!r) ranked.set(extreme, (r = selectByMethod(layerOrder, ns, method, extreme, request.chunkMinimum ?? 1_000_000, onRead)));
    return r;
  };
  const selections: Selection[] = [];
  for (const [j, k] of ks.entries()) {
    for (const control of [{ kind: "none" } as Control, ...controls]) {
      let indices: SelectedIndices;
      if (control.kind === "random") {
        const size = countOf(rankedSelection("highest")[j]!);
        indices = randomSelection(layerOrder, size, control.seed);
      } else {
        indices = rankedSelection(control.kind === "bottom" ? "lowest" : "highest")[j]!;
      }
      selections.push({ variant, k, n: ns[j]!, count: countOf(indices), nTotal, nScope, method, control, indices });
    }
  }
  return selections;
}

function selectByMethod(
  layerOrder: ScoreSource[],
  ns: number[],
  method: SelectionMethod,
  extreme: Extreme,
  chunkMinimum: number,
  onRead: (elements: number) => void,
): SelectedIndices[] {
  const whole = (s: ScoreSource): Segment => ({ source: s, start: 0, length: s.numel });
  switch (method) {
    case "top":
      return selectExtremes(layerOrder.map(whole), ns, extreme, onRead);
    case "per-matrix": {
      const byName = [...layerOrder].sort((a, b) => compareNames(a.name, b.name));
      const quotas = ns.map((n) =>
        apportion(
          n,
          byName.map((s) => s.numel),
        ),
      );
      const results = ns.map(() => new Map() as SelectedIndices);
      byName.forEach((source, m) => {
        const picked = selectExtremes(
          [whole(source)],
          quotas.map((q) => q[m]!),
          extreme,
          onRead,
        );
        picked.forEach((p, j) => appendSelection(results[j]!, p));
      });
      return results;
    }
    case "chunked":
      return ns.map((n) => chunkedSelect(layerOrder, n, extreme, chunkMinimum, onRead));
  }
}

/** One k of `chunked` (see SELECTION_METHODS). */
function chunkedSelect(
  layerOrder: ScoreSource[],
  n: number,
  extreme: Extreme,
  chunkMinimum: number,
  onRead: (elements: number) => void,
): SelectedIndices {
  const nScope = layerOrder.reduce((s, t) => s + t.numel, 0);
  const size = chunkSize(nScope, n, chunkMinimum);
  const result: SelectedIndices = new Map();
  let chunk: Segment[] = [];
  let filled = 0;
  const flush = () => {
    const take = Number((BigInt(n) * BigInt(filled) + BigInt(nScope) - 1n) / BigInt(nScope)); // ⌈f · m⌉
    appendSelection(result, selectExtremes(chunk, [take], extreme, onRead)[0]!);
    chunk = [];
    filled = 0;
  };
  for (const source of layerOrder) {
    for (let start = 0; start < source.numel;) {
      const length = Math.min(size - filled, source.numel - start);
      chunk.push({ source, start, length });
      filled += length;
      start += length;
      if (filled === size) flush();
    }
  }
  if (filled > 0) flush();
  return result;
}

/** max(10⁶, ⌊√(N_scope / f)⌋) with f = n / N_scope, i.e. ⌊√⌊N_scope² / n⌋⌋, in exact integers. */
export function chunkSize(nScope: number, n: number, minimum = 1_000_000): number {
  const x = (BigInt(nScope) * BigInt(nScope)) / BigInt(n);
  return Math.max(minimum, Number(isqrt(x)));
}

function isqrt(x: bigint): bigint {
  if (x < 2n) return x;
  let r = BigInt(Math.floor(Math.sqrt(Number(x))));
  while (r * r > x) r--;
  while ((r + 1n) * (r + 1n) <= x) r++;
  return r;
}

/** Append per-tensor indices that come after what `target` already holds for the same name. */
function appendSelection(target: SelectedIndices, more: SelectedIndices): void {
  for (const [name, indices] of more) {
    const have = target.get(name);
    if (!have) {
      target.set(name, indices);
      continue;
    }
    const joined = new Uint32Array(have.length + indices.length);
    joined.set(have);
    joined.set(indices, have.length);
    target.set(name, joined);
  }
}

export function countOf(indices: SelectedIndices): number {
  let c = 0;
  for (const v of indices.values()) c += v.length;
  return c;
}
