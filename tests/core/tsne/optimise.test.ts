import { describe, expect, it } from 'vitest';
import type { Matrix } from '../../../src/core/matrix.ts';
import { jointAffinities } from '../../../src/core/tsne/affinities.ts';
import { initTsne, klDivergence, klDivergenceGradient, stepTsne, tsnePositions } from '../../../src/core/tsne/optimise.ts';
import { expectClose } from '../../asserts.ts';
import { gaussianClusters, randomPositions, squaredDistanceMatrix } from './helpers.ts';

const pointCount = 30;
const { points } = gaussianClusters(5, 3, 10, 5, 3);
const affinities = jointAffinities(squaredDistanceMatrix(points, pointCount, 5), 8);

function withPosition(positions: Matrix, index: number, delta: number): Matrix {
  const values = Float64Array.from(positions.values);
  values[index] += delta;
  return { rows: positions.rows, cols: 2, values };
}

describe('klDivergenceGradient', () => {
  it('klDivergenceGradient matches central finite differences of klDivergence', () => {
    const positions = randomPositions(9, pointCount, 1.5);
    const gradient = klDivergenceGradient(affinities, positions).values;
    const step = 1e-6;
    const numeric = Array.from(gradient, (_, k) => {
      const ahead = klDivergence(affinities, withPosition(positions, k, step));
      const behind = klDivergence(affinities, withPosition(positions, k, -step));
      return (ahead - behind) / (2 * step);
    });
    const largest = Math.max(...numeric.map(Math.abs));
    expectClose(gradient, numeric, { relative: 1e-5, absolute: 1e-6 * largest });
  });

  it('klDivergenceGradient with exaggeration α scales only the attraction', () => {
    const positions = randomPositions(4, pointCount, 2);
    const plain = klDivergenceGradient(affinities, positions).values;
    const doubled = klDivergenceGradient(affinities, positions, 2).values;
    const tripled = klDivergenceGradient(affinities, positions, 3).values;
    // Linear in α: g(3) − g(2) = g(2) − g(1).
    expectClose(
      Array.from(tripled, (value, k) => value - doubled[k]),
      Array.from(doubled, (value, k) => value - plain[k]),
      { relative: 1e-9, absolute: 1e-15 },
    );
  });

  it('klDivergenceGradient sums to zero over the points (translation invariance)', () => {
    const gradient = klDivergenceGradient(affinities, randomPositions(2, pointCount, 3)).values;
    let sumX = 0;
    let sumY = 0;
    for (let i = 0; i < pointCount; i++) {
      sumX += gradient[2 * i];
      sumY += gradient[2 * i + 1];
    }
    expect(Math.abs(sumX) + Math.abs(sumY)).toBeLessThan(1e-14);
  });
});

describe('initTsne and stepTsne', () => {
  it('stepTsne in uneven pieces equals one run of the same length', () => {
    const initial = randomPositions(1, pointCount);
    const whole = initTsne(affinities, initial, { iterations: 400 });
    stepTsne(whole, 400);
    const pieces = initTsne(affinities, initial, { iterations: 400 });
    for (const size of [7, 243, 1, 60, 200]) stepTsne(pieces, size);
    expect(pieces.iteration).toBe(400);
    expect(pieces.stopReason).toBe('iterations');
    expect(tsnePositions(pieces).values).toEqual(tsnePositions(whole).values);
    expect(pieces.klDivergence).toBe(whole.klDivergence);
  });

  it('initTsne copies its inputs and stepTsne never writes to them', () => {
    const initial = randomPositions(3, pointCount);
    const initialCopy = Float64Array.from(initial.values);
    const affinitiesCopy = Float64Array.from(affinities.values);
    const state = initTsne(affinities, initial, { iterations: 300 });
    stepTsne(state, 300);
    expect(initial.values).toEqual(initialCopy);
    expect(affinities.values).toEqual(affinitiesCopy);
    const snapshot = tsnePositions(state);
    snapshot.values[0] = 123;
    expect(state.positions[0]).not.toBe(123);
  });

  it("initTsne resolves learningRate 'auto' as max(K / exaggeration / 4, 50)", () => {
    const initial = randomPositions(3, pointCount);
    expect(initTsne(affinities, initial).settings.learningRate).toBe(50);
    expect(initTsne(affinities, initial, { earlyExaggeration: 0.1 }).settings.learningRate).toBe(75);
    expect(initTsne(affinities, initial, { learningRate: 10 }).settings.learningRate).toBe(10);
  });

  it('stepTsne stops on a small gradient norm only after the early phase, at a 50-iteration check', () => {
    const state = initTsne(affinities, randomPositions(6, pointCount), { minGradientNorm: 1e9 });
    stepTsne(state, 1000);
    // The check at iteration 50 ends the early phase; the next check (iteration 100) ends the run.
    expect(state.iteration).toBe(100);
    expect(state.stopReason).toBe('gradient-norm');
  });

  it('stepTsne lowers the KL divergence from a random start', () => {
    const state = initTsne(affinities, randomPositions(8, pointCount), { iterations: 500 });
    stepTsne(state, 300);
    const early = klDivergence(affinities, tsnePositions(state));
    stepTsne(state, 200);
    expect(klDivergence(affinities, tsnePositions(state))).toBeLessThan(early);
  });
});
