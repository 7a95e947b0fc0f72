import { benchMapView } from './mapView.bench.ts';
import { benchPlace } from './place.bench.ts';
import { benchScoring } from './scoring.bench.ts';
import type { BenchResult } from './result.ts';
import { benchTsne } from './tsne.bench.ts';

/**
 * `npm run bench`: every figure in one run, side by side, with its ratio to the target where there is one
 * (ratio ≤ 1 meets it). Timings are wall-clock on this machine, one thread; tests never assert them.
 */
const suites: Array<[string, () => Promise<BenchResult[]>]> = [
  ['placement', benchPlace],
  ['t-SNE', benchTsne],
  ['scoring', benchScoring],
  ['map view', benchMapView],
];

const rows: BenchResult[] = [];
for (const [suite, run] of suites) {
  process.stderr.write(`running ${suite}…\n`);
  rows.push(...(await run()));
}
const width = Math.max(...rows.map((r) => r.name.length));
console.log(`${'benchmark'.padEnd(width)}  ${'ms'.padStart(10)}  ${'target ms'.padStart(10)}  ${'ratio'.padStart(7)}`);
for (const r of rows) {
  const target = r.targetMs === undefined ? '' : r.targetMs.toFixed(0);
  const ratio = r.targetMs === undefined ? '' : (r.ms / r.targetMs).toFixed(2);
  console.log(`${r.name.padEnd(width)}  ${r.ms.toFixed(1).padStart(10)}  ${target.padStart(10)}  ${ratio.padStart(7)}`);
}
