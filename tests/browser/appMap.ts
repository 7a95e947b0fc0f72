import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildMap, type ModelMetadata } from '../../src/map/buildMap.ts';
import { modelFilesFromFolder } from '../../src/scoring/node/folderFiles.ts';
import { nodeRuntime } from '../../src/scoring/node/nodeRuntime.ts';
import type { ScoreRecord } from '../../src/scoring/records.ts';
import { scoreModel } from '../../src/scoring/scoreModel.ts';
import { parseTextLines } from '../../src/scoring/textSet.ts';
import { demoCorpus } from '../../scripts/demoModel/demoCorpus.ts';
import { demoModelFiles } from '../../scripts/demoModel/demoModelFolder.ts';
import { trainByteBigram } from '../../scripts/demoModel/trainByteBigram.ts';
import { ensureFixtureModels } from '../fixtures/makeModels.ts';

/**
 * A small map the app tests control, built in Node the way build-map builds the default one: the first texts of the
 * default map's text set, scored by the tiny fixture decoders and by byte bigrams trained on different slices of
 * the repository's own prose (so the demo model has real neighbours). One model carries a hostile HTML name; every
 * model carries a made-up "toy score" so the map has a predictor. Deterministic.
 */

export const HOSTILE_NAME = '<img src=x onerror=window.pwned=1>';
export const APP_MAP_ID = 'app-test';

export interface AppTestMap {
  readonly folder: string;
  readonly modelIds: readonly string[];
  readonly textCount: number;
  /** Model folders written for the tests (bigram variants), by id. */
  readonly modelFolders: Readonly<Record<string, string>>;
  /** Each reference's records as onnxruntime-node scored them, by id. */
  readonly recordsById: Readonly<Record<string, readonly ScoreRecord[]>>;
}

export async function buildAppTestMap(repoRoot: string, outDir: string, textCount = 44): Promise<AppTestMap> {
  const fixtures = Object.fromEntries(ensureFixtureModels().map(({ spec, folder }) => [spec.name, folder]));
  const modelsDir = join(outDir, 'models');
  const mapDir = join(outDir, 'map');
  rmSync(mapDir, { recursive: true, force: true });
  mkdirSync(mapDir, { recursive: true });

  const corpus = demoCorpus(repoRoot);
  const readme = corpus.filter((document) => document.path.endsWith('README.md')).map((document) => document.bytes);
  const comments = corpus.filter((document) => document.path.startsWith('src/')).map((document) => document.bytes);
  const encoder = new TextEncoder();
  const code = corpus
    .filter((document) => document.path.startsWith('src/'))
    .map((document) => encoder.encode(stripComments(readFileSync(join(repoRoot, document.path), 'utf8'))));
  const bigrams: Record<string, { documents: Uint8Array[]; alpha: number }> = {
    'bigram-readme': { documents: readme, alpha: 0.1 },
    'bigram-comments': { documents: comments, alpha: 0.1 },
    'bigram-smooth': { documents: [...readme, ...comments], alpha: 20 },
    'bigram-code': { documents: code, alpha: 0.1 },
  };
  const modelFolders: Record<string, string> = {};
  for (const [id, { documents, alpha }] of Object.entries(bigrams)) {
    const folder = join(modelsDir, id);
    const files = demoModelFiles(trainByteBigram(documents, alpha), { files: documents.length, bytes: documents.reduce((sum, d) => sum + d.length, 0) });
    for (const [path, bytes] of files) {
      mkdirSync(join(folder, path, '..'), { recursive: true });
      writeFileSync(join(folder, path), bytes);
    }
    modelFolders[id] = folder;
  }

  const allLines = readFileSync(join(repoRoot, 'public/maps/default/texts.jsonl'), 'utf8').trim().split('\n');
  const textsJsonl = encoder.encode(`${allLines.slice(0, textCount).join('\n')}\n`);
  const texts = parseTextLines(new TextDecoder().decode(textsJsonl));
  const references: Array<{ id: string; folder: string; meta: Partial<ModelMetadata> }> = [
    { id: 'tiny-gpt2-byte', folder: fixtures['tiny-gpt2-byte'], meta: { family: 'random-init fixture', parameters: 30_000 } },
    { id: 'tiny-gpt2-bpe', folder: fixtures['tiny-gpt2-bpe'], meta: { family: 'random-init fixture', parameters: 3_300_000 } },
    { id: 'tiny-llama-byte-kv', folder: fixtures['tiny-llama-byte-kv'], meta: { family: 'random-init fixture', parameters: 30_000 } },
    { id: 'torch-decoder', folder: join(repoRoot, 'tests/fixtures/torch-decoder'), meta: { family: 'PyTorch fixture', parameters: 20_000 } },
    { id: 'bigram-readme', folder: modelFolders['bigram-readme'], meta: { family: 'byte bigram', parameters: 67_081 } },
    { id: 'bigram-comments', folder: modelFolders['bigram-comments'], meta: { family: 'byte bigram', parameters: 67_081 } },
    { id: 'bigram-smooth', folder: modelFolders['bigram-smooth'], meta: { family: 'byte bigram', parameters: 67_081 } },
    { id: 'bigram-code', folder: modelFolders['bigram-code'], meta: { family: 'byte bigram', parameters: 67_081, name: HOSTILE_NAME } },
  ];
  const runtime = nodeRuntime();
  const models: Array<{ metadata: ModelMetadata; records: ScoreRecord[] }> = [];
  for (const [k, reference] of references.entries()) {
    const records = await scoreModel(modelFilesFromFolder(reference.folder), texts, { runtime });
    models.push({
      metadata: {
        id: reference.id,
        name: reference.id,
        family: 'fixture',
        parent: null,
        trainingData: 'test fixture',
        source: 'llmap test fixture',
        licence: 'MIT',
        scores: { 'toy score': 40 + 7 * k - (k % 3) * 5 },
        ...reference.meta,
      } as ModelMetadata,
      records,
    });
  }
  const { files } = await buildMap({
    id: APP_MAP_ID,
    title: 'App test map',
    description: 'A small map for the app tests: tiny fixture decoders and byte bigrams on 44 texts.',
    texts,
    textsJsonl,
    models,
    scoring: { protocol: 'llmap default', longTextRule: 'truncate', unknownCharacterPolicy: 'none', notes: [] },
    tsne: { iterations: 300 },
  });
  for (const [name, bytes] of files) writeFileSync(join(mapDir, name), bytes);
  const recordsById = Object.fromEntries(models.map((model) => [model.metadata.id, model.records]));
  return { folder: mapDir, modelIds: references.map((reference) => reference.id), textCount: texts.length, modelFolders, recordsById };
}

/** Source text without its comments (the bigram-code model's training text). */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(?<![:'"`\\])\/\/[^\n]*/g, '');
}
