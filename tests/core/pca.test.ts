import { describe, expect, it } from 'vitest';
import { matrix, matrixFromRows } from '../../src/core/matrix.ts';
import { fitPca, projectOnPca } from '../../src/core/pca.ts';
import { expectClose } from '../asserts.ts';
import { sklearnCore as fixture } from '../fixtures/sklearnCore.ts';

describe('fitPca', () => {
  const q = matrix(fixture.K, fixture.N, fixture.q);
  const pca = fitPca(q, 3);

  it('fitPca axes, variances and scores match scikit-learn PCA (svd_flip signs) to 1e-6', () => {
    expectClose(pca.axesByTexts.values, fixture.pca.components, { absolute: 1e-8, relative: 1e-6 });
    expectClose(pca.explainedVariance, fixture.pca.explainedVariance, { relative: 1e-9 });
    expectClose(pca.explainedVarianceRatio, fixture.pca.explainedVarianceRatio, { relative: 1e-9 });
    expectClose(pca.scoresModelsByComponents.values, fixture.pca.scores, { absolute: 1e-6, relative: 1e-6 });
  });

  it('projectOnPca of a new vector matches scikit-learn transform', () => {
    expectClose(projectOnPca(pca, fixture.qNew), fixture.pca.newScores, { absolute: 1e-6, relative: 1e-6 });
  });

  it('projectOnPca of a reference row equals its fitted score', () => {
    const row = q.values.subarray(7 * fixture.N, 8 * fixture.N);
    expectClose(projectOnPca(pca, row), pca.scoresModelsByComponents.values.subarray(21, 24), { absolute: 1e-8 });
  });

  it('fitPca finds the single axis of points on a line, by hand', () => {
    // Centred rows (−2,−4), (−1,−2), (3,6): the third has the largest score, so svd_flip makes the axis +(1,2)/√5.
    const line = fitPca(matrixFromRows([[0, 0], [1, 2], [5, 10]]), 1);
    expectClose(line.axesByTexts.values, [1 / Math.sqrt(5), 2 / Math.sqrt(5)], { relative: 1e-12 });
    expectClose(line.explainedVariance, [35], { relative: 1e-12 });
    expectClose(line.explainedVarianceRatio, [1], { relative: 1e-12 });
  });

  it('fitPca refuses more components than the data has', () => {
    expect(() => fitPca(matrixFromRows([[1, 2], [3, 4]]), 3)).toThrow(/between 1 and min\(models, texts\) = 2/);
  });
});
