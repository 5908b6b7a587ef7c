/**
 * Ability slices (docs/method.md, item attribution). From the per-item logs: for one
 * benchmark, variant and k, the items that ablating ability a flips, where no random mask of
 * the same size and scope flips them the same way:
 *
 *   lost_a   = { i : base_i correct, ablated_a,i wrong, and every random mask r leaves i correct }
 *   gained_a = { i : base_i wrong, ablated_a,i correct, and every random mask r leaves i wrong }
 *
 * `lost_a` is the benchmark's a-slice: the instances that need a, found inside the model.
 * Items a random mask also turns wrong are fragile to any ablation, not evidence of a; they
 * are counted (`lost_to_random`) but left out. Only benchmarks scored per item as right or
 * wrong (acc, exact match: values 0 and 1) have slices.
 */

export interface SliceInput {
  ability: string;
  /** The ablated model's per-item scores, aligned with the base's items. */
  values: ArrayLike<number>;
}

export interface SliceResult {
  ability: string;
  lost: string[];
  gained: string[];
  lost_to_random: number;
  gained_to_random: number;
}

/** True when every per-item value is 0 or 1 (correct / wrong): the metrics slices apply to. */
export function isBinary(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== 0 && values[i] !== 1) return false;
  return true;
}

/**
 * The slices of every ablated ability on one benchmark at one (variant, k). `ids` and `base`
 * are the base model's items in order; every other array is aligned with them.
 */
export function abilitySlices(
  ids: readonly string[],
  base: ArrayLike<number>,
  ablated: readonly SliceInput[],
  randoms: readonly ArrayLike<number>[],
): SliceResult[] {
  const n = ids.length;
  if (base.length !== n) throw new RangeError(`${base.length} base scores for ${n} items`);
  // Per item: does some random mask turn it wrong (from right) / right (from wrong)?
  const randomLoses = new Uint8Array(n);
  const randomGains = new Uint8Array(n);
  for (const r of randoms) {
    if (r.length !== n) throw new RangeError(`a random mask has ${r.length} scores for ${n} items`);
    for (let i = 0; i < n; i++) {
      if (base[i] === 1 && r[i] === 0) randomLoses[i] = 1;
      if (base[i] === 0 && r[i] === 1) randomGains[i] = 1;
    }
  }
  return ablated.map(({ ability, values }) => {
    if (values.length !== n) throw new RangeError(`${ability}: ${values.length} scores for ${n} items`);
    const result: SliceResult = { ability, lost: [], gained: [], lost_to_random: 0, gained_to_random: 0 };
    for (let i = 0; i < n; i++) {
      if (base[i] === 1 && values[i] === 0) {
        if (randomLoses[i]) result.lost_to_random++;
        else result.lost.push(ids[i]!);
      } else if (base[i] === 0 && values[i] === 1) {
        if (randomGains[i]) result.gained_to_random++;
        else result.gained.push(ids[i]!);
      }
    }
    return result;
  });
}

/**
 * Purity of a slice on a planted benchmark, where each item's source ability is known: the
 * share of the slice's items that come from `ability`. null for an empty slice.
 */
export function slicePurity(slice: readonly string[], ability: string, sourceOf: ReadonlyMap<string, string>): number | null {
  if (slice.length === 0) return null;
  let same = 0;
  for (const id of slice) if (sourceOf.get(id) === ability) same++;
  return same / slice.length;
}
