import { LlmapError } from '../errors.ts';
import { assertFinite, type Matrix } from '../matrix.ts';
import { assertCount, assertShape, assertSquaredDistances } from './checks.ts';
import { nearestReferences } from './nearest.ts';

const PCA_INITIAL_SPREAD = 1e-4;

/**
 * scikit-learn 1.2's `init='pca'` scaling of PCA scores (K×2, computed elsewhere): cast to float32, divide
 * by the population standard deviation of column 0, multiply by 1e-4, all in float32 arithmetic as numpy
 * does, so PC1 ends with standard deviation 1e-4. Returns a new K×2 matrix of float32-representable values.
 * The standard deviation is accumulated in float64 here (numpy sums float32 pairwise), which can move a
 * result by one float32 ulp.
 */
export function pcaInitialisation(pcaScores: Matrix): Matrix {
  assertShape(pcaScores, undefined, 2, 'The PCA scores for the t-SNE initialisation');
  assertFinite(pcaScores.values, 'The PCA scores for the t-SNE initialisation');
  const pointCount = pcaScores.rows;
  if (pointCount < 2) {
    throw new LlmapError('too-few-models', `A PCA initialisation needs at least 2 points; got ${pointCount}.`, { pointCount });
  }
  const scores32 = Float64Array.from(pcaScores.values, Math.fround);
  let mean = 0;
  for (let i = 0; i < pointCount; i++) mean += scores32[2 * i];
  mean /= pointCount;
  let sumOfSquares = 0;
  for (let i = 0; i < pointCount; i++) sumOfSquares += (scores32[2 * i] - mean) ** 2;
  const spread = Math.fround(Math.sqrt(sumOfSquares / pointCount));
  if (spread === 0) {
    throw new LlmapError(
      'invalid-argument',
      'The first PCA score is the same for every point, so it cannot be scaled to a standard deviation of 1e-4. ' +
        'Check that the models differ, or start from other positions.',
    );
  }
  const scale32 = Math.fround(PCA_INITIAL_SPREAD);
  const positions = new Float64Array(scores32.length);
  for (let k = 0; k < scores32.length; k++) positions[k] = Math.fround(Math.fround(scores32[k] / spread) * scale32);
  return { rows: pointCount, cols: 2, values: positions };
}

/**
 * openTSNE's `initialization="median"` for new points: each new point starts at the per-coordinate median
 * of the positions of its k nearest references (nearest by `sqDistancesNewByRef`, M×K; k capped at K).
 * An even count takes the mean of the two middle values, as `np.median` does.
 * (openTSNE's `transform` takes these k from its affinity neighbours, so with its defaults k = 25 becomes
 * min(25, 3·perplexity) = 15; `transformTsne` does the same.)
 */
export function medianOfNearestInitialisation(referenceEmbedding: Matrix, sqDistancesNewByRef: Matrix, k = 25): Matrix {
  assertShape(referenceEmbedding, undefined, 2, 'The reference embedding');
  assertFinite(referenceEmbedding.values, 'The reference embedding');
  assertShape(sqDistancesNewByRef, undefined, referenceEmbedding.rows, 'The squared distances from the new points to the references');
  assertSquaredDistances(sqDistancesNewByRef, 'The squared distances from the new points to the references');
  assertCount(k, 'The number of neighbours for the median initialisation', 1);
  const referenceCount = referenceEmbedding.rows;
  if (referenceCount < 1) {
    throw new LlmapError('too-few-models', 'A median initialisation needs at least one reference point.');
  }
  const newPointCount = sqDistancesNewByRef.rows;
  const positions = new Float64Array(newPointCount * 2);
  const count = Math.min(k, referenceCount);
  const coordinate = new Float64Array(count);
  for (let i = 0; i < newPointCount; i++) {
    const nearest = nearestReferences(sqDistancesNewByRef.values.subarray(i * referenceCount, (i + 1) * referenceCount), count);
    for (let axis = 0; axis < 2; axis++) {
      for (let n = 0; n < count; n++) coordinate[n] = referenceEmbedding.values[2 * nearest[n] + axis];
      positions[2 * i + axis] = median(coordinate);
    }
  }
  return { rows: newPointCount, cols: 2, values: positions };
}

/** The median of `values` (sorted in place: pass a scratch buffer). */
function median(values: Float64Array): number {
  values.sort();
  const middle = values.length >> 1;
  return values.length % 2 === 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}
