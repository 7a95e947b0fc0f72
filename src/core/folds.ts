import { LlmapError } from './errors.ts';
import type { Rng } from './rng.ts';

/** Test-fold index (0..foldCount−1) of each sample. */
export type FoldAssignment = Int32Array;

/** scikit-learn's KFold without shuffling: contiguous folds, the first n mod k one sample larger. */
export function kFold(sampleCount: number, foldCount: number): FoldAssignment {
  checkFoldCount(sampleCount, foldCount);
  const fold = new Int32Array(sampleCount);
  let start = 0;
  for (let f = 0; f < foldCount; f++) {
    const size = Math.floor(sampleCount / foldCount) + (f < sampleCount % foldCount ? 1 : 0);
    fold.fill(f, start, start + size);
    start += size;
  }
  return fold;
}

/** KFold over a seeded random permutation of the samples. */
export function shuffledKFold(sampleCount: number, foldCount: number, rng: Rng): FoldAssignment {
  const contiguous = kFold(sampleCount, foldCount);
  const order = Array.from({ length: sampleCount }, (_, k) => k);
  for (let k = sampleCount - 1; k > 0; k--) {
    const swap = Math.floor(rng() * (k + 1));
    [order[k], order[swap]] = [order[swap], order[k]];
  }
  const fold = new Int32Array(sampleCount);
  order.forEach((sample, position) => (fold[sample] = contiguous[position]));
  return fold;
}

/**
 * scikit-learn 1.2's GroupKFold: groups, largest first, each go to the fold with the fewest samples so far
 * (the first such fold on a tie). Equal-sized groups are taken in descending label order, as NumPy's reversed
 * stable argsort gives for small inputs. No group is split across folds.
 */
export function groupKFold(groups: ReadonlyArray<string | number>, foldCount: number): FoldAssignment {
  const labels = [...new Set(groups)].sort((a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0,
  );
  if (labels.length < foldCount) {
    throw new LlmapError('invalid-argument', `GroupKFold needs at least ${foldCount} groups; got ${labels.length}. Use fewer folds.`);
  }
  const groupIndex = new Map(labels.map((label, k) => [label, k]));
  const sizes = new Array<number>(labels.length).fill(0);
  for (const label of groups) sizes[groupIndex.get(label)!]++;
  const order = labels.map((_, k) => k).sort((a, b) => sizes[b] - sizes[a] || b - a);
  const samplesPerFold = new Array<number>(foldCount).fill(0);
  const foldOfGroup = new Int32Array(labels.length);
  for (const g of order) {
    let lightest = 0;
    for (let f = 1; f < foldCount; f++) if (samplesPerFold[f] < samplesPerFold[lightest]) lightest = f;
    samplesPerFold[lightest] += sizes[g];
    foldOfGroup[g] = lightest;
  }
  return Int32Array.from(groups, (label) => foldOfGroup[groupIndex.get(label)!]);
}

function checkFoldCount(sampleCount: number, foldCount: number): void {
  if (!Number.isInteger(foldCount) || foldCount < 2 || foldCount > sampleCount) {
    throw new LlmapError('invalid-argument', `Cross-validation needs 2 ≤ folds ≤ samples; got ${foldCount} folds for ${sampleCount} samples.`);
  }
}
