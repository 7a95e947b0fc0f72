import { LlmapError } from './errors.ts';
import { assertFinite, type Matrix } from './matrix.ts';
import { seededRng, type Rng } from './rng.ts';
import { validateSample, type TextSample } from './textSample.ts';

/**
 * Text-importance sampling for log-likelihood vectors (Oyama et al., EMNLP Findings 2025, arXiv 2505.15428):
 * draw texts with probability π, weight each draw by w = 1/√(n·π), and the weighted vectors' squared distances
 * estimate the full-N ones. Texts on which the reference models disagree most are drawn most.
 */

/** LS probabilities: π_j ∝ Σ_i q_ij², the across-model spread of text j. */
export function lsProbabilities(qModelsByTexts: Matrix): Float64Array {
  const { rows: modelCount, cols: textCount, values } = qModelsByTexts;
  const probabilities = new Float64Array(textCount);
  for (let i = 0; i < modelCount; i++) {
    for (let j = 0; j < textCount; j++) probabilities[j] += values[i * textCount + j] ** 2;
  }
  return normalised(probabilities);
}

/** The KL variant: π_j ∝ √max(0, 2K·Σq⁴ + 6(Σq²)² − 8·Σq·Σq³), sums over models. */
export function klProbabilities(qModelsByTexts: Matrix): Float64Array {
  const { rows: modelCount, cols: textCount, values } = qModelsByTexts;
  const probabilities = new Float64Array(textCount);
  for (let j = 0; j < textCount; j++) {
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    for (let i = 0; i < modelCount; i++) {
      const v = values[i * textCount + j];
      const v2 = v * v;
      s1 += v;
      s2 += v2;
      s3 += v2 * v;
      s4 += v2 * v2;
    }
    probabilities[j] = Math.sqrt(Math.max(0, 2 * modelCount * s4 + 6 * s2 * s2 - 8 * s1 * s3));
  }
  return normalised(probabilities);
}

/** n independent draws of text indices with replacement, in draw order (inverse CDF by binary search). */
export function drawTexts(probabilities: Float64Array, drawCount: number, rng: Rng): Int32Array {
  if (!Number.isInteger(drawCount) || drawCount < 1) {
    throw new LlmapError('invalid-argument', `The number of draws must be a positive whole number; got ${drawCount}.`);
  }
  const cumulative = new Float64Array(probabilities.length);
  let running = 0;
  for (let j = 0; j < probabilities.length; j++) cumulative[j] = running += probabilities[j];
  const draws = new Int32Array(drawCount);
  for (let d = 0; d < drawCount; d++) {
    const u = rng() * running;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle] > u) high = middle;
      else low = middle + 1;
    }
    draws[d] = low;
  }
  return draws;
}

/**
 * The sample given by a sequence of draws (or its first `prefixLength` draws, so a scorer working through the
 * draws in order has a valid sample at every step): each distinct text drawn c times gets w² = c/(n·π).
 */
export function sampleFromDraws(
  probabilities: Float64Array,
  draws: ArrayLike<number>,
  prefixLength: number = draws.length,
): TextSample {
  const counts = new Map<number, number>();
  for (let d = 0; d < prefixLength; d++) counts.set(draws[d], (counts.get(draws[d]) ?? 0) + 1);
  const textIndices = Int32Array.from(counts.keys());
  const squaredWeights = Float64Array.from(textIndices, (j) => counts.get(j)! / (prefixLength * probabilities[j]));
  return validateSample({ textCount: probabilities.length, textIndices, squaredWeights });
}

/**
 * The paper's weighted matrix Q̃ = (L_d − each row's w²-weighted mean)·w over the sampled texts (K × m):
 * ‖q̃_a − q̃_b‖² estimates ‖q_a − q_b‖² over all N texts. `modelsByTexts` may be clipped L or Q.
 */
export function weightedSampleMatrix(modelsByTexts: Matrix, sample: TextSample): Matrix {
  validateSample(sample);
  const { rows: modelCount, cols: textCount, values } = modelsByTexts;
  if (textCount !== sample.textCount) {
    throw new LlmapError('shape-mismatch', `The sample is over ${sample.textCount} texts but the matrix has ${textCount}.`);
  }
  const m = sample.textIndices.length;
  let totalWeight = 0;
  for (let k = 0; k < m; k++) totalWeight += sample.squaredWeights[k];
  const weighted = new Float64Array(modelCount * m);
  for (let i = 0; i < modelCount; i++) {
    let mean = 0;
    for (let k = 0; k < m; k++) mean += sample.squaredWeights[k] * values[i * textCount + sample.textIndices[k]];
    mean /= totalWeight;
    for (let k = 0; k < m; k++) {
      weighted[i * m + k] = (values[i * textCount + sample.textIndices[k]] - mean) * Math.sqrt(sample.squaredWeights[k]);
    }
  }
  return { rows: modelCount, cols: m, values: weighted };
}

function normalised(weights: Float64Array): Float64Array {
  assertFinite(weights, 'The sampling weights');
  let total = 0;
  for (const w of weights) total += w;
  if (!(total > 0)) {
    throw new LlmapError('invalid-argument', 'Every text has zero spread across the reference models, so no text is more informative than another.');
  }
  return weights.map((w) => w / total);
}

/**
 * A quick-placement subset: n seeded LS draws over the reference Q, in draw order (score the texts in order of
 * first appearance; any prefix of the draws is itself a valid sample, see sampleFromDraws).
 */
export function lsDraws(qModelsByTexts: Matrix, drawCount: number, seed: number): { probabilities: Float64Array; draws: Int32Array } {
  const probabilities = lsProbabilities(qModelsByTexts);
  return { probabilities, draws: drawTexts(probabilities, drawCount, seededRng(seed)) };
}

/** Distinct texts of a draw sequence in order of first appearance. */
export function firstAppearances(draws: ArrayLike<number>): number[] {
  const seen = new Set<number>();
  const order: number[] = [];
  for (let d = 0; d < draws.length; d++) {
    if (!seen.has(draws[d])) {
      seen.add(draws[d]);
      order.push(draws[d]);
    }
  }
  return order;
}
