import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { quantile } from '../../src/core/quantile.ts';
import { buildMap, type BuildMapInput } from '../../src/map/buildMap.ts';
import { loadMap } from '../../src/map/loadMap.ts';
import { importModelmap, type ModelmapFiles } from '../../src/map/modelmapImport.ts';
import type { MapManifest } from '../../src/map/schema.ts';
import { parseTextLines } from '../../src/scoring/textSet.ts';
import { expectClose } from '../asserts.ts';

// Fixtures: tests/fixtures/make_modelmap_pickles.py (8 models × 40 texts in the release's structure).
const root = fileURLToPath(new URL('../../', import.meta.url));
const folder = `${root}tests/fixtures/modelmap/`;
const fixture = (name: string) => new Uint8Array(readFileSync(`${folder}${name}`));
const expected = JSON.parse(readFileSync(`${folder}expected.json`, 'utf8')) as {
  modelNames: string[];
  modelTypes: string[];
  clipThresholdNats: number;
  rawModelsByTexts: number[][];
  clippedModelsByTexts: number[][];
  float32ModelsByTexts: number[][];
  meanLogp: number[];
  downloads: number[];
  scores: Array<Record<string, number | null>>;
};
const textsJsonl = fixture('texts-40-pile.jsonl');
const texts = parseTextLines(new TextDecoder().decode(textsJsonl), 'texts-40-pile.jsonl');
const files: ModelmapFiles = { modelData: fixture('model-data-8.pkl'), modelDataName: 'model-data-8.pkl', nameTypeColor: fixture('name-type-color-8.pkl'), nameTypeColorName: 'name-type-color-8.pkl', texts };
const imported = importModelmap(files);
const vectors = (input: Pick<BuildMapInput, 'models'>) => input.models.map((model) => model.records.map((record) => record.logLikelihoodNats));

