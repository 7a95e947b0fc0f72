import { describe, expect, it } from 'vitest';
import { rowView } from '../../src/core/matrix.ts';
import { place } from '../../src/core/place.ts';
import { buildMap, type BuildMapInput } from '../../src/map/buildMap.ts';
import { loadMap } from '../../src/map/loadMap.ts';
import type { MapManifest } from '../../src/map/schema.ts';
import { expectClose } from '../asserts.ts';
import { syntheticMap } from '../fixtures/syntheticMap.ts';

const synthetic = syntheticMap({ models: 12, texts: 120, families: 3, categories: 4, seed: 5 });
const texts = Array.from({ length: 120 }, (_, index) => ({ index, text: `text ${index} ${'x'.repeat(index % 30)}`, category: synthetic.categoryNames[synthetic.categoryOfText[index]] }));
const input: BuildMapInput = {
  id: 'test',
  title: 'A test map',
  description: 'synthetic vectors for the artifact tests',
  texts,
  textsJsonl: new TextEncoder().encode(texts.map((text) => JSON.stringify(text)).join('\n') + '\n'),
  models: synthetic.familyByModel.map((family, i) => ({
    metadata: {
      id: `m${i}`,
      name: i === 4 ? '<img src=x onerror=alert(1)>' : `Model ${i}`,
      family,
      parent: i >= 3 ? `m${i % 3}` : null,
      source: 'synthetic',
      licence: 'CC0',
      scores: { score: synthetic.scoreByModel[i] },
    },
    records: Array.from(rowView(synthetic.logLikelihoodsModelsByTexts, i), (logLikelihoodNats, index) => ({ index, logLikelihoodNats })),
  })),
  scoring: { protocol: 'test', longTextRule: 'truncate', unknownCharacterPolicy: 'none', notes: [] },
  tsne: { iterations: 300 },
};
const built = await buildMap(input);
const reader = (files: Map<string, Uint8Array>) => async (file: string) => {
  const bytes = files.get(file);
  if (!bytes) throw new Error(`no ${file}`);
  return bytes;
};

describe('buildMap and loadMap', () => {
  it('loadMap(buildMap(…)) gives a frame that places a model as the built one does', async () => {
    const loaded = await loadMap(reader(built.files));
    const row = synthetic.newModel(1, 77);
    const fromBuilt = place(built.frame, { logLikelihoodsNats: row }, { bootstrapReplicates: 0 });
    const fromLoaded = place(loaded.frame, { logLikelihoodsNats: row }, { bootstrapReplicates: 0 });
    expect(fromLoaded.nearest.map((n) => n.index)).toEqual(fromBuilt.nearest.map((n) => n.index));
    expectClose(fromLoaded.klNatsPerText, fromBuilt.klNatsPerText, { relative: 1e-5, absolute: 1e-6 });
    expectClose([fromLoaded.tsne.x, fromLoaded.tsne.y], [fromBuilt.tsne.x, fromBuilt.tsne.y], { relative: 1e-4, absolute: 1e-4 });
    expectClose(fromLoaded.predictedScores[0].value, fromBuilt.predictedScores[0].value, { relative: 1e-5 });
    expect(loaded.textsJsonl.split('\n').length).toBe(121);
  });

  it('buildMap records every model with its source, licence, parent, positions and primary category', async () => {
    const manifest = JSON.parse(new TextDecoder().decode(built.files.get('map.json'))) as MapManifest;
    expect(manifest.formatVersion).toBe(1);
    expect(manifest.models).toHaveLength(12);
    expect(manifest.models[4]).toMatchObject({ id: 'm4', name: '<img src=x onerror=alert(1)>', family: 'family-1', parent: 'm1', source: 'synthetic', licence: 'CC0' });
    for (const model of manifest.models) {
      expect(model.tsne.every(Number.isFinite)).toBe(true);
      expect(manifest.texts.categories).toContain(model.primaryCategory);
    }
    expect(manifest.frame.predictors[0].name).toBe('score');
    expect(manifest.quality).toMatchObject({ nearestKlSameFamilyRate: 1 });
    const leaveOneOut = manifest.quality.leaveOneOut as { sameFamilyRate: number };
    expect(leaveOneOut.sameFamilyRate).toBe(1);
    expect((manifest.quality.parentChecks as Array<{ parentIsNearer: boolean }>).length).toBe(9);
  });

  it('buildMap is deterministic: the same inputs give the same bytes', async () => {
    const again = await buildMap(input);
    for (const [file, bytes] of built.files) expect(again.files.get(file), file).toEqual(bytes);
  });

  it('loadMap rejects a tampered sidecar, a missing file and damaged JSON as corrupt-map, naming the file', async () => {
    const tampered = new Map(built.files);
    const q = Uint8Array.from(built.files.get('q.f32')!);
    q[100] ^= 1;
    tampered.set('q.f32', q);
    await expect(loadMap(reader(tampered))).rejects.toMatchObject({ code: 'corrupt-map', message: expect.stringContaining('q.f32 does not match the sha256') });
    const missing = new Map(built.files);
    missing.delete('text-mean.f64');
    await expect(loadMap(reader(missing))).rejects.toMatchObject({ code: 'corrupt-map', message: expect.stringContaining('text-mean.f64 could not be read') });
    const broken = new Map(built.files);
    broken.set('map.json', new TextEncoder().encode('{"formatVersion": 1, "id": 3'));
    await expect(loadMap(reader(broken))).rejects.toMatchObject({ code: 'corrupt-map' });
  });

  it('loadMap rejects an unknown format version before reading anything else', async () => {
    const manifest = JSON.parse(new TextDecoder().decode(built.files.get('map.json')));
    const future = new Map([['map.json', new TextEncoder().encode(JSON.stringify({ ...manifest, formatVersion: 2 }))]]);
    await expect(loadMap(reader(future))).rejects.toMatchObject({ code: 'unknown-format-version', message: expect.stringContaining('reads format version 1') });
  });

  it('loadMap rejects a sidecar whose declared shape does not fit the map', async () => {
    const manifest = JSON.parse(new TextDecoder().decode(built.files.get('map.json'))) as MapManifest;
    const reshaped = { ...manifest, frame: { ...manifest.frame, q: { ...manifest.frame.q, shape: [12, 60] } } };
    const files = new Map(built.files);
    files.set('map.json', new TextEncoder().encode(JSON.stringify(reshaped)));
    await expect(loadMap(reader(files))).rejects.toMatchObject({ code: 'corrupt-map', message: expect.stringContaining('q.f32 is declared [12, 60]') });
  });
});
