import { LlmapError } from '../core/errors.ts';
import type { MapFrame } from '../core/mapFrame.ts';
import type { PcaFit } from '../core/pca.ts';
import { MAP_FORMAT_VERSION, type MapManifest } from './schema.ts';
import { decodeSidecar, sha256Hex, type SidecarSpec } from './sidecar.ts';

/** Reads one file of the map folder by name (fetch in a browser, fs in Node). */
export type MapFileReader = (file: string) => Promise<Uint8Array>;

export interface LoadedMap {
  readonly manifest: MapManifest;
  readonly frame: MapFrame;
  /** texts.jsonl as it was checked against its sha256. */
  readonly textsJsonl: string;
}

/**
 * Loads a map artifact: map.json, then every sidecar and texts.jsonl, each checked against the sha256 and shape
 * map.json records, and rebuilds the frame `place()` needs. Any mismatch is a 'corrupt-map' LlmapError that names
 * the file; an unknown format version is rejected before anything else is read.
 */
export async function loadMap(read: MapFileReader): Promise<LoadedMap> {
  const manifest = parseManifest(await read('map.json'));
  const textCount = manifest.texts.count;
  const modelCount = manifest.models.length;
  const load = async (spec: SidecarSpec, shape: number[]): Promise<Float64Array> => {
    if (spec.shape.length !== shape.length || spec.shape.some((dim, k) => dim !== shape[k])) {
      throw corrupt(`${spec.file} is declared [${spec.shape.join(', ')}] but this map needs [${shape.join(', ')}]`);
    }
    const bytes = await verified(read, spec.file, spec.sha256);
    const values = decodeSidecar(bytes, spec);
    if (values.some((value) => !Number.isFinite(value))) throw corrupt(`${spec.file} holds a value that is not a finite number`);
    return values;
  };
  const textsBytes = await verified(read, manifest.texts.file, manifest.texts.sha256);
  const { frame } = manifest;
  const q = await load(frame.q, [modelCount, textCount]);
  const axes = await load(frame.pca.axes, [2, textCount]);
  const pca: PcaFit = {
    meanByText: await load(frame.pca.meanByText, [textCount]),
    axesByTexts: { rows: 2, cols: textCount, values: axes },
    scoresModelsByComponents: { rows: modelCount, cols: 2, values: Float64Array.from(manifest.models.flatMap((model) => model.pca)) },
    explainedVariance: Float64Array.from(frame.pca.explainedVariance),
    explainedVarianceRatio: Float64Array.from(frame.pca.explainedVarianceRatio),
  };
  const predictors = await Promise.all(
    frame.predictors.map(async (predictor) => ({
      name: predictor.name,
      fit: {
        alpha: predictor.alpha,
        interceptValue: predictor.interceptValue,
        weightsByText: await load(predictor.weights, [textCount]),
        predictionRange: predictor.predictionRange ?? undefined,
      },
      crossValidation: predictor.crossValidation,
    })),
  );
  const categoryOfText = Int32Array.from(await load(manifest.texts.categoryOfText, [textCount]));
  if (categoryOfText.some((category) => category < 0 || category >= manifest.texts.categories.length)) {
    throw corrupt(`${manifest.texts.categoryOfText.file} names a category outside the ${manifest.texts.categories.length} listed`);
  }
  return {
    manifest,
    textsJsonl: new TextDecoder().decode(textsBytes),
    frame: {
      centring: { clipThresholdNats: frame.clipThresholdNats, textMeanOfRowCentred: await load(frame.textMeanOfRowCentred, [textCount]) },
      qModelsByTexts: { rows: modelCount, cols: textCount, values: q },
      meanBytesPerText: manifest.texts.meanBytesPerText,
      categoryOfText,
      categoryNames: manifest.texts.categories,
      pca,
      tsnePositions: { rows: modelCount, cols: 2, values: Float64Array.from(manifest.models.flatMap((model) => model.tsne)) },
      tsneDistancePower: frame.tsne.distancePower,
      predictors,
      referenceNearestKlNatsPerText: Float64Array.from(frame.referenceNearestKlNatsPerText),
      offMapKlNatsPerText: frame.offMapKlNatsPerText,
    },
  };
}

function parseManifest(bytes: Uint8Array): MapManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw corrupt(`map.json is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw corrupt('map.json is not a JSON object');
  const version = (parsed as { formatVersion?: unknown }).formatVersion;
  if (version !== MAP_FORMAT_VERSION) {
    throw new LlmapError(
      'unknown-format-version',
      `This map has format version ${JSON.stringify(version)}; this version of llmap reads format version ${MAP_FORMAT_VERSION}. Rebuild the map with this version's build-map, or use the llmap version that built it.`,
      { formatVersion: version },
    );
  }
  const manifest = parsed as MapManifest;
  const needs: Array<[boolean, string]> = [
    [typeof manifest.id === 'string', 'id'],
    [Array.isArray(manifest.models) && manifest.models.length >= 3, 'models (at least 3)'],
    [Number.isInteger(manifest.texts?.count) && manifest.texts.count >= 2, 'texts.count'],
    [typeof manifest.texts?.meanBytesPerText === 'number' && manifest.texts.meanBytesPerText > 0, 'texts.meanBytesPerText'],
    [Number.isFinite(manifest.frame?.clipThresholdNats), 'frame.clipThresholdNats'],
    [Number.isFinite(manifest.frame?.offMapKlNatsPerText), 'frame.offMapKlNatsPerText'],
    [manifest.frame?.tsne?.distancePower === 2 || manifest.frame?.tsne?.distancePower === 4, 'frame.tsne.distancePower'],
  ];
  const missing = needs.filter(([ok]) => !ok).map(([, field]) => field);
  if (missing.length > 0) throw corrupt(`map.json lacks or has a bad ${missing.join(', ')}`);
  for (const model of manifest.models) {
    if (typeof model.id !== 'string' || typeof model.name !== 'string' || !isPoint(model.tsne) || !isPoint(model.pca)) {
      throw corrupt(`model ${JSON.stringify(model.id)} in map.json lacks a string id and name or finite t-SNE and PCA points`);
    }
  }
  return manifest;
}

function isPoint(value: unknown): boolean {
  return Array.isArray(value) && value.length === 2 && value.every((v) => Number.isFinite(v));
}

async function verified(read: MapFileReader, file: string, sha256: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await read(file);
  } catch (error) {
    throw corrupt(`${file} could not be read (${error instanceof Error ? error.message : String(error)})`);
  }
  const actual = await sha256Hex(bytes);
  if (actual !== sha256) throw corrupt(`${file} does not match the sha256 in map.json (it was changed or damaged: ${actual.slice(0, 12)}… ≠ ${sha256.slice(0, 12)}…)`);
  return bytes;
}

function corrupt(what: string): LlmapError {
  return new LlmapError('corrupt-map', `The map is damaged: ${what}. Rebuild it with llmap build-map or download it again.`);
}
