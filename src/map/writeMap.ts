import type { MapFrame } from '../core/mapFrame.ts';
import type { MapManifest, MapModel } from './schema.ts';
import { MAP_FORMAT_VERSION } from './schema.ts';
import { encodeSidecar, sha256Hex, type SidecarSpec } from './sidecar.ts';

export interface MapDescription {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly textsJsonl: Uint8Array;
  readonly textCount: number;
  readonly scoring: MapManifest['scoring'];
  readonly clipRule: MapManifest['frame']['clipRule'];
  readonly tsne: MapManifest['frame']['tsne'];
  readonly models: readonly MapModel[];
  readonly quality: MapManifest['quality'];
}

/**
 * The files of a map artifact: map.json, texts.jsonl and the binary sidecars (float32 for the large arrays, float64
 * for the small ones that centre a new vector), each with its shape and sha256 in map.json. Pure: the caller writes.
 */
export async function mapArtifactFiles(frame: MapFrame, description: MapDescription): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const sidecar = async (file: string, values: ArrayLike<number>, dtype: SidecarSpec['dtype'], shape: number[]): Promise<SidecarSpec> => {
    const bytes = encodeSidecar(values, dtype);
    files.set(file, bytes);
    return { file, dtype, shape, sha256: await sha256Hex(bytes) };
  };
  const { rows: modelCount, cols: textCount } = frame.qModelsByTexts;
  files.set('texts.jsonl', description.textsJsonl);
  const manifest: MapManifest = {
    formatVersion: MAP_FORMAT_VERSION,
    id: description.id,
    title: description.title,
    description: description.description,
    texts: {
      file: 'texts.jsonl',
      sha256: await sha256Hex(description.textsJsonl),
      count: textCount,
      meanBytesPerText: frame.meanBytesPerText,
      categories: frame.categoryNames,
      categoryOfText: await sidecar('text-category.i32', frame.categoryOfText, 'int32', [textCount]),
    },
    scoring: description.scoring,
    frame: {
      clipRule: description.clipRule,
      clipThresholdNats: frame.centring.clipThresholdNats,
      textMeanOfRowCentred: await sidecar('text-mean.f64', frame.centring.textMeanOfRowCentred, 'float64', [textCount]),
      q: await sidecar('q.f32', frame.qModelsByTexts.values, 'float32', [modelCount, textCount]),
      pca: {
        axes: await sidecar('pca-axes.f32', frame.pca.axesByTexts.values, 'float32', [frame.pca.axesByTexts.rows, textCount]),
        meanByText: await sidecar('pca-mean.f64', frame.pca.meanByText, 'float64', [textCount]),
        explainedVariance: Array.from(frame.pca.explainedVariance),
        explainedVarianceRatio: Array.from(frame.pca.explainedVarianceRatio),
      },
      tsne: { ...description.tsne, distancePower: frame.tsneDistancePower },
      predictors: await Promise.all(
        frame.predictors.map(async (predictor, f) => ({
          name: predictor.name,
          alpha: predictor.fit.alpha,
          interceptValue: predictor.fit.interceptValue,
          weights: await sidecar(`predictor-${f}.f64`, predictor.fit.weightsByText, 'float64', [textCount]),
          predictionRange: predictor.fit.predictionRange ?? null,
          crossValidation: predictor.crossValidation,
        })),
      ),
      referenceNearestKlNatsPerText: Array.from(frame.referenceNearestKlNatsPerText),
      offMapKlNatsPerText: frame.offMapKlNatsPerText,
    },
    models: description.models,
    quality: description.quality,
  };
  files.set('map.json', new TextEncoder().encode(`${JSON.stringify(manifest, null, 1)}\n`));
  return files;
}
