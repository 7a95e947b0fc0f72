import type { Matrix } from './matrix.ts';

/** G = Q·Qᵀ for a K×N matrix Q: the K×K inner products of its rows (symmetric, computed once per pair). */
export function gramMatrix(qModelsByTexts: Matrix): Matrix {
  const { rows: modelCount, cols: textCount, values } = qModelsByTexts;
  const gram = new Float64Array(modelCount * modelCount);
  for (let a = 0; a < modelCount; a++) {
    const rowA = values.subarray(a * textCount, (a + 1) * textCount);
    for (let b = a; b < modelCount; b++) {
      const offsetB = b * textCount;
      let dot = 0;
      for (let j = 0; j < textCount; j++) dot += rowA[j] * values[offsetB + j];
      gram[a * modelCount + b] = dot;
      gram[b * modelCount + a] = dot;
    }
  }
  return { rows: modelCount, cols: modelCount, values: gram };
}

/** ‖q_a − q_b‖² = G_aa + G_bb − 2·G_ab for every pair, from a Gram matrix; clamped at 0 against round-off. */
export function squaredDistancesFromGram(gram: Matrix): Matrix {
  const n = gram.rows;
  const g = gram.values;
  const squaredDistances = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      squaredDistances[a * n + b] = a === b ? 0 : Math.max(0, g[a * n + a] + g[b * n + b] - 2 * g[a * n + b]);
    }
  }
  return { rows: n, cols: n, values: squaredDistances };
}
