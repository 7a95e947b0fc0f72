import { LlmapError } from './errors.ts';
import { assertFinite, assertLength, type Matrix } from './matrix.ts';
import { quantile } from './quantile.ts';

/** How the clip threshold τ is chosen: the pooled quantile of the reference matrix (paper: 2%) or a fixed value. */
export type ClipRule = { kind: 'quantile'; quantile: number } | { kind: 'fixed'; thresholdNats: number };

/**
 * What a map keeps so that a new model's vector is clipped and centred exactly as the references were:
 * τ, and ξ̄, the per-text mean of the row-centred reference vectors.
 */
export interface CentringFrame {
  readonly clipThresholdNats: number;
  readonly textMeanOfRowCentred: Float64Array;
}

export interface FittedFrame {
  readonly centring: CentringFrame;
  /** Q: clipped and double-centred reference vectors, K models × N texts. Rows and columns sum to 0. */
  readonly qModelsByTexts: Matrix;
}

export const PAPER_CLIP_RULE: ClipRule = { kind: 'quantile', quantile: 0.02 };

/** max(ℓ, τ) elementwise, into a new Float64Array. */
export function clipLogLikelihoods(logLikelihoodsNats: ArrayLike<number>, clipThresholdNats: number): Float64Array {
  const clipped = new Float64Array(logLikelihoodsNats.length);
  for (let j = 0; j < clipped.length; j++) clipped[j] = Math.max(logLikelihoodsNats[j], clipThresholdNats);
  return clipped;
}

/**
 * Clip a K×N log-likelihood matrix at τ and double-centre it (Oyama et al. 2025):
 * ξ_i = ℓ_i − mean_j ℓ_ij, then q_i = ξ_i − ξ̄ with ξ̄ the mean of ξ over models.
 * Pairwise distances do not depend on which other models are in the set only while τ is fixed: a quantile rule
 * recomputes τ from the whole set, so refitting with one more model can move the others where clipping binds.
 * Placing a model (centreNewVector) never refits, so it never moves them.
 */
export function fitFrame(logLikelihoodsModelsByTexts: Matrix, clipRule: ClipRule = PAPER_CLIP_RULE): FittedFrame {
  const { rows: modelCount, cols: textCount, values } = logLikelihoodsModelsByTexts;
  if (modelCount < 2) {
    throw new LlmapError('too-few-models', `A map needs at least 2 reference models; got ${modelCount}.`);
  }
  if (textCount < 2) throw new LlmapError('too-few-texts', `A map needs at least 2 texts; got ${textCount}.`);
  assertFinite(values, 'The reference log-likelihood matrix');
  const clipThresholdNats = clipRule.kind === 'quantile' ? quantile(values, clipRule.quantile) : clipRule.thresholdNats;
  if (!Number.isFinite(clipThresholdNats)) {
    throw new LlmapError('invalid-argument', `The clip threshold must be a finite number of nats; got ${clipThresholdNats}.`);
  }

  const q = clipLogLikelihoods(values, clipThresholdNats);
  for (let i = 0; i < modelCount; i++) {
    const row = q.subarray(i * textCount, (i + 1) * textCount);
    let rowSum = 0;
    for (let j = 0; j < textCount; j++) rowSum += row[j];
    const rowMean = rowSum / textCount;
    for (let j = 0; j < textCount; j++) row[j] -= rowMean;
  }
  const textMeanOfRowCentred = new Float64Array(textCount);
  for (let i = 0; i < modelCount; i++) {
    const offset = i * textCount;
    for (let j = 0; j < textCount; j++) textMeanOfRowCentred[j] += q[offset + j];
  }
  for (let j = 0; j < textCount; j++) textMeanOfRowCentred[j] /= modelCount;
  for (let i = 0; i < modelCount; i++) {
    const offset = i * textCount;
    for (let j = 0; j < textCount; j++) q[offset + j] -= textMeanOfRowCentred[j];
  }
  return {
    centring: { clipThresholdNats, textMeanOfRowCentred },
    qModelsByTexts: { rows: modelCount, cols: textCount, values: q },
  };
}

/**
 * q_new = (clip(ℓ_new, τ) − its mean over texts) − ξ̄_ref: a new model centred with the reference frame.
 * τ is never recomputed, so placing a model never moves the references.
 */
export function centreNewVector(centring: CentringFrame, logLikelihoodsNats: ArrayLike<number>): Float64Array {
  const textCount = centring.textMeanOfRowCentred.length;
  assertLength(logLikelihoodsNats.length, textCount, 'The new log-likelihood vector');
  assertFinite(logLikelihoodsNats, 'The new log-likelihood vector');
  const q = clipLogLikelihoods(logLikelihoodsNats, centring.clipThresholdNats);
  let sum = 0;
  for (let j = 0; j < textCount; j++) sum += q[j];
  const mean = sum / textCount;
  for (let j = 0; j < textCount; j++) q[j] = q[j] - mean - centring.textMeanOfRowCentred[j];
  return q;
}
