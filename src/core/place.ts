import { assignBlocks, bootstrapCounts, columnStandardDeviations, confidenceEllipse, type Ellipse } from './bootstrap.ts';
import { LlmapError } from './errors.ts';
import { tsneInputDistances } from './fitMap.ts';
import { differenceMoments, klNatsPerTextFromMoments, natsPerTextToBitsPerByte } from './kl.ts';
import type { MapFrame } from './mapFrame.ts';
import { assertFinite, type Matrix } from './matrix.ts';
import { domainProfile, type DomainProfile } from './profile.ts';
import { seededRng } from './rng.ts';
import { projectionFromMoments, projectionMoments } from './sampledProjection.ts';
import { fullSample, uniformSample, validateSample, type TextSample } from './textSample.ts';
import { transformTsne } from './tsne/index.ts';

/**
 * A new model's log-likelihoods: the whole vector over the map's N texts, or only some texts (`textIndices`),
 * optionally with LS weights (`squaredWeights`, see lsSampling.ts); a subset without weights counts uniformly.
 */
export interface Observation {
  readonly logLikelihoodsNats: ArrayLike<number>;
  readonly textIndices?: ArrayLike<number>;
  readonly squaredWeights?: ArrayLike<number>;
}

export interface PlaceOptions {
  /** How many nearest references to report. Default 10. */
  readonly nearestCount?: number;
  /** Bootstrap replicates for KL, PCA and score uncertainty. Default 200; 0 turns uncertainty off. */
  readonly bootstrapReplicates?: number;
  /** Of those, how many are also placed on the t-SNE map for its ellipse. Default 20 (each costs a 100-iteration transform). */
  readonly tsneBootstrapReplicates?: number;
  /** Blocks of texts for the block bootstrap. Default min(100, scored texts). */
  readonly bootstrapBlocks?: number;
  readonly seed?: number;
}

export interface NearestReference {
  readonly index: number;
  readonly klNatsPerText: number;
  readonly klBitsPerByte: number;
  /** Bootstrap standard deviation of the KL estimate (NaN without bootstrap). */
  readonly klStandardDeviationNatsPerText: number;
}

export interface PredictedScore {
  readonly name: string;
  readonly value: number;
  readonly crossValidatedRootMeanSquaredError: number;
  readonly bootstrapStandardDeviation: number;
}

/**
 * Beyond this KL (bits per byte) the variance estimate is far outside the second-order range it comes from: on exact
 * Markov-chain KL its error was already 19% at 0.16 bits per symbol (tests/core/kl.test.ts). Larger values still rank
 * models, but are not divergences.
 */
export const KL_APPROXIMATION_LIMIT_BITS_PER_BYTE = 1;

export interface Placement {
  readonly textsScored: number;
  readonly textCount: number;
  readonly klNatsPerText: Float64Array;
  readonly klBitsPerByte: Float64Array;
  readonly nearest: readonly NearestReference[];
  readonly tsne: { readonly x: number; readonly y: number; readonly ellipse: Ellipse | null };
  readonly pca: { readonly x: number; readonly y: number; readonly ellipse: Ellipse | null };
  readonly predictedScores: readonly PredictedScore[];
  readonly profile: DomainProfile;
  readonly offMap: { readonly isOffMap: boolean; readonly nearestKlNatsPerText: number; readonly thresholdKlNatsPerText: number; readonly nearestKlPercentile: number };
  /** Whether even the nearest reference is within KL_APPROXIMATION_LIMIT_BITS_PER_BYTE, where the KL estimate means a KL. */
  readonly klWithinApproximationRange: boolean;
}

/**
 * Places a new model on a map: KL to every reference, the nearest ones, t-SNE and PCA positions, predicted scores,
 * a domain profile, a bootstrap uncertainty and an off-map flag. A partial observation (some texts scored) goes
 * through the same code with its texts' weights, so the position refines as scoring goes on.
 */
