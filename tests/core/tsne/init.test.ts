import { describe, expect, it } from 'vitest';
import { isLlmapError } from '../../../src/core/errors.ts';
import { matrix } from '../../../src/core/matrix.ts';
import { medianOfNearestInitialisation, pcaInitialisation } from '../../../src/core/tsne/init.ts';
import { expectClose } from '../../asserts.ts';

describe('pcaInitialisation', () => {
  it('pcaInitialisation scales PC1 to standard deviation 1e-4 and keeps the shape', () => {
    const scores = matrix(4, 2, [3, 1, -1, 2, -3, -2, 1, -1]);
    const positions = pcaInitialisation(scores).values;
    // Column 0 = [3, −1, −3, 1]: mean 0, population std √5.
    const scale = 1e-4 / Math.sqrt(5);
    expectClose(positions, [3, 1, -1, 2, -3, -2, 1, -1].map((score) => score * scale), { relative: 2e-7 });
    for (const value of positions) expect(Math.fround(value)).toBe(value);
    expect(scores.values).toEqual(Float64Array.from([3, 1, -1, 2, -3, -2, 1, -1]));
  });

  it('pcaInitialisation rejects a PC1 without spread', () => {
    try {
      pcaInitialisation(matrix(3, 2, [1, 0, 1, 2, 1, 3]));
      expect.fail('expected an LlmapError');
    } catch (error) {
      expect(isLlmapError(error) && error.code).toBe('invalid-argument');
    }
  });
});

describe('medianOfNearestInitialisation', () => {
  const reference = matrix(5, 2, [0, 0, 10, 1, 20, 5, 30, 2, 40, 9]);
  // New point 0 is nearest references 1, 2, 0, then 3, 4; new point 1 is nearest 4, 3, 2, 1, 0.
  const newByRef = matrix(2, 5, [2, 1, 1.5, 3, 4, 9, 7, 5, 3, 1]);

  it('medianOfNearestInitialisation takes the per-coordinate median of an odd neighbour count', () => {
    // Point 0, k = 3: references 1, 2, 0 → x median of {10, 20, 0} = 10, y median of {1, 5, 0} = 1.
    // Point 1, k = 3: references 4, 3, 2 → x {40, 30, 20} = 30, y {9, 2, 5} = 5.
    expectClose(medianOfNearestInitialisation(reference, newByRef, 3).values, [10, 1, 30, 5], { relative: 0 });
  });

  it('medianOfNearestInitialisation averages the two middle values of an even neighbour count', () => {
    // Point 0, k = 4: references 1, 2, 0, 3 → x {0, 10, 20, 30} → 15, y {0, 1, 2, 5} → 1.5.
    expectClose(medianOfNearestInitialisation(reference, newByRef, 4).values.subarray(0, 2), [15, 1.5], { relative: 0 });
  });

  it('medianOfNearestInitialisation caps k at the reference count (default 25)', () => {
    expectClose(medianOfNearestInitialisation(reference, newByRef).values, [20, 2, 20, 2], { relative: 0 });
  });
});
