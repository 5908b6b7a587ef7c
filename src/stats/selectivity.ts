/**
 * The self-profile (docs/method.md, statistics): each ability's own test split scored as a
 * benchmark. Row a, column a' holds AIS(a, test(a')): how much ablating a's weights hurts
 * the probes of a'. A method that localises abilities makes this matrix diagonal-dominant.
 *
 *   index = mean of the defined diagonal entries − mean of the defined off-diagonal entries
 *
 * null when either set is empty (e.g. a single ability, or every diagonal AIS undefined).
 */
export function selectivityIndex(matrix: readonly (readonly (number | null)[])[]): number | null {
  let diagonal = 0;
  let nDiagonal = 0;
  let offDiagonal = 0;
  let nOffDiagonal = 0;
  matrix.forEach((row, i) =>
    row.forEach((v, j) => {
      if (v === null) return;
      if (i === j) {
        diagonal += v;
        nDiagonal++;
      } else {
        offDiagonal += v;
        nOffDiagonal++;
      }
    }),
  );
  if (nDiagonal === 0 || nOffDiagonal === 0) return null;
  return diagonal / nDiagonal - offDiagonal / nOffDiagonal;
}

/** The square matrix over `abilities`, filled from a lookup of AIS(ablated, tested). */
export function selectivityMatrix(
  abilities: readonly string[],
  aisOf: (ablated: string, tested: string) => number | null,
): (number | null)[][] {
  return abilities.map((ablated) => abilities.map((tested) => aisOf(ablated, tested)));
}
