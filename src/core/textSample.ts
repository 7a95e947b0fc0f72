import { LlmapError } from './errors.ts';
import { assertFinite, assertLength } from './matrix.ts';

/**
 * Which texts a vector covers and how much each counts. The weights are squared weights w², scaled so that
 * Σ w² estimates the full text count N: all texts (w² = 1), a uniform subset (w² = N/m), or LS draws
 * (w² = c/(n·π)). Every distance and profile in llmap goes through one of these, so a partial vector is
 * handled by the same code as a full one.
 */
export interface TextSample {
  readonly textCount: number;
  readonly textIndices: Int32Array;
  readonly squaredWeights: Float64Array;
}

/** Every text, each with weight 1. */
export function fullSample(textCount: number): TextSample {
  const textIndices = new Int32Array(textCount);
  for (let j = 0; j < textCount; j++) textIndices[j] = j;
  return { textCount, textIndices, squaredWeights: new Float64Array(textCount).fill(1) };
}

/** A subset scored in no particular order of importance: each of the m texts stands for N/m texts. */
export function uniformSample(textCount: number, textIndices: ArrayLike<number>): TextSample {
  const m = textIndices.length;
  return validateSample({
    textCount,
    textIndices: Int32Array.from(textIndices),
    squaredWeights: new Float64Array(m).fill(m === 0 ? 0 : textCount / m),
  });
}

/** Checks indices are distinct and in range, weights finite and positive; returns the sample. */
export function validateSample(sample: TextSample): TextSample {
  const { textCount, textIndices, squaredWeights } = sample;
  assertLength(squaredWeights.length, textIndices.length, 'The text weights');
  assertFinite(squaredWeights, 'The text weights');
  if (textIndices.length === 0) {
    throw new LlmapError('too-few-texts', 'No texts have been scored yet; score at least 2 texts before placing the model.');
  }
  const seen = new Uint8Array(textCount);
  for (let k = 0; k < textIndices.length; k++) {
    const j = textIndices[k];
    if (!(j >= 0 && j < textCount)) {
      throw new LlmapError('invalid-argument', `Text index ${j} is outside the map's ${textCount} texts.`, { index: j });
    }
    if (seen[j]) throw new LlmapError('invalid-argument', `Text index ${j} appears twice; merge repeated draws into one weight.`);
    seen[j] = 1;
    if (!(squaredWeights[k] > 0)) {
      throw new LlmapError('invalid-argument', `Text ${j} has weight ${squaredWeights[k]}; weights must be positive.`);
    }
  }
  return sample;
}
