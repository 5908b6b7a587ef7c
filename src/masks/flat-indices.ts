/** uint32 mask indices as the engine's BigInt64Array, without a BigInt per element (little-endian halves). */
export function toInt64Indices(indices: Uint32Array): BigInt64Array {
  const out = new BigInt64Array(indices.length);
  const halves = new Uint32Array(out.buffer);
  for (let i = 0; i < indices.length; i++) halves[2 * i] = indices[i]!;
  return out;
}
