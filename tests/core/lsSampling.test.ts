import { describe, expect, it } from 'vitest';
import { fitFrame } from '../../src/core/frame.ts';
import { gramMatrix, squaredDistancesFromGram } from '../../src/core/gram.ts';
import { drawTexts, klProbabilities, lsProbabilities, sampleFromDraws, weightedSampleMatrix } from '../../src/core/lsSampling.ts';
import { matrixFromRows } from '../../src/core/matrix.ts';
import { seededRng } from '../../src/core/rng.ts';
import { expectClose } from '../asserts.ts';
import { syntheticMap } from '../fixtures/syntheticMap.ts';

const synthetic = syntheticMap({ models: 30, texts: 400, families: 4, seed: 12 });
const { qModelsByTexts: q } = fitFrame(synthetic.logLikelihoodsModelsByTexts);
const fullDistances = squaredDistancesFromGram(gramMatrix(q)).values;

function relativeFrobeniusError(estimate: Float64Array): number {
  let error = 0;
  let norm = 0;
  for (let k = 0; k < estimate.length; k++) {
    error += (estimate[k] - fullDistances[k]) ** 2;
    norm += fullDistances[k] ** 2;
  }
  return Math.sqrt(error / norm);
}

function sampledDistances(probabilities: Float64Array, draws: number, seed: number): Float64Array {
  const sample = sampleFromDraws(probabilities, drawTexts(probabilities, draws, seededRng(seed)));
  return squaredDistancesFromGram(gramMatrix(weightedSampleMatrix(q, sample))).values;
}

describe('lsProbabilities', () => {
  it('lsProbabilities is proportional to the column sums of q² by hand', () => {
    expectClose(lsProbabilities(matrixFromRows([[1, 0, 2], [-1, 0, -2]])), [0.2, 0, 0.8]);
  });

  it('klProbabilities follows √(2K·Σq⁴ + 6(Σq²)² − 8·Σq·Σq³) by hand', () => {
    // Column [1, −1]: 2·2·2 + 6·4 − 0 = 32; column [2, −2]: 4·32 + 6·64 = 512; ratio √32 : √512 = 1 : 4.
    expectClose(klProbabilities(matrixFromRows([[1, 2], [-1, -2]])), [0.2, 0.8]);
  });

  it('lsProbabilities refuses a matrix where no text varies', () => {
    expect(() => lsProbabilities(matrixFromRows([[0, 0], [0, 0]]))).toThrow(/zero spread/);
  });
});

describe('sampleFromDraws', () => {
  it('sampleFromDraws merges repeated draws into w² = c/(n·π)', () => {
    const probabilities = Float64Array.from([0.5, 0.25, 0.25]);
    const sample = sampleFromDraws(probabilities, [0, 2, 0, 0]);
    expect(Array.from(sample.textIndices)).toEqual([0, 2]);
    expectClose(sample.squaredWeights, [3 / (4 * 0.5), 1 / (4 * 0.25)]);
    expect(Array.from(sampleFromDraws(probabilities, [0, 2, 0, 0], 2).textIndices)).toEqual([0, 2]);
  });

  it('drawTexts follows the probabilities and never draws a zero-probability text', () => {
    const draws = drawTexts(Float64Array.from([0.7, 0, 0.3]), 20_000, seededRng(4));
    const share = draws.filter((j) => j === 0).length / draws.length;
    expectClose(share, 0.7, { absolute: 0.015 });
    expect(draws.includes(1)).toBe(false);
  });
});

describe('weightedSampleMatrix', () => {
  it('weightedSampleMatrix with every text once at w² = 1 reproduces the full squared distances', () => {
    const sample = { textCount: 400, textIndices: Int32Array.from({ length: 400 }, (_, j) => j), squaredWeights: new Float64Array(400).fill(1) };
    const distances = squaredDistancesFromGram(gramMatrix(weightedSampleMatrix(q, sample))).values;
    expectClose(distances, fullDistances, { relative: 1e-9, absolute: 1e-6 });
  });

  it('LS-weighted distances estimate the full ones with error shrinking as draws grow', () => {
    const probabilities = lsProbabilities(q);
    const errorAt = (draws: number) => [1, 2, 3, 4, 5].reduce((sum, seed) => sum + relativeFrobeniusError(sampledDistances(probabilities, draws, seed)), 0) / 5;
    const small = errorAt(50);
    const large = errorAt(800);
    expect(large).toBeLessThan(small / 2);
    expect(large).toBeLessThan(0.1);
  });

  it('LS sampling beats uniform sampling at the same number of draws', () => {
    const ls = lsProbabilities(q);
    const uniform = new Float64Array(400).fill(1 / 400);
    const mean = (probabilities: Float64Array) =>
      [1, 2, 3, 4, 5, 6].reduce((sum, seed) => sum + relativeFrobeniusError(sampledDistances(probabilities, 100, seed)), 0) / 6;
    expect(mean(ls)).toBeLessThan(mean(uniform));
  });
});