describe('importModelmap', () => {
  it('importModelmap(model-data) gives every model its stored vector, in release order, paired with texts by index', () => {
    expect(imported.form).toBe('model-data');
    expect(imported.input.models.map((model) => model.metadata.id)).toEqual(expected.modelNames);
    expect(imported.input.models.map((model) => model.metadata.family)).toEqual(expected.modelTypes);
    expect(vectors(imported.input)).toEqual(expected.clippedModelsByTexts);
    for (const model of imported.input.models) expect(model.records.map((record) => record.index)).toEqual(texts.map((_, k) => k));
  });

  it('importModelmap pairs vector position k with the k-th smallest text index, whatever the line order', () => {
    const shuffled = [...texts].reverse();
    const again = importModelmap({ ...files, texts: shuffled });
    expect(again.input.models).toEqual(imported.input.models);
  });

  it('importModelmap describes models: parent from a single base_model tag on the map, licence, source, parameters, scores and extra fields', () => {
    const byId = new Map(imported.input.models.map((model) => [model.metadata.id, model.metadata]));
    expect(byId.get('meta-llama/Llama-2-7b-chat-hf')).toMatchObject({ parent: 'meta-llama/Llama-2-7b-hf', licence: 'llama2', source: 'Hugging Face: meta-llama/Llama-2-7b-chat-hf', parameters: 7e9 });
    expect(byId.get('lmsys/vicuna-7b-v1.5')?.parent).toBe('meta-llama/Llama-2-7b-hf');
    expect(byId.get('Qwen/Qwen2-0.5B-Instruct')?.parent).toBe('Qwen/Qwen2-0.5B');
    expect(imported.input.models.filter((model) => model.metadata.parent === null)).toHaveLength(5);
    const gpt2 = byId.get('openai-community/gpt2')!;
    expect(gpt2).toMatchObject({ name: 'openai-community/gpt2', family: 'gpt2', licence: 'mit', created_at: '2022-03-02T23:29:04+00:00', modeltype_fig1: 'others', modeltype_table7: 'gpt2', trainingData: null });
    expect(gpt2.parameters).toBeCloseTo(0.124e9, 0);
    expect(gpt2.color).toEqual([0.12156862745098039, 0.4666666666666667, 0.7058823529411765, 1]);
    expect(gpt2.tags).toContain('license:mit');
    imported.input.models.forEach(({ metadata }, i) => {
      expect(metadata.downloads).toBe(expected.downloads[i]);
      expect(metadata.mean_logp).toBe(expected.meanLogp[i]);
      const known = Object.fromEntries(Object.entries(expected.scores[i]).filter(([, v]) => v !== null).map(([k, v]) => [k.replace('score_v1_', ''), v]));
      expect(metadata.scores).toEqual(known);
      expect(Object.keys(metadata)).not.toContain('log-likelihood-10k');
    });
    expect(byId.get('EleutherAI/pythia-410m')?.scores).not.toHaveProperty('MMLU'); // None in the release
    expect(gpt2.scores).not.toHaveProperty('GSM8K'); // NaN in the release
    expect(imported.input.scoreRanges).toEqual(Object.fromEntries(['6-taskmean', 'ARC', 'GSM8K', 'HellaSwag', 'MMLU', 'TruthfulQA', 'Winogrande'].map((name) => [name, { min: 0, max: 100 }])));
  });

  it('importModelmap finds the stored model-data matrix already clipped and says how far the paper rule moves τ', () => {
    const clip = imported.storedClip;
    const pooled = expected.clippedModelsByTexts.flat();
    expect(clip).toMatchObject({ alreadyClipped: true, minimumNats: expected.clipThresholdNats, entryCount: 320, entriesAtMinimum: 7 });
    expect(clip.paperThresholdNats).toBe(quantile(pooled, 0.02));
    // Idempotent only approximately: the new τ lies between the stored τ and the next larger stored value.
    const nextAbove = Math.min(...pooled.filter((value) => value > clip.minimumNats));
    expect(clip.paperThresholdNats).toBeGreaterThan(clip.minimumNats);
    expect(clip.paperThresholdNats).toBeLessThanOrEqual(nextAbove);
    expect(imported.input.clipRule).toEqual({ kind: 'quantile', quantile: 0.02 });
    expect(imported.input.scoring.notes.join(' ')).toMatch(/already clipped: 7 of 320 entries.*idempotent only approximately/);
  });

  it('importModelmap(log-likelihood dict) reads raw vectors, finds them unclipped and gets τ as np.quantile did', () => {
    const dict = importModelmap({ modelData: fixture('log-likelihood-8.pkl'), texts });
    expect(dict.form).toBe('log-likelihood-dict');
    expect(dict.input.models.map((model) => model.metadata.id)).toEqual(expected.modelNames);
    expect(dict.input.models.every((model) => model.metadata.family === 'unknown' && model.metadata.scores === undefined)).toBe(true);
    expect(vectors(dict.input)).toEqual(expected.rawModelsByTexts);
    expect(dict.storedClip.alreadyClipped).toBe(false);
    expectClose(dict.storedClip.paperThresholdNats, expected.clipThresholdNats, { relative: 1e-12 });
    expect(dict.input.scoring.notes.join(' ')).toContain('not clipped');
  });

  it('importModelmap(matrix) names a float32 Fortran-order matrix by the name-type file and refuses it without one', () => {
    const matrix = importModelmap({ modelData: fixture('matrix-8.pkl'), nameTypeColor: fixture('name-type-color-8.pkl'), texts });
    expect(matrix.form).toBe('matrix');
    expect(matrix.input.models.map((model) => model.metadata.id)).toEqual(expected.modelNames);
    expect(matrix.input.models.map((model) => model.metadata.family)).toEqual(expected.modelTypes);
    expect(vectors(matrix.input)).toEqual(expected.float32ModelsByTexts);
    expect(() => importModelmap({ modelData: fixture('matrix-8.pkl'), texts })).toThrow(expect.objectContaining({ code: 'shape-mismatch', message: expect.stringContaining('--name-type-pkl') }));
  });

  it('importModelmap rejects vectors whose length is not the number of texts, naming both numbers', () => {
    expect(() => importModelmap({ ...files, texts: texts.slice(0, 39) })).toThrow(expect.objectContaining({ code: 'shape-mismatch', message: expect.stringMatching(/holds 40 log-likelihoods.*has 39 texts/) }));
    expect(() => importModelmap({ ...files, modelData: fixture('name-type-color-8.pkl') })).toThrow(expect.objectContaining({ code: 'unreadable-file' }));
  });

  it('buildMap(importModelmap(…)) makes a map loadMap reads, with the release models, texts and pile_set_name categories', async () => {
    const built = await buildMap({ id: 'modelmap-8', title: 'modelmap fixture', description: '', texts, textsJsonl, ...imported.input, tsne: { iterations: 300 } });
    const loaded = await loadMap(async (file) => built.files.get(file) ?? Promise.reject(new Error(`no ${file}`)));
    const manifest: MapManifest = loaded.manifest;
    expect(manifest.models.map((model) => model.id)).toEqual(expected.modelNames);
    expect(manifest.models.map((model) => model.family)).toEqual(expected.modelTypes);
    expect(manifest.texts.count).toBe(40);
    const pileSets = texts.map((text) => text.category);
    expect(manifest.texts.categories).toEqual([...new Set(pileSets)].sort());
    expect(Array.from(loaded.frame.categoryOfText, (c) => manifest.texts.categories[c])).toEqual(pileSets);
    expect(JSON.parse(readFileSync(`${folder}texts-40-pile.jsonl`, 'utf8').split('\n')[0])).toHaveProperty('pile_set_name', pileSets[0]);
    expect(loaded.textsJsonl).toBe(new TextDecoder().decode(textsJsonl));
    expect(manifest.frame.clipThresholdNats).toBe(imported.storedClip.paperThresholdNats);
    expect(manifest.scoring.notes).toEqual(imported.input.scoring.notes);
    expect(manifest.frame.predictors.map((predictor) => predictor.name)).toEqual(['6-taskmean', 'ARC', 'GSM8K', 'HellaSwag', 'MMLU', 'TruthfulQA', 'Winogrande']);
    expect(manifest.models[0].extra).toMatchObject({ created_at: '2023-07-13T16:16:13+00:00', modeltype_fig1: 'llama-2' });
    expect((manifest.quality.parentChecks as unknown[]).length).toBe(3);
  });
});

