import { describe, expect, it } from 'vitest';
import { groupKFold, kFold, shuffledKFold } from '../../src/core/folds.ts';
import { matrix, matrixFromRows } from '../../src/core/matrix.ts';
import { crossValidateRidge, fitRidgeCv, predictRidge } from '../../src/core/ridge.ts';
import { seededRng } from '../../src/core/rng.ts';
import { averageRanks, pearson, spearman } from '../../src/core/correlation.ts';
import { expectClose } from '../asserts.ts';
import { sklearnCore as fixture } from '../fixtures/sklearnCore.ts';

const q = matrix(fixture.K, fixture.N, fixture.q);
const { ridge } = fixture;

describe('folds', () => {
  it('kFold makes contiguous folds like scikit-learn KFold', () => {
    expect(Array.from(kFold(fixture.K, 5))).toEqual(ridge.kFoldOfSample);
    expect(Array.from(kFold(7, 3))).toEqual([0, 0, 0, 1, 1, 2, 2]);
  });

  it('groupKFold assigns groups like scikit-learn 1.2 GroupKFold and never splits a group', () => {
    const folds = groupKFold(ridge.groups, 5);
    expect(Array.from(folds)).toEqual(ridge.groupFoldOfSample);
    const foldOfGroup = new Map<number, number>();
    ridge.groups.forEach((g, k) => expect(foldOfGroup.get(g) ?? folds[k]).toBe(folds[k]) ?? foldOfGroup.set(g, folds[k]));
  });

  it('shuffledKFold is a seeded permutation of kFold', () => {
    const a = shuffledKFold(23, 4, seededRng(1));
    expect(Array.from(a)).toEqual(Array.from(shuffledKFold(23, 4, seededRng(1))));
    expect(Array.from(a).sort()).toEqual(Array.from(kFold(23, 4)).sort());
    expect(Array.from(a)).not.toEqual(Array.from(kFold(23, 4)));
  });

  it('groupKFold refuses fewer groups than folds', () => {
    expect(() => groupKFold(['a', 'a', 'b'], 3)).toThrow(/at least 3 groups; got 2/);
  });
});

describe('correlation', () => {
  it('pearson and spearman by hand, with tied ranks averaged', () => {
    expectClose(pearson([1, 2, 3], [2, 4, 6]), 1);
    expectClose(pearson([1, 2, 3], [3, 2, 1]), -1);
    expect(Array.from(averageRanks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
    expectClose(spearman([1, 2, 3, 4], [1, 4, 9, 16]), 1);
  });
});

describe('fitRidgeCv', () => {
  it('fitRidgeCv picks the same α as scikit-learn RidgeCV(cv=5) and matches its coefficients to 1e-6', () => {
    const fit = fitRidgeCv(q, ridge.targets, { alphas: ridge.alphas });
    expect(fit.alpha).toBe(ridge.alpha);
    expectClose(fit.weightsByText, ridge.coefficients, { relative: 1e-6, absolute: 1e-10 });
    expectClose(fit.interceptValue, ridge.intercept, { relative: 1e-9 });
    expectClose(predictRidge(fit, fixture.qNew), ridge.newPrediction, { relative: 1e-9 });
  });

  it('fitRidgeCv recovers an exact linear rule when α is small', () => {
    const features = matrixFromRows([[1, 0], [0, 1], [1, 1], [2, 1], [0, 3]]);
    const targets = [1 + 2 - 0, 1 - 1, 1 + 2 - 1, 1 + 4 - 1, 1 - 3];
    const fit = fitRidgeCv(features, targets, { alphas: [1e-6] });
    expectClose(fit.weightsByText, [2, -1], { relative: 1e-5 });
    expectClose(fit.interceptValue, 1, { relative: 1e-5 });
  });

  it('predictRidge clips into the prediction range', () => {
    const fit = { alpha: 1, interceptValue: 90, weightsByText: new Float64Array([10]), predictionRange: { min: 0, max: 100 } };
    expect(predictRidge(fit, [3])).toBe(100);
    expect(predictRidge(fit, [-30])).toBe(0);
  });
});

describe('crossValidateRidge', () => {
  it('crossValidateRidge under GroupKFold reproduces scikit-learn out-of-fold predictions, r and ρ', () => {
    const result = crossValidateRidge(q, ridge.targets, groupKFold(ridge.groups, 5), { alphas: ridge.alphas });
    expect(Array.from(result.alphaByFold)).toEqual(ridge.alphaByFold);
    expectClose(result.predictions, ridge.outOfFoldPredictions, { relative: 1e-6 });
    expectClose(result.pearson, ridge.pearson, { relative: 1e-6 });
    expectClose(result.spearman, ridge.spearman, { relative: 1e-9 });
  });

  it('crossValidateRidge on pure noise targets gives a weak correlation', () => {
    const rng = seededRng(11);
    const noise = Array.from({ length: fixture.K }, () => rng());
    const result = crossValidateRidge(q, noise, kFold(fixture.K, 5), { alphas: ridge.alphas });
    expect(Math.abs(result.pearson)).toBeLessThan(0.5);
    expect(result.rootMeanSquaredError).toBeGreaterThan(0.2);
  });
});
