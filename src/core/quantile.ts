import { LlmapError } from './errors.ts';

/**
 * The q-quantile of `values` with linear interpolation between order statistics, as NumPy's default
 * `np.quantile(values, q)` (method 'linear'): position (n − 1)·q in the sorted values.
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) throw new LlmapError('invalid-argument', 'quantile() needs at least one value.');
  if (!(q >= 0 && q <= 1)) throw new LlmapError('invalid-argument', `A quantile must lie in [0, 1]; got ${q}.`);
  const sorted = Float64Array.from(values).sort();
  const position = (n - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, n - 1);
  const fraction = position - below;
  return sorted[below] + (sorted[above] - sorted[below]) * fraction;
}