export function place(frame: MapFrame, observation: Observation, options: PlaceOptions = {}): Placement {
  const textCount = frame.qModelsByTexts.cols;
  const modelCount = frame.qModelsByTexts.rows;
  const sample = sampleOf(observation, textCount);
  const m = sample.textIndices.length;
  if (m < 2) throw new LlmapError('too-few-texts', `Placing a model needs at least 2 scored texts; got ${m}.`);
  assertFinite(observation.logLikelihoodsNats, 'The new log-likelihood vector');

  // r_k = clip(ℓ, τ) − ξ̄: the new vector on q's scale up to a constant, which every estimate below removes.
  const { clipThresholdNats, textMeanOfRowCentred } = frame.centring;
  const residual = Float64Array.from(sample.textIndices, (j, k) =>
    Math.max(observation.logLikelihoodsNats[k], clipThresholdNats) - textMeanOfRowCentred[j],
  );
  const rng = seededRng(options.seed ?? 42);
  const blockCount = Math.max(1, Math.min(options.bootstrapBlocks ?? 100, m));
  const block = assignBlocks(m, blockCount, rng);
  const klMoments = differenceMoments(residual, sample, frame.qModelsByTexts, block, blockCount);
  const pcaAxes = firstRows(frame.pca.axesByTexts, 2);
  const pcaMoments = projectionMoments(residual, sample, pcaAxes, frame.pca.meanByText, block, blockCount);
  const weights = stackRows(frame.predictors.map((p) => p.fit.weightsByText), textCount);
  const scoreMoments = projectionMoments(residual, sample, weights, null, block, blockCount);

  const klNatsPerText = klNatsPerTextFromMoments(klMoments);
  const [pcaX, pcaY] = projectionFromMoments(pcaMoments);
  const scoreValues = projectionFromMoments(scoreMoments);
  const tsneAt = (kl: Float64Array, start?: Matrix, iterations?: number) =>
    transformTsne(frame.tsnePositions, tsneInputDistances(kl.map((v) => 2 * textCount * v), frame.tsneDistancePower, modelCount), {
      initialisation: start ? { kind: 'positions', positions: start } : undefined,
      iterations,
    }).positions;
  const tsnePosition = tsneAt(klNatsPerText);

  const replicates = options.bootstrapReplicates ?? 200;
  const tsneReplicates = Math.min(options.tsneBootstrapReplicates ?? 20, replicates);
  const klReplicates = new Float64Array(replicates * modelCount);
  const pcaReplicates = new Float64Array(replicates * 2);
  const scoreReplicates = new Float64Array(replicates * weights.rows);
  const tsneXs = new Float64Array(tsneReplicates);
  const tsneYs = new Float64Array(tsneReplicates);
  for (let r = 0; r < replicates; r++) {
    const counts = bootstrapCounts(blockCount, rng);
    const klReplicate = klNatsPerTextFromMoments(klMoments, counts);
    klReplicates.set(klReplicate, r * modelCount);
    pcaReplicates.set(projectionFromMoments(pcaMoments, counts), r * 2);
    scoreReplicates.set(projectionFromMoments(scoreMoments, counts), r * weights.rows);
    if (r < tsneReplicates) {
      // Each replicate restarts from the point estimate: 100 iterations settle it in its own affinities.
      const moved = tsneAt(klReplicate, tsnePosition, 100);
      tsneXs[r] = moved.values[0];
      tsneYs[r] = moved.values[1];
    }
  }
  const klDeviation = replicates > 1 ? columnStandardDeviations(klReplicates, modelCount) : new Float64Array(modelCount).fill(NaN);
  const scoreDeviation = replicates > 1 ? columnStandardDeviations(scoreReplicates, weights.rows) : new Float64Array(weights.rows).fill(NaN);

  const klBitsPerByte = klNatsPerText.map((v) => natsPerTextToBitsPerByte(v, frame.meanBytesPerText));
  const order = Array.from({ length: modelCount }, (_, i) => i).sort((a, b) => klNatsPerText[a] - klNatsPerText[b] || a - b);
  const nearest = order.slice(0, options.nearestCount ?? 10).map((index) => ({
    index,
    klNatsPerText: klNatsPerText[index],
    klBitsPerByte: klBitsPerByte[index],
    klStandardDeviationNatsPerText: klDeviation[index],
  }));
  const nearestKl = klNatsPerText[order[0]];
  let below = 0;
  for (const v of frame.referenceNearestKlNatsPerText) if (v < nearestKl) below++;

  const residualMean = weightedMean(residual, sample.squaredWeights);
  return {
    textsScored: m,
    textCount,
    klNatsPerText,
    klBitsPerByte,
    nearest,
    tsne: {
      x: tsnePosition.values[0],
      y: tsnePosition.values[1],
      ellipse: tsneReplicates > 2 ? confidenceEllipse(tsneXs, tsneYs, tsnePosition.values[0], tsnePosition.values[1]) : null,
    },
    pca: {
      x: pcaX,
      y: pcaY,
      ellipse: replicates > 2 ? confidenceEllipse(everyOther(pcaReplicates, 0), everyOther(pcaReplicates, 1), pcaX, pcaY) : null,
    },
    predictedScores: frame.predictors.map((predictor, f) => {
      const { interceptValue, predictionRange } = predictor.fit;
      const raw = interceptValue + scoreValues[f];
      return {
        name: predictor.name,
        value: predictionRange ? Math.min(predictionRange.max, Math.max(predictionRange.min, raw)) : raw,
        crossValidatedRootMeanSquaredError: predictor.crossValidation.rootMeanSquaredError,
        bootstrapStandardDeviation: scoreDeviation[f],
      };
    }),
    profile: domainProfile(residual.map((v) => v - residualMean), sample, frame.categoryOfText, frame.categoryNames.length),
    offMap: {
      isOffMap: nearestKl > frame.offMapKlNatsPerText,
      nearestKlNatsPerText: nearestKl,
      thresholdKlNatsPerText: frame.offMapKlNatsPerText,
      nearestKlPercentile: (100 * below) / Math.max(frame.referenceNearestKlNatsPerText.length, 1),
    },
    klWithinApproximationRange: klBitsPerByte[order[0]] <= KL_APPROXIMATION_LIMIT_BITS_PER_BYTE,
  };
}

