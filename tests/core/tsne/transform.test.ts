import { describe, expect, it } from 'vitest';
import type { Matrix } from '../../../src/core/matrix.ts';
import { conditionalAffinitiesToReference } from '../../../src/core/tsne/affinities.ts';
import { fitTsne } from '../../../src/core/tsne/fit.ts';
import { partialKlDivergence, writePartialGradient } from '../../../src/core/tsne/partialObjective.ts';
import { transformTsne } from '../../../src/core/tsne/transform.ts';
import { expectClose } from '../../asserts.ts';
import { gaussianClusters, randomPositions, squaredDistanceMatrix, squaredDistancesBetween } from './helpers.ts';

const dimensions = 8;
const referenceCount = 60;
const newCount = 6;
// 22 points in each of 3 clusters: the first 20 of each are references, the last 2 are new.
const { points, labels } = gaussianClusters(31, 3, 22, dimensions, 6);
const referenceRows: number[] = [];
const newRows: number[] = [];
for (let i = 0; i < labels.length; i++) (i % 22 < 20 ? referenceRows : newRows).push(i);
const pick = (rows: number[]): Float64Array => Float64Array.from(rows.flatMap((i) => Array.from(points.subarray(i * dimensions, (i + 1) * dimensions))));
const referencePoints = pick(referenceRows);
const newPoints = pick(newRows);
const referenceLabels = referenceRows.map((i) => labels[i]);
const newLabels = newRows.map((i) => labels[i]);

const referenceFit = fitTsne(squaredDistanceMatrix(referencePoints, referenceCount, dimensions), randomPositions(5, referenceCount), { perplexity: 10 });
const reference = referenceFit.positions;
const newByRef = squaredDistancesBetween(newPoints, newCount, referencePoints, referenceCount, dimensions);

function rowsOf(m: Matrix, rows: number[]): Matrix {
  return { rows: rows.length, cols: m.cols, values: Float64Array.from(rows.flatMap((r) => Array.from(m.values.subarray(r * m.cols, (r + 1) * m.cols)))) };
}

function distance(positions: Float64Array, i: number, x: number, y: number): number {
  return Math.hypot(positions[2 * i] - x, positions[2 * i + 1] - y);
}

describe('transformTsne', () => {
  it('transformTsne places a reference point (its own distance row) near that point', () => {
    const ownRows = squaredDistanceMatrix(referencePoints, referenceCount, dimensions);
    const placed = transformTsne(reference, ownRows).positions.values;
    const ownDistances: number[] = [];
    const nearestSpacings: number[] = [];
    for (let i = 0; i < referenceCount; i++) {
      const x = placed[2 * i];
      const y = placed[2 * i + 1];
      const ownDistance = distance(reference.values, i, x, y);
      ownDistances.push(ownDistance);
      let spacing = Infinity;
      for (let j = 0; j < referenceCount; j++) {
        if (j !== i) spacing = Math.min(spacing, distance(reference.values, j, reference.values[2 * i], reference.values[2 * i + 1]));
        // Always nearer to itself than to any reference of another cluster.
        if (referenceLabels[j] !== referenceLabels[i]) expect(distance(reference.values, j, x, y)).toBeGreaterThan(ownDistance);
      }
      nearestSpacings.push(spacing);
    }
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1];
    // Measured: median 0.05 map units against a median nearest-neighbour spacing of 0.70 (map width ~45);
    // 53 of 60 land nearer to themselves than to any other reference; the worst is 2.4 units off. The
    // transform's perplexity (5) is not the fit's (10), so a point need not return exactly to its place.
    expect(median(ownDistances)).toBeLessThan(0.25 * median(nearestSpacings));
    expect(Math.max(...ownDistances)).toBeLessThan(4);
  });

  it('transformTsne puts held-out points among the references of their own cluster', () => {
    const placed = transformTsne(reference, newByRef).positions.values;
    for (let i = 0; i < newCount; i++) {
      let nearest = 0;
      for (let j = 1; j < referenceCount; j++) {
        if (distance(reference.values, j, placed[2 * i], placed[2 * i + 1]) < distance(reference.values, nearest, placed[2 * i], placed[2 * i + 1])) nearest = j;
      }
      expect(referenceLabels[nearest]).toBe(newLabels[i]);
    }
  });

  it('transformTsne placing new points one at a time equals placing them together', () => {
    const together = transformTsne(reference, newByRef);
    for (let i = 0; i < newCount; i++) {
      const alone = transformTsne(reference, rowsOf(newByRef, [i]));
      expect(alone.positions.values).toEqual(together.positions.values.subarray(2 * i, 2 * i + 2));
      expect(alone.klDivergencePerPoint[0]).toBe(together.klDivergencePerPoint[i]);
    }
  });

  it('transformTsne never changes the reference embedding or the distances', () => {
    const referenceCopy = Float64Array.from(reference.values);
    const distancesCopy = Float64Array.from(newByRef.values);
    transformTsne(reference, newByRef);
    expect(reference.values).toEqual(referenceCopy);
    expect(newByRef.values).toEqual(distancesCopy);
  });

  it('transformTsne uses openTSNE neighbour counts: ⌊3·perplexity⌋, perplexity lowered to (K − 1)/3 on small maps', () => {
    expect(transformTsne(reference, newByRef)).toMatchObject({ perplexity: 5, neighbours: 15 });
    const small = rowsOf(reference, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const smallDistances: Matrix = { rows: 1, cols: 10, values: newByRef.values.slice(0, 10) };
    expect(transformTsne(small, smallDistances)).toMatchObject({ perplexity: 3, neighbours: 9 });
  });

  it('transformTsne keeps points inside the disc of the padded reference extent', () => {
    let minX = Infinity;
    let maxX = -Infinity;
    let minY = Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < referenceCount; i++) {
      minX = Math.min(minX, reference.values[2 * i]);
      maxX = Math.max(maxX, reference.values[2 * i]);
      minY = Math.min(minY, reference.values[2 * i + 1]);
      maxY = Math.max(maxY, reference.values[2 * i + 1]);
    }
    const radius = 1.25 * Math.max(maxX - minX, maxY - minY) / 2;
    const farAway: Matrix = { rows: 1, cols: 2, values: Float64Array.from([1e6, -1e6]) };
    const placed = transformTsne(reference, rowsOf(newByRef, [0]), { initialisation: { kind: 'positions', positions: farAway } }).positions.values;
    expect(Math.hypot(placed[0] - (minX + maxX) / 2, placed[1] - (minY + maxY) / 2)).toBeLessThanOrEqual(radius * (1 + 1e-12));
  });
});

describe('writePartialGradient', () => {
  it('writePartialGradient is half the finite-difference gradient of partialKlDivergence', () => {
    const affinities = conditionalAffinitiesToReference(newByRef, 5, 15);
    const gradient = new Float64Array(2);
    const step = 1e-6;
    for (let i = 0; i < newCount; i++) {
      const x = reference.values[0] + 0.7 * i;
      const y = reference.values[1] - 0.3 * i;
      writePartialGradient(reference.values, affinities, i, x, y, 1, gradient);
      const numericX = (partialKlDivergence(reference.values, affinities, i, x + step, y) - partialKlDivergence(reference.values, affinities, i, x - step, y)) / (2 * step);
      const numericY = (partialKlDivergence(reference.values, affinities, i, x, y + step) - partialKlDivergence(reference.values, affinities, i, x, y - step)) / (2 * step);
      expectClose([2 * gradient[0], 2 * gradient[1]], [numericX, numericY], { relative: 1e-5, absolute: 1e-8 });
    }
  });
});
