import { expect } from 'vitest';

/** One tolerance assertion for floats: |actual − expected| ≤ absolute + relative·|expected|, element by element. */
export function expectClose(
  actual: number | ArrayLike<number>,
  expected: number | ArrayLike<number>,
  tolerance: { absolute?: number; relative?: number } = {},
): void {
  const absolute = tolerance.absolute ?? 0;
  const relative = tolerance.relative ?? 1e-9;
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected);
  expect(a.length, 'length').toBe(e.length);
  let worst = -1;
  let worstExcess = 0;
  for (let k = 0; k < a.length; k++) {
    const excess = Math.abs(a[k] - e[k]) - (absolute + relative * Math.abs(e[k]));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = k;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(`element ${worst}: ${a[worst]} differs from ${e[worst]} beyond ${absolute} + ${relative}·|expected|`);
  }
}
