import { LlmapError } from '../errors.ts';
import type { Matrix } from '../matrix.ts';
import { assertCount, assertNumberInRange, assertShape, assertSquaredDistances } from './checks.ts';
import { nearestReferences } from './nearest.ts';

/** numpy's float64 machine epsilon, the floor scikit-learn and openTSNE put under probabilities. */
export const MACHINE_EPSILON = 2.220446049250313e-16;

// scikit-learn 1.2 `_utils._binary_search_perplexity` declares these as C `float`, so they are float32 values.
const SKLEARN_ENTROPY_TOLERANCE = Math.fround(1e-5);
const SKLEARN_EMPTY_ROW_SUM = Math.fround(1e-8);
const SKLEARN_SEARCH_STEPS = 100;

// openTSNE `_tsne.compute_gaussian_perplexity` defaults.
const OPENTSNE_ENTROPY_TOLERANCE = 1e-8;
const OPENTSNE_SEARCH_STEPS = 200;

/**
 * The joint affinities P (K×K) of scikit-learn 1.2's `TSNE(method='exact')`, from squared distances, as its
 * `_joint_probabilities` makes them: `conditionalAffinities`, then P = (C + Cᵀ) / ΣC with every off-diagonal
 * entry floored at machine epsilon. The diagonal is 0 and the whole matrix sums to 1 (up to that floor).
 *
 * Note scikit-learn's own metric handling: `metric='euclidean'` feeds ‖xᵢ − xⱼ‖² here, while
 * `metric='sqeuclidean'` squares its distances again and feeds ‖xᵢ − xⱼ‖⁴. Pass what the run you reproduce used.
 */
export function jointAffinities(sqDistances: Matrix, perplexity: number): Matrix {
  const conditional = conditionalAffinities(sqDistances, perplexity).values;
  const pointCount = sqDistances.rows;
  let total = 0;
  for (let k = 0; k < conditional.length; k++) total += conditional[k];
  // Σ(C + Cᵀ) over the full matrix is 2·ΣC; scikit-learn divides by that sum.
  const normaliser = Math.max(2 * total, MACHINE_EPSILON);
  const joint = new Float64Array(pointCount * pointCount);
  for (let i = 0; i < pointCount; i++) {
    for (let j = i + 1; j < pointCount; j++) {
      const value = Math.max((conditional[i * pointCount + j] + conditional[j * pointCount + i]) / normaliser, MACHINE_EPSILON);
      joint[i * pointCount + j] = value;
      joint[j * pointCount + i] = value;
    }
  }
  return { rows: pointCount, cols: pointCount, values: joint };
}

/**
 * The conditional affinities C (K×K; row i is p(j | i), summing to 1, with C[i][i] = 0) of scikit-learn
 * 1.2's `_binary_search_perplexity`: the distances are cast to float32; per row a binary search finds the
 * Gaussian precision β whose row has entropy log(perplexity) (β starts at 1, doubles or halves until
 * bracketed, then bisects; tolerance 1e-5 nats, at most 100 steps).
 */
export function conditionalAffinities(sqDistances: Matrix, perplexity: number): Matrix {
  const pointCount = sqDistances.rows;
  assertShape(sqDistances, pointCount, pointCount, 'The squared-distance matrix for t-SNE');
  assertSquaredDistances(sqDistances, 'The squared-distance matrix for t-SNE');
  if (pointCount < 2) {
    throw new LlmapError('too-few-models', `t-SNE needs at least 2 points; got ${pointCount}.`, { pointCount });
  }
  assertNumberInRange(perplexity, 't-SNE perplexity', 0);
  if (perplexity >= pointCount) {
    throw new LlmapError(
      'invalid-argument',
      `t-SNE perplexity must be less than the number of points: perplexity is ${perplexity}, points are ${pointCount}. ` +
        `Lower the perplexity (below ${pointCount}) or add points.`,
      { perplexity, pointCount },
    );
  }
  const desiredEntropy = Math.log(Math.fround(perplexity));
  const conditional = new Float64Array(pointCount * pointCount);
  const distancesRow = new Float64Array(pointCount);
  for (let i = 0; i < pointCount; i++) {
    for (let j = 0; j < pointCount; j++) distancesRow[j] = Math.fround(sqDistances.values[i * pointCount + j]);
    searchPrecisionSklearn(distancesRow, i, desiredEntropy, conditional.subarray(i * pointCount, (i + 1) * pointCount));
  }
  return { rows: pointCount, cols: pointCount, values: conditional };
}

/** One row of scikit-learn's binary search over the precision β; writes the conditional P into `row`. */
function searchPrecisionSklearn(distancesRow: Float64Array, self: number, desiredEntropy: number, row: Float64Array): void {
  let beta = 1;
  let betaMin = -Infinity;
  let betaMax = Infinity;
  for (let step = 0; step < SKLEARN_SEARCH_STEPS; step++) {
    let rowSum = 0;
    for (let j = 0; j < row.length; j++) {
      if (j === self) continue;
      const p = Math.exp(-distancesRow[j] * beta);
      row[j] = p;
      rowSum += p;
    }
    if (rowSum === 0) rowSum = SKLEARN_EMPTY_ROW_SUM;
    let weightedDistance = 0;
    for (let j = 0; j < row.length; j++) {
      row[j] /= rowSum;
      weightedDistance += distancesRow[j] * row[j];
    }
    const entropyGap = Math.log(rowSum) + beta * weightedDistance - desiredEntropy;
    if (Math.abs(entropyGap) <= SKLEARN_ENTROPY_TOLERANCE) return;
    if (entropyGap > 0) {
      betaMin = beta;
      beta = betaMax === Infinity ? beta * 2 : (beta + betaMax) / 2;
    } else {
      betaMax = beta;
      beta = betaMin === -Infinity ? beta / 2 : (beta + betaMin) / 2;
    }
  }
}

