import { fitMap } from '../src/core/fitMap.ts';
import { place } from '../src/core/place.ts';
import { syntheticMap } from '../tests/fixtures/syntheticMap.ts';
import type { BenchResult } from './result.ts';

/**
 * place() on a synthetic map of the paper's size (K = 1,018 models, N = 10,000 texts), one core, in Node.
 * The map is fitted once (timed too, as a build-time figure); placement is the median of several runs.
 */
export async function benchPlace(): Promise<BenchResult[]> {
  const K = 1018;
  const N = 10_000;
  const synthetic = syntheticMap({ models: K, texts: N, families: 40, categories: 12, seed: 2025 });
  const fitStart = performance.now();
  const frame = fitMap(synthetic.logLikelihoodsModelsByTexts, {
    meanBytesPerText: 972.3,
    categoryOfText: synthetic.categoryOfText,
    categoryNames: synthetic.categoryNames,
    familyByModel: synthetic.familyByModel,
    scores: [{ name: 'score', valueByModel: synthetic.scoreByModel }],
    tsne: { iterations: 1000 },
  });
  const fitMs = performance.now() - fitStart;
  const row = synthetic.newModel(7, 1);
  const partialIndices = Array.from({ length: 1000 }, (_, k) => k * 10);
  const partial = { logLikelihoodsNats: partialIndices.map((j) => row[j]), textIndices: partialIndices };

  const median = (run: () => void, repeats = 5) => {
    run(); // warm-up
    const times = Array.from({ length: repeats }, () => {
      const start = performance.now();
      run();
      return performance.now() - start;
    });
    return times.sort((a, b) => a - b)[Math.floor(repeats / 2)];
  };
  return [
    { name: `fitMap K=${K} N=${N} (build time: frame, PCA, t-SNE 1000 it, ridge CV)`, ms: fitMs },
    { name: `place() K=${K} N=${N}, no bootstrap`, ms: median(() => place(frame, { logLikelihoodsNats: row }, { bootstrapReplicates: 0 })), targetMs: 100 },
    { name: `place() K=${K} N=${N}, 200 bootstrap + 20 t-SNE replicates (default)`, ms: median(() => place(frame, { logLikelihoodsNats: row })), targetMs: 100 },
    { name: `place() K=${K}, partial vector of 1,000 texts (default)`, ms: median(() => place(frame, partial)), targetMs: 100 },
  ];
}
