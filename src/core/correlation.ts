import { LlmapError } from './errors.ts';
import { assertLength } from './matrix.ts';

/** Pearson's r between two equally long series; NaN when either is constant. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assertLength(b.length, a.length, 'The second series');
  const n = a.length;
  if (n < 2) throw new LlmapError('invalid-argument', `A correlation needs at least 2 pairs; got ${n}.`);
  let meanA = 0;
  let meanB = 0;
  for (let k = 0; k < n; k++) {
    meanA += a[k];
    meanB += b[k];
  }
  meanA /= n;
  meanB /= n;
  let cross = 0;
  let squaresA = 0;
  let squaresB = 0;
  for (let k = 0; k < n; k++) {
    const da = a[k] - meanA;
    const db = b[k] - meanB;
    cross += da * db;
    squaresA += da * da;
    squaresB += db * db;
  }
  return cross / Math.sqrt(squaresA * squaresB);
}

/** Ranks 1..n, ties sharing their average rank (as scipy.stats.rankdata's default). */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, k) => k).sort((x, y) => values[x] - values[y]);
  const ranks = new Float64Array(n);
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    const rank = (start + end + 1) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

/** Spearman's ρ: Pearson's r of the average ranks. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearson(averageRanks(a), averageRanks(b));
}
