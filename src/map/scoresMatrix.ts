import { LlmapError } from '../core/errors.ts';
import type { Matrix } from '../core/matrix.ts';

/**
 * The K×N log-likelihood matrix from per-model score records, texts in the order of `textIndices`. Every model must
 * have every text: a gap is an error naming the model and the first missing text.
 */
export function logLikelihoodMatrix(recordsByModel: ReadonlyArray<{ readonly id: string; readonly records: ReadonlyArray<{ readonly index: number; readonly logLikelihoodNats: number }> }>, textIndices: readonly number[]): Matrix {
  const textCount = textIndices.length;
  const values = new Float64Array(recordsByModel.length * textCount);
  recordsByModel.forEach(({ id, records }, i) => {
    const byIndex = new Map(records.map((record) => [record.index, record.logLikelihoodNats]));
    textIndices.forEach((index, j) => {
      const value = byIndex.get(index);
      if (value === undefined) {
        throw new LlmapError('shape-mismatch', `The scores of model "${id}" have no text ${index}; score every text of the map (llmap score resumes where it stopped).`, { model: id, index });
      }
      values[i * textCount + j] = value;
    });
  });
  return { rows: recordsByModel.length, cols: textCount, values };
}