function sampleOf(observation: Observation, textCount: number): TextSample {
  const { textIndices, squaredWeights, logLikelihoodsNats } = observation;
  if (!textIndices) {
    if (logLikelihoodsNats.length !== textCount) {
      throw new LlmapError(
        'shape-mismatch',
        `The map has ${textCount} texts but the vector has ${logLikelihoodsNats.length} values; score the map's own texts, or pass textIndices for a partial vector.`,
      );
    }
    return fullSample(textCount);
  }
  if (logLikelihoodsNats.length !== textIndices.length) {
    throw new LlmapError('shape-mismatch', `${textIndices.length} text indices but ${logLikelihoodsNats.length} log-likelihoods were given.`);
  }
  if (!squaredWeights) return uniformSample(textCount, textIndices);
  return validateSample({ textCount, textIndices: Int32Array.from(textIndices), squaredWeights: Float64Array.from(squaredWeights) });
}

function firstRows(m: Matrix, rows: number): Matrix {
  return { rows, cols: m.cols, values: m.values.subarray(0, rows * m.cols) };
}

function stackRows(rows: readonly Float64Array[], cols: number): Matrix {
  const values = new Float64Array(rows.length * cols);
  rows.forEach((row, f) => values.set(row, f * cols));
  return { rows: rows.length, cols, values };
}

function everyOther(values: Float64Array, start: number): Float64Array {
  return values.filter((_, k) => k % 2 === start);
}

function weightedMean(values: Float64Array, squaredWeights: Float64Array): number {
  let sum = 0;
  let weight = 0;
  values.forEach((v, k) => {
    sum += squaredWeights[k] * v;
    weight += squaredWeights[k];
  });
  return sum / weight;
}
