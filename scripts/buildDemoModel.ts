import { fileURLToPath } from 'node:url';
import { buildDemoModel } from './demoModel/demoModelFolder.ts';

/**
 * `npm run build:demo` (and `prestart`, `prebuild`): trains the demo byte bigram on llmap's own prose and writes it
 * to public/models/demo-bigram/ (git-ignored build output), for the app's "Try the demo model" button.
 */
const started = performance.now();
const root = fileURLToPath(new URL('../', import.meta.url));
const { folder, manifest, written } = buildDemoModel(root);
const elapsedMs = performance.now() - started;
process.stderr.write(
  `Demo model ${manifest.id}: trained on ${manifest.training.corpusFiles} files (${manifest.training.corpusBytes} bytes); ` +
    `${written.length === 0 ? 'unchanged' : `wrote ${written.join(', ')}`} in ${folder} (${elapsedMs.toFixed(0)} ms).\n`,
);
