import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertFolder, writeConvertedModel, type SourceFormat } from '../src/cli/convertCommand.ts';
import { progressPrinter } from '../src/cli/progressBar.ts';
import { BYTE_FALLBACK_MASS } from '../src/convert/charTokenizer.ts';
import type { ConversionRecord } from '../src/convert/convertedModel.ts';
import { buildMap, type ModelMetadata } from '../src/map/buildMap.ts';
import { modelFilesFromFolder } from '../src/scoring/node/folderFiles.ts';
import { jsonlStore, writeRecordsSorted } from '../src/scoring/node/jsonlStore.ts';
import { nodeRuntime } from '../src/scoring/node/nodeRuntime.ts';
import { parseRecordLines } from '../src/scoring/records.ts';
import { openScorer } from '../src/scoring/scoreModel.ts';
import { parseTextLines } from '../src/scoring/textSet.ts';

/**
 * `npm run build:map`: the default map end to end — texts (committed; built first by `npm run build:texts` when absent) → convert the real
 * models in ../shared/artifacts into build/models/ (scores are kept while the converted files are unchanged) → score
 * each into public/maps/default/scores/<id>.jsonl (resumable) → build-map into public/maps/default/.
 *   --smoke       3 models × 20 texts into tests/output/smoke-default-map (what CI runs)
 *   --threads n   onnxruntime threads per model (default 2)
 */
const root = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const threads = Number(args[args.indexOf('--threads') + 1]) || 2;
const artifacts = join(root, '../shared/artifacts');
const mapFolder = join(root, 'public/maps/default');
const out = smoke ? join(root, 'tests/output/smoke-default-map') : mapFolder;
const scoresFolder = join(out, 'scores');

if (!existsSync(artifacts)) {
  process.stderr.write(`No ../shared/artifacts beside the repository: the default map is built from the real models there.\n`);
  process.exit(smoke ? 0 : 1);
}

type Entry = ModelMetadata & { format: SourceFormat };
const allModels = JSON.parse(readFileSync(join(mapFolder, 'models.json'), 'utf8')) as Entry[];
const models = smoke ? allModels.filter((model) => ['tinyllamas-stories260K', 'ml5-charrnn-shakespeare', 'textgenrnn-hacker_news'].includes(model.id)) : allModels;
if (!existsSync(join(mapFolder, 'texts.jsonl'))) {
  process.stderr.write('No texts.jsonl yet: building the text set first (npm run build:texts)…\n');
  const built = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/buildTexts.ts')], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
const textsBytes = readFileSync(join(mapFolder, 'texts.jsonl'));
const allTexts = parseTextLines(textsBytes.toString('utf8'), 'texts.jsonl');
const texts = smoke ? allTexts.slice(0, 20) : allTexts;
const textsJsonl = smoke ? new TextEncoder().encode(texts.map((text) => JSON.stringify(text)).join('\n') + '\n') : new Uint8Array(textsBytes);
mkdirSync(scoresFolder, { recursive: true });

/** What the scores depend on: the converted folder's files (conversion is cheap; scoring is not). */
function folderHash(files: ReadonlyMap<string, Uint8Array>): string {
  const hash = createHash('sha256');
  for (const [path, bytes] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(path).update(bytes);
  return hash.digest('hex');
}

/** Whether a converted folder on disk already holds exactly these files (its scores are then still valid). */
function onDiskMatches(folder: string, files: ReadonlyMap<string, Uint8Array>): boolean {
  return [...files].every(([path, bytes]) => existsSync(join(folder, path)) && Buffer.compare(readFileSync(join(folder, path)), bytes) === 0);
}

const conversions = new Map<string, ConversionRecord>();
for (const [k, model] of models.entries()) {
  const converted = join(root, 'build/models', model.id);
  const conversion = await convertFolder(model.format, join(artifacts, model.id), model.id);
  const key = folderHash(conversion.files);
  const stamp = join(converted, 'llmap-build.json');
  const stampKey = existsSync(stamp) ? (JSON.parse(readFileSync(stamp, 'utf8')) as { key: string }).key : null;
  if (stampKey !== key && onDiskMatches(converted, conversion.files)) writeFileSync(stamp, JSON.stringify({ key }));
  else if (stampKey !== key) {
    process.stderr.write(`[${k + 1}/${models.length}] converted ${model.id} (${model.format}) anew; its old scores, if any, are dropped\n`);
    rmSync(converted, { recursive: true, force: true });
    rmSync(join(scoresFolder, `${model.id}.jsonl`), { force: true });
    writeConvertedModel(converted, conversion);
    writeFileSync(stamp, JSON.stringify({ key }));
  }
  conversions.set(model.id, JSON.parse(readFileSync(join(converted, 'llmap-conversion.json'), 'utf8')) as ConversionRecord);

  const scores = join(scoresFolder, `${model.id}.jsonl`);
  process.stderr.write(`[${k + 1}/${models.length}] scoring ${model.id} on ${texts.length} texts…\n`);
  const scorer = await openScorer(modelFilesFromFolder(converted), { runtime: nodeRuntime({ threads }) });
  try {
    writeRecordsSorted(scores, await scorer.score(texts, { store: jsonlStore(scores), onProgress: progressPrinter() }));
  } finally {
    await scorer.release();
  }
}

let lastStage = '';
const contexts = models.map((model) => `${model.id}: ${conversions.get(model.id)!.contextTokens ?? 'unlimited'} tokens`).join('; ');
const { files, quality } = await buildMap({
  id: smoke ? 'default-smoke' : 'default',
  title: 'llmap default map: 13 real tiny public language models',
  description:
    'Real pretrained tiny public language models — 2 llama2.c Llamas, 6 ml5.js character LSTMs, textgenrnn and 4 of its fine-tunes — ' +
    'scored on 1,320 texts from 11 offline, redistributable domains. No synthetic points.',
  texts,
  textsJsonl,
  models: models.map(({ format, ...metadata }) => ({
    metadata: { ...metadata, format, parameters: conversions.get(metadata.id)!.parameters },
    records: parseRecordLines(readFileSync(join(scoresFolder, `${metadata.id}.jsonl`), 'utf8'), `${metadata.id}.jsonl`),
  })),
  scoring: {
    protocol: "Oyama et al. 2025: each model's own tokenizer with its default special tokens; first token never scored; float64 sums of float32 log-probabilities",
    longTextRule: 'truncate',
    unknownCharacterPolicy: `byte-fallback floor: a character outside a character model's vocabulary is tokenised as its UTF-8 bytes, each with probability ${BYTE_FALLBACK_MASS}/256 (the model's own characters share 1 − ${BYTE_FALLBACK_MASS}); llama2.c models have native byte fallback`,
    notes: [
      `Context per model (texts longer than this are truncated, the paper's rule; textgenrnn conditions on a 40-character window by design): ${contexts}.`,
      'Models placed on this map must be scored the same way: `llmap score` and the app do.',
    ],
  },
  tsne: { iterations: 1000 },
  onProgress: (stage) => {
    if (stage !== lastStage) process.stderr.write(`${stage}…\n`);
    lastStage = stage;
  },
});
for (const [name, bytes] of files) if (name !== 'texts.jsonl' || smoke) writeFileSync(join(out, name), bytes);
process.stderr.write(`Map written to ${out}.\n${JSON.stringify(quality, null, 1)}\n`);