/**
 * Affinities of new points to the reference points only, as openTSNE's `PerplexityBasedNN.to_new` makes
 * them for `TSNEEmbedding.transform`: sparse, one row of `neighbours` entries per new point.
 * `neighbourIndices[i·neighbours + n]` is the n-th nearest reference of new point i (nearest first) and
 * `affinities` at the same place its conditional probability; each row sums to 1. Unsymmetrised.
 */
export interface ReferenceAffinities {
  readonly newPointCount: number;
  readonly referenceCount: number;
  readonly neighbours: number;
  readonly neighbourIndices: Int32Array;
  readonly affinities: Float64Array;
}

/**
 * openTSNE's transform affinities: for each new point (row of `sqDistancesNewByRef`, M×K) its `neighbours`
 * nearest references; a Gaussian kernel exp(−τ·d²/2) on the squared distances d², with τ found by openTSNE's
 * binary search (τ starts at 1, doubles or halves until bracketed, then bisects; tolerance 1e-8 nats, at most
 * 200 steps); then each row is normalised to sum to 1.
 *
 * `transformTsne` picks `neighbours` as openTSNE does: min(K − 1, ⌊3·perplexity⌋). Here it is explicit and
 * must lie in [1, K]; the perplexity must be below it (a row of n neighbours cannot exceed perplexity n).
 */
export function conditionalAffinitiesToReference(sqDistancesNewByRef: Matrix, perplexity: number, neighbours: number): ReferenceAffinities {
  const referenceCount = sqDistancesNewByRef.cols;
  assertSquaredDistances(sqDistancesNewByRef, 'The squared distances from the new points to the references');
  assertCount(neighbours, 'The number of reference neighbours', 1);
  if (neighbours > referenceCount) {
    throw new LlmapError(
      'invalid-argument',
      `Asked for ${neighbours} reference neighbours, but there are only ${referenceCount} references. Ask for at most ${referenceCount}.`,
      { neighbours, referenceCount },
    );
  }
  assertNumberInRange(perplexity, 'The transform perplexity', 0);
  if (perplexity >= neighbours) {
    throw new LlmapError(
      'invalid-argument',
      `The transform perplexity (${perplexity}) must be less than the number of reference neighbours (${neighbours}). ` +
        'Lower the perplexity or use more neighbours.',
      { perplexity, neighbours },
    );
  }

  const newPointCount = sqDistancesNewByRef.rows;
  const neighbourIndices = new Int32Array(newPointCount * neighbours);
  const affinities = new Float64Array(newPointCount * neighbours);
  const neighbourDistances = new Float64Array(neighbours);
  const desiredEntropy = Math.log(perplexity);
  for (let i = 0; i < newPointCount; i++) {
    const distanceRow = sqDistancesNewByRef.values.subarray(i * referenceCount, (i + 1) * referenceCount);
    const nearest = nearestReferences(distanceRow, neighbours);
    neighbourIndices.set(nearest, i * neighbours);
    for (let n = 0; n < neighbours; n++) neighbourDistances[n] = distanceRow[nearest[n]];
    const row = affinities.subarray(i * neighbours, (i + 1) * neighbours);
    searchPrecisionOpenTsne(neighbourDistances, desiredEntropy, row);
  }
  return { newPointCount, referenceCount, neighbours, neighbourIndices, affinities };
}

/** One row of openTSNE's binary search over the precision τ; writes the normalised row into `row`. */
function searchPrecisionOpenTsne(sqDistances: Float64Array, desiredEntropy: number, row: Float64Array): void {
  let tau = 1;
  let tauMin = -Infinity;
  let tauMax = Infinity;
  for (let step = 0; step < OPENTSNE_SEARCH_STEPS; step++) {
    const sqrtTau = Math.sqrt(tau);
    let kernelSum = 0;
    for (let n = 0; n < row.length; n++) {
      row[n] = sqrtTau * Math.exp(-sqDistances[n] * tau * 0.5);
      kernelSum += row[n];
    }
    kernelSum += MACHINE_EPSILON;
    let weightedDistance = 0;
    for (let n = 0; n < row.length; n++) weightedDistance += (row[n] / kernelSum) * sqDistances[n];
    // The √τ factor cancels: this is the entropy of the normalised row.
    const entropyGap = tau * 0.5 * weightedDistance + Math.log(kernelSum) - Math.log(tau) * 0.5 - desiredEntropy;
    if (Math.abs(entropyGap) <= OPENTSNE_ENTROPY_TOLERANCE) break;
    if (entropyGap > 0) {
      tauMin = tau;
      tau = tauMax === Infinity ? tau * 2 : (tau + tauMax) * 0.5;
    } else {
      tauMax = tau;
      tau = tauMin === -Infinity ? tau / 2 : (tau + tauMin) * 0.5;
    }
  }
  let rowSum = 0;
  for (let n = 0; n < row.length; n++) rowSum += row[n];
  for (let n = 0; n < row.length; n++) row[n] /= rowSum;
}
