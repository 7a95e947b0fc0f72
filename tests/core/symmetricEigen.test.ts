import { describe, expect, it } from 'vitest';
import { matrixFromRows } from '../../src/core/matrix.ts';
import { seededRng } from '../../src/core/rng.ts';
import { symmetricEigen } from '../../src/core/symmetricEigen.ts';
import { expectClose } from '../asserts.ts';

describe('symmetricEigen', () => {
  it('symmetricEigen of [[2,1],[1,2]] has values 3 and 1', () => {
    const { values, vectorsByRow } = symmetricEigen(matrixFromRows([[2, 1], [1, 2]]));
    expectClose(values, [3, 1], { relative: 1e-14 });
    const v = vectorsByRow.values;
    expectClose(Math.abs(v[0] * v[1]), 0.5, { relative: 1e-12 });
  });

  it('symmetricEigen satisfies A·v = λ·v with orthonormal vectors on a random 60×60 matrix', () => {
    const n = 60;
    const rng = seededRng(3);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng() - 0.5;
    const { values, vectorsByRow } = symmetricEigen({ rows: n, cols: n, values: a });
    const v = vectorsByRow.values;
    for (let r = 0; r < n; r++) {
      if (r > 0) expect(values[r]).toBeLessThanOrEqual(values[r - 1]);
      for (let i = 0; i < n; i++) {
        let product = 0;
        for (let j = 0; j < n; j++) product += a[i * n + j] * v[r * n + j];
        expectClose(product, values[r] * v[r * n + i], { absolute: 1e-12 });
      }
      for (let s = 0; s <= r; s++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += v[r * n + i] * v[s * n + i];
        expectClose(dot, r === s ? 1 : 0, { absolute: 1e-12 });
      }
    }
  });

  it('symmetricEigen handles a diagonal and a rank-one matrix', () => {
    expectClose(symmetricEigen(matrixFromRows([[1, 0, 0], [0, 5, 0], [0, 0, 3]])).values, [5, 3, 1]);
    expectClose(symmetricEigen(matrixFromRows([[1, 2], [2, 4]])).values, [5, 0], { absolute: 1e-14 });
  });

  it('symmetricEigen rejects a non-square matrix', () => {
    expect(() => symmetricEigen({ rows: 2, cols: 3, values: new Float64Array(6) })).toThrow(/square/);
  });
});
