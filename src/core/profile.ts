import { LlmapError } from './errors.ts';
import { assertLength } from './matrix.ts';
import type { TextSample } from './textSample.ts';

/**
 * Where a model is relatively strong or weak: the w²-weighted mean of its q per text category, in nats per text.
 * Positive means the model finds that category's texts likelier than the average reference does, after its
 * overall level is removed. The primary category is the one with the largest mean.
 */
export interface DomainProfile {
  readonly meanQNatsByCategory: Float64Array;
  /** How many scored texts fell in each category (a category with none has mean NaN). */
  readonly textCountByCategory: Int32Array;
  readonly primaryCategory: number;
}

export function domainProfile(
  qBySample: ArrayLike<number>,
  sample: TextSample,
  categoryOfText: ArrayLike<number>,
  categoryCount: number,
): DomainProfile {
  assertLength(qBySample.length, sample.textIndices.length, 'The sampled vector');
  assertLength(categoryOfText.length, sample.textCount, 'The category list');
  const weightedSum = new Float64Array(categoryCount);
  const weight = new Float64Array(categoryCount);
  const textCountByCategory = new Int32Array(categoryCount);
  for (let k = 0; k < qBySample.length; k++) {
    const category = categoryOfText[sample.textIndices[k]];
    if (!(category >= 0 && category < categoryCount)) {
      throw new LlmapError('invalid-argument', `Text ${sample.textIndices[k]} has category ${category}, outside [0, ${categoryCount}).`);
    }
    weightedSum[category] += sample.squaredWeights[k] * qBySample[k];
    weight[category] += sample.squaredWeights[k];
    textCountByCategory[category]++;
  }
  const meanQNatsByCategory = weightedSum.map((sum, c) => (weight[c] > 0 ? sum / weight[c] : Number.NaN));
  let primaryCategory = -1;
  meanQNatsByCategory.forEach((mean, c) => {
    if (!Number.isNaN(mean) && (primaryCategory < 0 || mean > meanQNatsByCategory[primaryCategory])) primaryCategory = c;
  });
  return { meanQNatsByCategory, textCountByCategory, primaryCategory };
}