describe('llmap build-map --from-modelmap-pkl', () => {
  const out = `${root}tests/output/modelmap-cli`;
  const llmap = (args: string[]) => spawnSync(process.execPath, [`${root}bin/llmap.js`, 'build-map', ...args], { cwd: root, encoding: 'utf8' });

  it('llmap build-map --from-modelmap-pkl --name-type-pkl --texts --out writes a map loadMap reads', async () => {
    rmSync(out, { recursive: true, force: true });
    const run = llmap(['--from-modelmap-pkl', `${folder}model-data-8.pkl`, '--name-type-pkl', `${folder}name-type-color-8.pkl`, '--texts', `${folder}texts-40-pile.jsonl`, '--out', out, '--id', 'modelmap-8', '--tsne-iterations', '250']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain('Wrote');
    const loaded = await loadMap(async (file) => new Uint8Array(readFileSync(`${out}/${file}`)));
    expect(loaded.manifest.id).toBe('modelmap-8');
    expect(loaded.manifest.models.map((model) => model.id)).toEqual(expected.modelNames);
    expect(loaded.manifest.scoring.notes.join(' ')).toContain('already clipped');
  });

  it('llmap build-map refuses a missing pickle and --scores together with --from-modelmap-pkl', () => {
    const missing = llmap(['--from-modelmap-pkl', `${folder}nope.pkl`, '--texts', `${folder}texts-40-pile.jsonl`, '--out', out]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('There is no file at');
    const both = llmap(['--from-modelmap-pkl', `${folder}model-data-8.pkl`, '--scores', folder, '--meta', 'x.json', '--texts', `${folder}texts-40-pile.jsonl`, '--out', out]);
    expect(both.status).toBe(1);
    expect(both.stderr).toContain('not both');
    const evil = llmap(['--from-modelmap-pkl', `${folder}forbidden-os-system-handmade.pkl`, '--texts', `${folder}texts-40-pile.jsonl`, '--out', out]);
    expect(evil.status).toBe(1);
    expect(evil.stderr).toContain('names the Python global os.system');
  });
});
