import { describe, expect, it } from 'vitest';
import { isLlmapError } from '../../../src/core/errors.ts';
import { matrix, rowView } from '../../../src/core/matrix.ts';
import { conditionalAffinities, conditionalAffinitiesToReference, jointAffinities } from '../../../src/core/tsne/affinities.ts';
import { expectClose } from '../../asserts.ts';
import { entropyNats, gaussianClusters, squaredDistanceMatrix, squaredDistancesBetween } from './helpers.ts';

const { points } = gaussianClusters(11, 3, 15, 6, 4);
const sqDistances = squaredDistanceMatrix(points, 45, 6);

function expectLlmapError(run: () => unknown, code: string): void {
  try {
    run();
  } catch (error) {
    expect(isLlmapError(error), String(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    return;
  }
  expect.fail('expected an LlmapError');
}

describe('conditionalAffinities', () => {
  it('conditionalAffinities rows reach the requested perplexity (entropy within 1e-5 nats)', () => {
    for (const perplexity of [3, 10, 30]) {
      const conditional = conditionalAffinities(sqDistances, perplexity);
      for (let i = 0; i < conditional.rows; i++) {
        const row = rowView(conditional, i);
        expect(row[i]).toBe(0);
        expectClose(row.reduce((sum, p) => sum + p, 0), 1, { relative: 1e-12 });
        expectClose(entropyNats(row), Math.log(perplexity), { absolute: 1.1e-5 });
      }
    }
  });

  it('conditionalAffinities gives a uniform row when every distance is equal', () => {
    const equal = matrix(4, 4, [0, 2, 2, 2, 2, 0, 2, 2, 2, 2, 0, 2, 2, 2, 2, 0]);
    // Perplexity 3 = 3 equally likely neighbours, reached exactly by any β.
    expectClose(conditionalAffinities(equal, 3).values, [0, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 0, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 0, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 0], {
      relative: 1e-12,
    });
  });
});

describe('jointAffinities', () => {
  it('jointAffinities is symmetric, zero on the diagonal and sums to 1', () => {
    const joint = jointAffinities(sqDistances, 10);
    let total = 0;
    for (let i = 0; i < joint.rows; i++) {
      expect(joint.values[i * joint.cols + i]).toBe(0);
      for (let j = 0; j < joint.cols; j++) {
        expect(joint.values[i * joint.cols + j]).toBe(joint.values[j * joint.cols + i]);
        total += joint.values[i * joint.cols + j];
      }
    }
    expectClose(total, 1, { relative: 1e-12 });
  });

  it('jointAffinities of two points is one half each way', () => {
    expectClose(jointAffinities(matrix(2, 2, [0, 5, 5, 0]), 1.5).values, [0, 0.5, 0.5, 0], { relative: 1e-15 });
  });

  it('jointAffinities averages the two conditionals by hand on 3 points', () => {
    const distances = matrix(3, 3, [0, 1, 4, 1, 0, 2, 4, 2, 0]);
    const conditional = conditionalAffinities(distances, 1.5).values;
    const joint = jointAffinities(distances, 1.5).values;
    expectClose(joint[1], (conditional[1] + conditional[3]) / 6, { relative: 1e-14 });
    expectClose(joint[2], (conditional[2] + conditional[6]) / 6, { relative: 1e-14 });
    expectClose(joint[5], (conditional[5] + conditional[7]) / 6, { relative: 1e-14 });
  });

  it('jointAffinities does not change its input', () => {
    const copy = Float64Array.from(sqDistances.values);
    jointAffinities(sqDistances, 10);
    expect(sqDistances.values).toEqual(copy);
  });

  it('jointAffinities rejects a perplexity not below the point count, bad shapes and bad values', () => {
    expectLlmapError(() => jointAffinities(sqDistances, 45), 'invalid-argument');
    expectLlmapError(() => jointAffinities(sqDistances, 0), 'invalid-argument');
    expectLlmapError(() => jointAffinities(matrix(2, 3, [0, 1, 2, 1, 0, 3]), 1), 'shape-mismatch');
    expectLlmapError(() => jointAffinities(matrix(2, 2, [0, Number.NaN, 1, 0]), 1), 'non-finite-value');
    expectLlmapError(() => jointAffinities(matrix(2, 2, [0, -1, -1, 0]), 1), 'invalid-argument');
    expectLlmapError(() => jointAffinities(matrix(1, 1, [0]), 0.5), 'too-few-models');
  });
});

describe('conditionalAffinitiesToReference', () => {
  const references = points.subarray(0, 40 * 6);
  const newPoints = points.subarray(40 * 6);
  const newByRef = squaredDistancesBetween(newPoints, 5, references, 40, 6);

  it('conditionalAffinitiesToReference rows sum to 1 and reach the perplexity', () => {
    const affinities = conditionalAffinitiesToReference(newByRef, 5, 15);
    expect(affinities.neighbours).toBe(15);
    for (let i = 0; i < 5; i++) {
      const row = affinities.affinities.subarray(15 * i, 15 * (i + 1));
      expectClose(row.reduce((sum, p) => sum + p, 0), 1, { relative: 1e-12 });
      expectClose(entropyNats(row), Math.log(5), { absolute: 1e-7 });
    }
  });

  it('conditionalAffinitiesToReference keeps the nearest references, nearest first', () => {
    const affinities = conditionalAffinitiesToReference(newByRef, 5, 15);
    for (let i = 0; i < 5; i++) {
      const row = rowView(newByRef, i);
      const expected = Array.from(row.keys()).sort((a, b) => row[a] - row[b] || a - b).slice(0, 15);
      expect(Array.from(affinities.neighbourIndices.subarray(15 * i, 15 * (i + 1)))).toEqual(expected);
      for (let n = 1; n < 15; n++) expect(affinities.affinities[15 * i + n]).toBeLessThanOrEqual(affinities.affinities[15 * i + n - 1]);
    }
  });

  it('conditionalAffinitiesToReference rejects more neighbours than references and a perplexity at or above them', () => {
    expectLlmapError(() => conditionalAffinitiesToReference(newByRef, 5, 41), 'invalid-argument');
    expectLlmapError(() => conditionalAffinitiesToReference(newByRef, 15, 15), 'invalid-argument');
    expectLlmapError(() => conditionalAffinitiesToReference(newByRef, 5, 0), 'invalid-argument');
  });
});
