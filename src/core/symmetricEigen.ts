import { LlmapError } from './errors.ts';
import { assertFinite, type Matrix } from './matrix.ts';

/**
 * Eigen-decomposition of a real symmetric n×n matrix: Householder reduction to tridiagonal form, then the
 * implicit QL method with shifts (the EISPACK tred2/tql2 scheme). Returns eigenvalues in descending order and
 * the matching unit eigenvectors as rows of `vectorsByRow` (row r belongs to `values[r]`).
 */
export interface SymmetricEigen {
  readonly values: Float64Array;
  readonly vectorsByRow: Matrix;
}

export function symmetricEigen(symmetric: Matrix): SymmetricEigen {
  const n = symmetric.rows;
  if (symmetric.cols !== n) {
    throw new LlmapError('shape-mismatch', `An eigen-decomposition needs a square matrix; got ${symmetric.rows}×${symmetric.cols}.`);
  }
  assertFinite(symmetric.values, 'The matrix to decompose');
  if (n === 0) return { values: new Float64Array(0), vectorsByRow: { rows: 0, cols: 0, values: new Float64Array(0) } };
  const v = Float64Array.from(symmetric.values); // column j of v holds the j-th vector during the reduction
  const diagonal = new Float64Array(n);
  const offDiagonal = new Float64Array(n);
  tridiagonalise(v, n, diagonal, offDiagonal);
  const vectorsByRow = transpose(v, n);
  diagonaliseTridiagonal(vectorsByRow, n, diagonal, offDiagonal);
  return sortDescending(diagonal, vectorsByRow, n);
}

function tridiagonalise(v: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = v[(n - 1) * n + j];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = v[(i - 1) * n + j];
        v[i * n + j] = 0;
        v[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = f > 0 ? -Math.sqrt(h) : Math.sqrt(h);
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        v[j * n + i] = f;
        g = e[j] + v[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[k * n + j] * d[k];
          e[k] += v[k * n + j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) v[k * n + j] -= f * e[k] + g * d[k];
        d[j] = v[(i - 1) * n + j];
        v[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the Householder transformations into v.
  for (let i = 0; i < n - 1; i++) {
    v[(n - 1) * n + i] = v[i * n + i];
    v[i * n + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[k * n + i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += v[k * n + i + 1] * v[k * n + j];
        for (let k = 0; k <= i; k++) v[k * n + j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) v[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = v[(n - 1) * n + j];
    v[(n - 1) * n + j] = 0;
  }
  v[n * n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL on the tridiagonal (d, e); rotations are applied to the rows of w (w = vᵀ, rows are vectors). */
function diagonaliseTridiagonal(w: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let shift = 0;
  let norm = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    norm = Math.max(norm, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * norm) m++;
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > 100) {
          throw new LlmapError('invalid-argument', 'The eigen-decomposition did not converge in 100 iterations per value.');
        }
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        shift += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          const rowI = i * n;
          const rowNext = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            const next = w[rowNext + k];
            w[rowNext + k] = s * w[rowI + k] + c * next;
            w[rowI + k] = c * w[rowI + k] - s * next;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * norm);
    }
    d[l] += shift;
    e[l] = 0;
  }
}

function transpose(values: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) out[c * n + r] = values[r * n + c];
  return out;
}

function sortDescending(eigenvalues: Float64Array, w: Float64Array, n: number): SymmetricEigen {
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => eigenvalues[b] - eigenvalues[a] || a - b);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    values[to] = eigenvalues[from];
    vectors.set(w.subarray(from * n, (from + 1) * n), to * n);
  });
  return { values, vectorsByRow: { rows: n, cols: n, values: vectors } };
}
