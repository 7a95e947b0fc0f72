import { normalDraw, seededRng } from '../../src/core/rng.ts';
import type { MapPoint, PlacedModel } from '../../src/ui/mapView/index.ts';

/**
 * Map points for the map view's test page and benchmark: a small hand-made map of 13 models (one with a hostile
 * name) and seeded synthetic clusters of any size. Synthetic: nothing here is a real measurement.
 */
export const HOSTILE_NAME = '<img src=x onerror=window.pwned=1>';

const SMALL: ReadonlyArray<[string, string, number | null, [number, number], [number, number], number]> = [
  ['gpt2', 'gpt2', 124e6, [-32, 14], [-4.1, 1.2], -412],
  ['gpt2-medium', 'gpt2', 355e6, [-27, 19], [-3.2, 1.6], -398],
  ['gpt2-large', 'gpt2', 774e6, [-22, 15], [-2.6, 1.1], -389],
  ['gpt2-xl', 'gpt2', 1.5e9, [-19, 22], [-2.1, 1.9], -381],
  ['pythia-70m', 'pythia', 70e6, [4, -24], [-1.2, -3.4], -455],
  ['pythia-160m', 'pythia', 160e6, [9, -19], [-0.6, -2.7], -430],
  ['pythia-410m', 'pythia', 410e6, [14, -25], [0.3, -2.9], -404],
  ['pythia-1b', 'pythia', 1.0e9, [19, -17], [1.0, -2.2], -391],
  ['Llama-2-7b', 'llama', 6.7e9, [28, 18], [3.6, 1.7], -352],
  ['Llama-2-13b', 'llama', 13e9, [33, 24], [4.2, 2.3], -345],
  ['opt-125m', 'opt', 125e6, [-6, 4], [-1.9, -0.3], -420],
  ['opt-350m', 'opt', 331e6, [-1, 9], [-1.1, 0.2], -408],
  [HOSTILE_NAME, 'unknown <b>family</b>', null, [-12, -8], [-2.4, -1.3], -440],
];

const CATEGORIES = ['web', 'code', 'books', 'papers', 'wiki'];

export function smallMapPoints(): MapPoint[] {
  return SMALL.map(([name, family, parameters, tsne, pca, meanLogLikelihoodNats], i) => ({
    id: `model-${i}`,
    name,
    family,
    parameters,
    trainingData: family === 'pythia' ? 'The Pile' : family === 'llama' ? 'undisclosed web mix' : null,
    meanLogLikelihoodNats,
    primaryCategory: CATEGORIES[i % CATEGORIES.length],
    tsne,
    pca,
    scores: (i % 4 === 3 ? {} : { mmlu: 0.25 + 0.02 * i }) as Record<string, number>,
  }));
}

/** A new model between gpt2-large and opt-350m, linked to its three nearest, provisional or not. */
export function smallPlacedModel(provisional: boolean): PlacedModel {
  return {
    id: 'new-model',
    label: 'my-model (yours)',
    tsne: { x: -14, y: 11, ellipse: { centreX: -14, centreY: 11, semiMajor: 6, semiMinor: 3, angleRadians: 0.5 } },
    pca: { x: -1.8, y: 0.7, ellipse: { centreX: -1.8, centreY: 0.7, semiMajor: 0.6, semiMinor: 0.3, angleRadians: 0.5 } },
    nearest: [
      { index: 2, klNatsPerText: 0.0412, klBitsPerByte: 0.00198 },
      { index: 11, klNatsPerText: 0.0587, klBitsPerByte: 0.00283 },
      { index: 1, klNatsPerText: 0.0731, klBitsPerByte: 0.00352 },
    ],
    provisional,
    offMap: false,
  };
}

/** Seeded clusters: `count` points in `clusterCount` Gaussian blobs, families by cluster, sizes log-uniform. */
export function syntheticMapPoints(count: number, seed = 7, clusterCount = 12): MapPoint[] {
  const rng = seededRng(seed);
  const centres = Array.from({ length: clusterCount }, () => [40 * normalDraw(rng), 40 * normalDraw(rng)] as const);
  const spreads = Array.from({ length: clusterCount }, () => 3 + 6 * rng());
  const points: MapPoint[] = [];
  for (let i = 0; i < count; i++) {
    const cluster = Math.floor(rng() * clusterCount);
    const [cx, cy] = centres[cluster];
    const x = cx + spreads[cluster] * normalDraw(rng);
    const y = cy + spreads[cluster] * normalDraw(rng);
    points.push({
      id: `synthetic-${i}`,
      name: `synthetic-${cluster}-${i}`,
      family: `family-${cluster}`,
      parameters: rng() < 0.1 ? null : 10 ** (7 + 4 * rng()),
      trainingData: null,
      meanLogLikelihoodNats: -300 - 150 * rng(),
      primaryCategory: CATEGORIES[cluster % CATEGORIES.length],
      tsne: [x, y],
      pca: [0.05 * (x + y) + 0.3 * normalDraw(rng), 0.04 * (x - y)],
      scores: {},
    });
  }
  return points;
}
