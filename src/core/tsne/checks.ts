import { LlmapError } from '../errors.ts';
import { assertFinite, type Matrix } from '../matrix.ts';

/**
 * Entry checks shared by the t-SNE stages. Each throws an LlmapError whose message names the argument,
 * gives the numbers that disagree and says what to pass instead.
 */

/** Throws unless `m` is rows×cols (either may be `undefined` to accept any count). */
export function assertShape(m: Matrix, rows: number | undefined, cols: number | undefined, what: string): void {
  if ((rows !== undefined && m.rows !== rows) || (cols !== undefined && m.cols !== cols)) {
    const expected = `${rows ?? 'any'}×${cols ?? 'any'}`;
    throw new LlmapError('shape-mismatch', `${what} is ${m.rows}×${m.cols}, but a ${expected} matrix was expected.`, {
      rows: m.rows,
      cols: m.cols,
      expectedRows: rows,
      expectedCols: cols,
    });
  }
}

/** Throws unless every value is finite and ≥ 0 (squared distances). */
export function assertSquaredDistances(m: Matrix, what: string): void {
  assertFinite(m.values, what);
  for (let k = 0; k < m.values.length; k++) {
    if (m.values[k] < 0) {
      const row = Math.floor(k / m.cols);
      const col = k % m.cols;
      throw new LlmapError(
        'invalid-argument',
        `${what} holds ${m.values[k]} at row ${row}, column ${col}; squared distances must be ≥ 0. ` +
          'Clamp rounding noise with Math.max(0, d) before calling.',
        { row, col, value: m.values[k] },
      );
    }
  }
}

/** Throws unless `value` is a finite number greater than `above` (and, if given, at most `atMost`). */
export function assertNumberInRange(value: number, what: string, above: number, atMost = Infinity): void {
  if (!Number.isFinite(value) || value <= above || value > atMost) {
    const range = atMost === Infinity ? `greater than ${above}` : `in (${above}, ${atMost}]`;
    throw new LlmapError('invalid-argument', `${what} must be a finite number ${range}; got ${value}.`, { value });
  }
}

/** Throws unless `value` is a whole number ≥ `atLeast`. */
export function assertCount(value: number, what: string, atLeast: number): void {
  if (!Number.isInteger(value) || value < atLeast) {
    throw new LlmapError('invalid-argument', `${what} must be a whole number ≥ ${atLeast}; got ${value}.`, { value });
  }
}
