import { LlmapError } from './errors.ts';

/**
 * A dense row-major matrix: one buffer plus its shape. Variables name the role and orientation
 * (`logLikelihoodsModelsByTexts`, K×N), the type only fixes the layout.
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly values: Float64Array;
}

/** A matrix of numbers, copied into a Float64Array. Throws on a length that does not fit the shape. */
export function matrix(rows: number, cols: number, values: ArrayLike<number>): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new LlmapError('invalid-argument', `A matrix needs whole, non-negative dimensions; got ${rows}×${cols}.`);
  }
  if (values.length !== rows * cols) {
    throw new LlmapError(
      'shape-mismatch',
      `A ${rows}×${cols} matrix needs ${rows * cols} values, but ${values.length} were given.`,
      { rows, cols, length: values.length },
    );
  }
  return { rows, cols, values: Float64Array.from(values) };
}

/** A matrix from an array of equal-length rows (convenient in tests and importers, not in hot paths). */
export function matrixFromRows(rowsOfValues: ReadonlyArray<ArrayLike<number>>): Matrix {
  const rows = rowsOfValues.length;
  const cols = rows === 0 ? 0 : rowsOfValues[0].length;
  const values = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = rowsOfValues[i];
    if (row.length !== cols) {
      throw new LlmapError('shape-mismatch', `Row ${i} has ${row.length} values; row 0 has ${cols}. Every row must have the same length.`);
    }
    values.set(row, i * cols);
  }
  return { rows, cols, values };
}

/** Row i as a view (no copy) into the matrix buffer. Do not write through it. */
export function rowView(m: Matrix, i: number): Float64Array {
  return m.values.subarray(i * m.cols, (i + 1) * m.cols);
}

/** Throws a non-finite-value error naming `what` and the first bad index when any value is NaN or ±Infinity. */
export function assertFinite(values: ArrayLike<number>, what: string): void {
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k])) {
      throw new LlmapError(
        'non-finite-value',
        `${what} contains ${values[k]} at position ${k}; every value must be a finite number. ` +
          'Check the scorer output for NaN logits or a failed text.',
        { index: k, value: values[k] },
      );
    }
  }
}

/** Throws a shape-mismatch error when `actual` differs from `expected`. */
export function assertLength(actual: number, expected: number, what: string): void {
  if (actual !== expected) {
    throw new LlmapError('shape-mismatch', `${what} has ${actual} entries, but ${expected} were expected.`, { actual, expected });
  }
}
