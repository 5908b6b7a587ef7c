import type { PlanEvaluation, PlanImportance, PlanMask, RunPlan } from "./run-plan.js";
import { planRef, type StageRef } from "./run-store.js";

/**
 * How a run is cut into shards. The work falls into units that share nothing expensive:
 * - `base`: every benchmark on the unablated model;
 * - `ability:<id>`: that ability's importance (the costly gradient pass), its masks (top and
 *   bottom, every variant and k) and every benchmark under each of them;
 * - `random:<variant>:<k>:<seed>`: one random-control mask and every benchmark under it.
 * Each unit goes to exactly one shard, so an ability's importance is computed once in the
 * whole run. Units are dealt out by longest-processing-time first (the costliest unit to the
 * least-loaded shard, ties to the lower index), from the plan alone: every shard computes
 * the same assignment without talking to the others.
 */

export interface WorkUnit {
  id: string;
  importance: PlanImportance | null;
  masks: PlanMask[];
  /** The evaluations under this unit's masks (or of the base model). */
  evaluations: PlanEvaluation[];
  /** Estimated cost in item passes: items evaluated, plus three per train item of importance (forward + backward). */
  cost: number;
}

export function workUnits(plan: RunPlan): WorkUnit[] {
  const itemsOf = new Map(plan.benchmarks.map((b) => [b.name, b.n_items]));
  const evaluationsOf = (maskKey: string | null) => plan.evaluations.filter((e) => e.mask === maskKey);
  const unit = (id: string, importance: PlanImportance | null, masks: PlanMask[], evaluations: PlanEvaluation[]): WorkUnit => ({
    id,
    importance,
    masks,
    evaluations,
    cost: evaluations.reduce((s, e) => s + itemsOf.get(e.benchmark)!, 0) + 3 * (importance?.probe_items ?? 0),
  });

  const units: WorkUnit[] = [unit("base", null, [], evaluationsOf(null))];
  for (const imp of plan.importance) {
    const masks = plan.masks.filter((m) => m.importance === imp.key);
    units.push(
      unit(
        `ability:${imp.ability}`,
        imp,
        masks,
        masks.flatMap((m) => evaluationsOf(m.key)),
      ),
    );
  }
  for (const mask of plan.masks.filter((m) => m.control === "random")) {
    units.push(unit(`random:${mask.variant}:${mask.k}:${mask.seed}`, null, [mask], evaluationsOf(mask.key)));
  }
  return units;
}

/** Every shard's units, in plan order within a shard. */
export function assignShards(units: WorkUnit[], count: number): WorkUnit[][] {
  const order = units.map((u, i) => ({ u, i })).sort((a, b) => b.u.cost - a.u.cost || a.i - b.i);
  const load = new Array<number>(count).fill(0);
  const owner = new Array<number>(units.length);
  for (const { u, i } of order) {
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s]! < load[best]!) best = s;
    owner[i] = best;
    load[best]! += u.cost;
  }
  return Array.from({ length: count }, (_, s) => units.filter((_, i) => owner[i] === s));
}

/** The stages of some units: importance, masks, evaluations. */
export function unitStages(units: WorkUnit[]): StageRef[] {
  return units.flatMap((u) => [
    ...(u.importance ? [planRef("importance", u.importance)] : []),
    ...u.masks.map((m) => planRef("mask", m)),
    ...u.evaluations.map((e) => planRef("evaluation", e)),
  ]);
}
