import { describe, expect, it } from 'vitest';
import { centreNewVector, clipLogLikelihoods, fitFrame } from '../../src/core/frame.ts';
import { matrix, matrixFromRows } from '../../src/core/matrix.ts';
import { quantile } from '../../src/core/quantile.ts';
import { seededRng } from '../../src/core/rng.ts';
import { expectClose } from '../asserts.ts';
import { sklearnCore as fixture } from '../fixtures/sklearnCore.ts';

describe('quantile', () => {
  it('quantile interpolates linearly between order statistics like numpy', () => {
    expect(quantile([3, 1, 2, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30], 0.25)).toBe(15);
    expect(quantile([5], 0.02)).toBe(5);
    expect(quantile([1, 2, 3, 4, 5], 1)).toBe(5);
  });
});

describe('fitFrame', () => {
  it('fitFrame clips at τ and double-centres by hand on a 2×3 matrix', () => {
    const { centring, qModelsByTexts } = fitFrame(matrixFromRows([[-1, -2, -9], [-3, -1, -2]]), { kind: 'fixed', thresholdNats: -5 });
    // Clipped rows: [-1,-2,-5] (mean -8/3) and [-3,-1,-2] (mean -2); ξ = [5/3, 2/3, -7/3], [-1, 1, 0].
    expectClose(centring.textMeanOfRowCentred, [1 / 3, 5 / 6, -7 / 6], { relative: 1e-12 });
    expectClose(qModelsByTexts.values, [4 / 3, -1 / 6, -7 / 6, -4 / 3, 1 / 6, 7 / 6], { relative: 1e-12, absolute: 1e-15 });
  });

  it('fitFrame takes τ as the pooled 2% quantile and matches numpy on the fixture', () => {
    const { centring, qModelsByTexts } = fitFrame(matrix(fixture.K, fixture.N, fixture.logLikelihoods));
    expectClose(centring.clipThresholdNats, fixture.clipThresholdNats, { relative: 1e-12 });
    expectClose(centring.textMeanOfRowCentred, fixture.textMeanOfRowCentred, { absolute: 1e-9 });
    expectClose(qModelsByTexts.values, fixture.q, { absolute: 1e-9 });
  });

  it('fitFrame gives rows and columns of q that sum to 0', () => {
    const rng = seededRng(7);
    const K = 9;
    const N = 31;
    const values = Array.from({ length: K * N }, () => -500 * rng() - 10 * Math.floor(3 * rng()));
    const { qModelsByTexts: q } = fitFrame(matrix(K, N, values));
    for (let i = 0; i < K; i++) {
      let rowSum = 0;
      for (let j = 0; j < N; j++) rowSum += q.values[i * N + j];
      expectClose(rowSum, 0, { absolute: 1e-9 });
    }
    for (let j = 0; j < N; j++) {
      let columnSum = 0;
      for (let i = 0; i < K; i++) columnSum += q.values[i * N + j];
      expectClose(columnSum, 0, { absolute: 1e-9 });
    }
  });

  it('fitFrame rejects NaN, too few models and too few texts with LlmapErrors', () => {
    expect(() => fitFrame(matrixFromRows([[-1, NaN], [-2, -3]]))).toThrow(/NaN at position 1/);
    expect(() => fitFrame(matrixFromRows([[-1, -2, -3]]))).toThrow(expect.objectContaining({ code: 'too-few-models' }));
    expect(() => fitFrame(matrixFromRows([[-1], [-2]]))).toThrow(expect.objectContaining({ code: 'too-few-texts' }));
  });
});

describe('centreNewVector', () => {
  it('centreNewVector matches numpy for a new model on the fixture frame', () => {
    const { centring } = fitFrame(matrix(fixture.K, fixture.N, fixture.logLikelihoods));
    expectClose(centreNewVector(centring, fixture.newLogLikelihoods), fixture.qNew, { absolute: 1e-9 });
  });

  it('centreNewVector of a reference row reproduces that row of q', () => {
    const { centring, qModelsByTexts: q } = fitFrame(matrix(fixture.K, fixture.N, fixture.logLikelihoods));
    const row = fixture.logLikelihoods.slice(5 * fixture.N, 6 * fixture.N);
    expectClose(centreNewVector(centring, row), q.values.subarray(5 * fixture.N, 6 * fixture.N), { absolute: 1e-9 });
  });

  it('centreNewVector clips with the reference τ and never recomputes it', () => {
    const centring = { clipThresholdNats: -10, textMeanOfRowCentred: new Float64Array(3) };
    expectClose(centreNewVector(centring, [-1000, -4, -4]), [-4, 2, 2]);
    expect(clipLogLikelihoods([-11, -9], -10)).toEqual(new Float64Array([-10, -9]));
  });

  it('centreNewVector rejects a vector of the wrong length or with Infinity', () => {
    const centring = { clipThresholdNats: -10, textMeanOfRowCentred: new Float64Array(3) };
    expect(() => centreNewVector(centring, [-1, -2])).toThrow(/has 2 entries, but 3 were expected/);
    expect(() => centreNewVector(centring, [-1, -Infinity, -2])).toThrow(expect.objectContaining({ code: 'non-finite-value' }));
  });
});
