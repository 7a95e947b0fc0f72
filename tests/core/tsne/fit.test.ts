import { describe, expect, it } from 'vitest';
import { fitTsne } from '../../../src/core/tsne/fit.ts';
import { gaussianClusters, nearestNeighbourSets, randomPositions, squaredDistanceMatrix } from './helpers.ts';

const clusterCount = 3;
const pointsPerCluster = 25;
const pointCount = clusterCount * pointsPerCluster;
const { points, labels } = gaussianClusters(21, clusterCount, pointsPerCluster, 10, 8);
const sqDistances = squaredDistanceMatrix(points, pointCount, 10);

describe('fitTsne', () => {
  it('fitTsne separates three well-separated Gaussian clusters (5-NN purity)', () => {
    const fit = fitTsne(sqDistances, randomPositions(1, pointCount), { perplexity: 15 });
    expect(fit.iterations).toBe(1000);
    expect(fit.klDivergence).toBeGreaterThan(0);
    const neighbours = nearestNeighbourSets(fit.positions.values, pointCount, 5);
    let sameCluster = 0;
    for (let i = 0; i < pointCount; i++) for (const j of neighbours[i]) if (labels[j] === labels[i]) sameCluster++;
    expect(sameCluster / (5 * pointCount)).toBe(1);
  });

  it('fitTsne is deterministic for the same inputs', () => {
    const initial = randomPositions(7, pointCount);
    const first = fitTsne(sqDistances, initial, { perplexity: 10, iterations: 300 });
    const second = fitTsne(sqDistances, initial, { perplexity: 10, iterations: 300 });
    expect(second.positions.values).toEqual(first.positions.values);
    expect(second.klDivergence).toBe(first.klDivergence);
  });

  it('fitTsne reports progress every 50 iterations and leaves its inputs alone', () => {
    const initial = randomPositions(2, pointCount);
    const initialCopy = Float64Array.from(initial.values);
    const distancesCopy = Float64Array.from(sqDistances.values);
    const reports: Array<[number, number]> = [];
    fitTsne(sqDistances, initial, { perplexity: 10, iterations: 300, onProgress: (iteration, kl) => reports.push([iteration, kl]) });
    expect(reports.map(([iteration]) => iteration)).toEqual([50, 100, 150, 200, 250, 300]);
    for (const [, kl] of reports) expect(Number.isFinite(kl)).toBe(true);
    expect(initial.values).toEqual(initialCopy);
    expect(sqDistances.values).toEqual(distancesCopy);
  });
});
