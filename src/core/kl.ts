import { LlmapError } from './errors.ts';
import { gramMatrix, squaredDistancesFromGram } from './gram.ts';
import { assertFinite, assertLength, type Matrix } from './matrix.ts';
import { fullSample, validateSample, type TextSample } from './textSample.ts';

/**
 * KL estimates from log-likelihood vectors (Oyama et al. 2025, after Shimodaira 1993):
 * 2·KL(p_i, p_j) ≈ ‖q_i − q_j‖² / N = Var_texts(ℓ_i − ℓ_j), so KL ≈ ½·Var in nats per text.
 */

/** KL in nats per text from a squared distance between double-centred vectors over N texts. */
export function klNatsPerTextFromSquaredDistance(squaredDistance: number, textCount: number): number {
  return squaredDistance / (2 * textCount);
}

/** Nats per text → bits per byte, given the mean UTF-8 bytes per text of the text set. */
export function natsPerTextToBitsPerByte(natsPerText: number, meanBytesPerText: number): number {
  if (!(meanBytesPerText > 0)) {
    throw new LlmapError('invalid-argument', `Mean bytes per text must be positive to convert to bits per byte; got ${meanBytesPerText}.`);
  }
  return natsPerText / (meanBytesPerText * Math.LN2);
}

/** The K×K matrix of KL estimates (nats per text) between every pair of reference models. */
export function pairwiseKlNatsPerText(qModelsByTexts: Matrix): Matrix {
  const squared = squaredDistancesFromGram(gramMatrix(qModelsByTexts));
  const kl = new Float64Array(squared.values.length);
  for (let k = 0; k < kl.length; k++) kl[k] = klNatsPerTextFromSquaredDistance(squared.values[k], qModelsByTexts.cols);
  return { rows: squared.rows, cols: squared.cols, values: kl };
}

/**
 * Weighted moments of the differences d_ij = r_j − q_ij between a new model and each reference, over the
 * texts of a sample, summed within blocks of texts: W_b = Σ w², S1_ib = Σ w²·d, S2_ib = Σ w²·d². Blocks let a
 * bootstrap resample texts without another pass over K×N numbers.
 */
export interface DifferenceMoments {
  readonly modelCount: number;
  readonly blockCount: number;
  readonly weightByBlock: Float64Array;
  /** K×B, row-major. */
  readonly firstByModelBlock: Float64Array;
  /** K×B, row-major. */
  readonly secondByModelBlock: Float64Array;
}

/**
 * `residualBySample[k]` is the new model's value on text `sample.textIndices[k]`, on the scale of q up to a
 * constant (clip(ℓ) − ξ̄ or q itself: constants cancel in the variance). `blockOfSample[k]` ∈ [0, blockCount).
 */
export function differenceMoments(
  residualBySample: ArrayLike<number>,
  sample: TextSample,
  qModelsByTexts: Matrix,
  blockOfSample?: ArrayLike<number>,
  blockCount = 1,
): DifferenceMoments {
  validateSample(sample);
  const m = sample.textIndices.length;
  assertLength(residualBySample.length, m, 'The new vector');
  assertFinite(residualBySample, 'The new vector');
  assertLength(qModelsByTexts.cols, sample.textCount, "The reference matrix's text dimension");
  if (blockOfSample) assertLength(blockOfSample.length, m, 'The block assignment');
  const { rows: modelCount, cols: textCount, values: q } = qModelsByTexts;
  const weightByBlock = new Float64Array(blockCount);
  const firstByModelBlock = new Float64Array(modelCount * blockCount);
  const secondByModelBlock = new Float64Array(modelCount * blockCount);
  const block = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    const b = blockOfSample ? blockOfSample[k] : 0;
    if (!(Number.isInteger(b) && b >= 0 && b < blockCount)) {
      throw new LlmapError('invalid-argument', `Block ${b} is not a whole number in [0, ${blockCount}); pass blockCount with blockOfSample.`);
    }
    block[k] = b;
    weightByBlock[b] += sample.squaredWeights[k];
  }
  for (let i = 0; i < modelCount; i++) {
    const rowOffset = i * textCount;
    const blockOffset = i * blockCount;
    for (let k = 0; k < m; k++) {
      const d = residualBySample[k] - q[rowOffset + sample.textIndices[k]];
      const wd = sample.squaredWeights[k] * d;
      firstByModelBlock[blockOffset + block[k]] += wd;
      secondByModelBlock[blockOffset + block[k]] += wd * d;
    }
  }
  return { modelCount, blockCount, weightByBlock, firstByModelBlock, secondByModelBlock };
}

/**
 * KL (nats per text) to every reference: ½·weighted Var(d) = ½·(S2/W − (S1/W)²), with blocks counted
 * `countByBlock` times (a bootstrap replicate) or once each.
 */
export function klNatsPerTextFromMoments(moments: DifferenceMoments, countByBlock?: ArrayLike<number>): Float64Array {
  const { modelCount, blockCount, weightByBlock, firstByModelBlock, secondByModelBlock } = moments;
  if (countByBlock) checkBlockCounts(countByBlock, blockCount);
  let weight = 0;
  for (let b = 0; b < blockCount; b++) weight += (countByBlock ? countByBlock[b] : 1) * weightByBlock[b];
  if (!(weight > 0)) throw new LlmapError('too-few-texts', 'The text sample carries no weight; score more texts.');
  const klNatsPerText = new Float64Array(modelCount);
  for (let i = 0; i < modelCount; i++) {
    let first = 0;
    let second = 0;
    for (let b = 0; b < blockCount; b++) {
      const count = countByBlock ? countByBlock[b] : 1;
      first += count * firstByModelBlock[i * blockCount + b];
      second += count * secondByModelBlock[i * blockCount + b];
    }
    const meanDifference = first / weight;
    klNatsPerText[i] = 0.5 * Math.max(0, second / weight - meanDifference * meanDifference);
  }
  return klNatsPerText;
}

/** KL (nats per text) from one full new vector q_new to every reference row of Q. */
export function klNatsPerTextToReferences(qNew: ArrayLike<number>, qModelsByTexts: Matrix): Float64Array {
  return klNatsPerTextFromMoments(differenceMoments(qNew, fullSample(qModelsByTexts.cols), qModelsByTexts));
}

/** Bootstrap counts: one finite, non-negative count per block. */
export function checkBlockCounts(countByBlock: ArrayLike<number>, blockCount: number): void {
  assertLength(countByBlock.length, blockCount, 'The bootstrap counts');
  for (let b = 0; b < blockCount; b++) {
    if (!(Number.isFinite(countByBlock[b]) && countByBlock[b] >= 0)) {
      throw new LlmapError('invalid-argument', `Bootstrap count ${countByBlock[b]} for block ${b} must be a finite number ≥ 0.`);
    }
  }
}
