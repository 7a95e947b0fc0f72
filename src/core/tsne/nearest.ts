/**
 * The k nearest reference points of one new point, from its row of squared distances to the references.
 * Returns their indices, nearest first; equal distances keep the lower index first (a stable order, so
 * the affinities and the median initialisation always agree on the same neighbours).
 * Bounded insertion: O(K·k) in the worst case, about O(K) for k ≪ K.
 */
export function nearestReferences(sqDistancesToReferences: ArrayLike<number>, k: number): Int32Array {
  const referenceCount = sqDistancesToReferences.length;
  const count = Math.min(k, referenceCount);
  const indices = new Int32Array(count);
  const distances = new Float64Array(count);
  let filled = 0;
  for (let j = 0; j < referenceCount; j++) {
    const distance = sqDistancesToReferences[j];
    if (filled === count && !(distance < distances[count - 1])) continue;
    let slot = filled === count ? count - 1 : filled++;
    while (slot > 0 && distances[slot - 1] > distance) {
      distances[slot] = distances[slot - 1];
      indices[slot] = indices[slot - 1];
      slot--;
    }
    distances[slot] = distance;
    indices[slot] = j;
  }
  return indices;
}
