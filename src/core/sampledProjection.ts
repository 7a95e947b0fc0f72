import { LlmapError } from './errors.ts';
import { checkBlockCounts } from './kl.ts';
import { assertFinite, assertLength, type Matrix } from './matrix.ts';
import { validateSample, type TextSample } from './textSample.ts';

/**
 * Linear read-outs of a model's centred vector q over all N texts — PCA coordinates, ridge predictions — estimated
 * from a sample of texts: value_f = (N/W)·Σ_k w²_k·(q_k − offset_j)·a_fj with q_k = r_k − r̄_w, W = Σ w².
 * With every text and w² = 1 this is exactly Σ_j (q_j − offset_j)·a_fj. Sums are kept per block of texts so a
 * bootstrap replicate costs O(F·B).
 */
export interface ProjectionMoments {
  readonly textCount: number;
  readonly functionalCount: number;
  readonly blockCount: number;
  readonly weightByBlock: Float64Array;
  /** Σ w²·r per block. */
  readonly residualByBlock: Float64Array;
  /** F×B: Σ w²·r·a, Σ w²·a and Σ w²·offset·a per functional and block. */
  readonly residualTimesAxis: Float64Array;
  readonly axisSum: Float64Array;
  readonly offsetTimesAxis: Float64Array;
}

export function projectionMoments(
  residualBySample: ArrayLike<number>,
  sample: TextSample,
  functionalsByTexts: Matrix,
  offsetByText: ArrayLike<number> | null,
  blockOfSample?: ArrayLike<number>,
  blockCount = 1,
): ProjectionMoments {
  validateSample(sample);
  const m = sample.textIndices.length;
  assertLength(residualBySample.length, m, 'The sampled vector');
  assertFinite(residualBySample, 'The sampled vector');
  assertLength(functionalsByTexts.cols, sample.textCount, 'The projection axes');
  const functionalCount = functionalsByTexts.rows;
  const textCount = sample.textCount;
  const weightByBlock = new Float64Array(blockCount);
  const residualByBlock = new Float64Array(blockCount);
  const residualTimesAxis = new Float64Array(functionalCount * blockCount);
  const axisSum = new Float64Array(functionalCount * blockCount);
  const offsetTimesAxis = new Float64Array(functionalCount * blockCount);
  for (let k = 0; k < m; k++) {
    const b = blockOfSample ? blockOfSample[k] : 0;
    if (!(Number.isInteger(b) && b >= 0 && b < blockCount)) {
      throw new LlmapError('invalid-argument', `Block ${b} is not a whole number in [0, ${blockCount}); pass blockCount with blockOfSample.`);
    }
    const j = sample.textIndices[k];
    const w2 = sample.squaredWeights[k];
    const offset = offsetByText ? offsetByText[j] : 0;
    weightByBlock[b] += w2;
    residualByBlock[b] += w2 * residualBySample[k];
    for (let f = 0; f < functionalCount; f++) {
      const weightedAxis = w2 * functionalsByTexts.values[f * textCount + j];
      residualTimesAxis[f * blockCount + b] += weightedAxis * residualBySample[k];
      axisSum[f * blockCount + b] += weightedAxis;
      offsetTimesAxis[f * blockCount + b] += weightedAxis * offset;
    }
  }
  return { textCount, functionalCount, blockCount, weightByBlock, residualByBlock, residualTimesAxis, axisSum, offsetTimesAxis };
}

/** The F read-outs, with blocks counted `countByBlock` times (a bootstrap replicate) or once each. */
export function projectionFromMoments(moments: ProjectionMoments, countByBlock?: ArrayLike<number>): Float64Array {
  const { textCount, functionalCount, blockCount } = moments;
  if (countByBlock) checkBlockCounts(countByBlock, blockCount);
  let weight = 0;
  let residual = 0;
  for (let b = 0; b < blockCount; b++) {
    const count = countByBlock ? countByBlock[b] : 1;
    weight += count * moments.weightByBlock[b];
    residual += count * moments.residualByBlock[b];
  }
  const residualMean = residual / weight;
  const values = new Float64Array(functionalCount);
  for (let f = 0; f < functionalCount; f++) {
    let sum = 0;
    for (let b = 0; b < blockCount; b++) {
      const count = countByBlock ? countByBlock[b] : 1;
      const at = f * blockCount + b;
      sum += count * (moments.residualTimesAxis[at] - residualMean * moments.axisSum[at] - moments.offsetTimesAxis[at]);
    }
    values[f] = (textCount / weight) * sum;
  }
  return values;
}
