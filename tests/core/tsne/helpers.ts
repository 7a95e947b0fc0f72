import type { Matrix } from '../../../src/core/matrix.ts';
import { normalDraw, seededRng } from '../../../src/core/rng.ts';

/** Squared Euclidean distances between the rows of a row-major points×dimensions array. */
export function squaredDistanceMatrix(points: ArrayLike<number>, pointCount: number, dimensions: number): Matrix {
  return squaredDistancesBetween(points, pointCount, points, pointCount, dimensions);
}

/** Squared Euclidean distances from each row of `from` (rows×dims) to each row of `to` (cols×dims). */
export function squaredDistancesBetween(
  from: ArrayLike<number>,
  fromCount: number,
  to: ArrayLike<number>,
  toCount: number,
  dimensions: number,
): Matrix {
  const values = new Float64Array(fromCount * toCount);
  for (let i = 0; i < fromCount; i++) {
    for (let j = 0; j < toCount; j++) {
      let sum = 0;
      for (let d = 0; d < dimensions; d++) {
        const diff = from[i * dimensions + d] - to[j * dimensions + d];
        sum += diff * diff;
      }
      values[i * toCount + j] = sum;
    }
  }
  return { rows: fromCount, cols: toCount, values };
}

/** Seeded points around `clusterCount` centres: `spread` apart centres, unit-variance clusters. */
export function gaussianClusters(
  seed: number,
  clusterCount: number,
  pointsPerCluster: number,
  dimensions: number,
  spread: number,
): { points: Float64Array; labels: Int32Array } {
  const rng = seededRng(seed);
  const centres = Array.from({ length: clusterCount }, () => Array.from({ length: dimensions }, () => spread * normalDraw(rng)));
  const points = new Float64Array(clusterCount * pointsPerCluster * dimensions);
  const labels = new Int32Array(clusterCount * pointsPerCluster);
  for (let c = 0; c < clusterCount; c++) {
    for (let n = 0; n < pointsPerCluster; n++) {
      const i = c * pointsPerCluster + n;
      labels[i] = c;
      for (let d = 0; d < dimensions; d++) points[i * dimensions + d] = centres[c][d] + normalDraw(rng);
    }
  }
  return { points, labels };
}

/** Small random positions (standard deviation `scale`) for `pointCount` points in 2-D. */
export function randomPositions(seed: number, pointCount: number, scale = 1e-4): Matrix {
  const rng = seededRng(seed);
  return { rows: pointCount, cols: 2, values: Float64Array.from({ length: 2 * pointCount }, () => scale * normalDraw(rng)) };
}

/** For each point of a K·2 layout, the set of its k nearest other points. */
export function nearestNeighbourSets(positions: ArrayLike<number>, pointCount: number, k: number): Array<Set<number>> {
  const sets: Array<Set<number>> = [];
  for (let i = 0; i < pointCount; i++) {
    const others: Array<[number, number]> = [];
    for (let j = 0; j < pointCount; j++) {
      if (j === i) continue;
      others.push([(positions[2 * i] - positions[2 * j]) ** 2 + (positions[2 * i + 1] - positions[2 * j + 1]) ** 2, j]);
    }
    others.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    sets.push(new Set(others.slice(0, k).map(([, j]) => j)));
  }
  return sets;
}

/** Entropy (nats) of a probability row, skipping zeros. */
export function entropyNats(row: ArrayLike<number>): number {
  let entropy = 0;
  for (let k = 0; k < row.length; k++) if (row[k] > 0) entropy -= row[k] * Math.log(row[k]);
  return entropy;
}
