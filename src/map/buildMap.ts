import { LlmapError } from '../core/errors.ts';
import { fitMap, usablePerplexity, type ScoreColumn } from '../core/fitMap.ts';
import type { ClipRule } from '../core/frame.ts';
import type { MapFrame, TsneDistancePower } from '../core/mapFrame.ts';
import { matrix, rowView } from '../core/matrix.ts';
import { place } from '../core/place.ts';
import { domainProfile } from '../core/profile.ts';
import { fullSample } from '../core/textSample.ts';
import type { MapManifest, MapModel } from './schema.ts';
import { logLikelihoodMatrix } from './scoresMatrix.ts';
import { mapArtifactFiles } from './writeMap.ts';

/** One entry of models.json: who a reference model is (ids match the score files' names). */
export interface ModelMetadata {
  readonly id: string;
  readonly name: string;
  readonly family: string;
  readonly parent: string | null;
  readonly parameters?: number | null;
  readonly trainingData?: string | null;
  readonly source: string;
  readonly licence: string;
  /** Known numeric scores to predict from the vectors (benchmarks). */
  readonly scores?: Readonly<Record<string, number>>;
  readonly [key: string]: unknown;
}

export interface BuildMapInput {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly texts: ReadonlyArray<{ readonly index: number; readonly text: string; readonly category: string }>;
  readonly textsJsonl: Uint8Array;
  readonly models: ReadonlyArray<{ readonly metadata: ModelMetadata; readonly records: ReadonlyArray<{ readonly index: number; readonly logLikelihoodNats: number }> }>;
  readonly scoring: MapManifest['scoring'];
  readonly clipRule?: ClipRule;
  readonly tsne?: { readonly iterations?: number; readonly perplexity?: number; readonly distancePower?: TsneDistancePower };
  /** Ranges to clip predictions of a named score into (the paper: [0, 100] for benchmarks). */
  readonly scoreRanges?: Readonly<Record<string, { readonly min: number; readonly max: number }>>;
  readonly onProgress?: (stage: string, fractionDone: number) => void;
}

/**
 * Builds a map artifact from per-model score records and their metadata: fits the frame, layouts and predictors
 * (core.fitMap), describes every model, runs the build-time quality checks, and returns the artifact's files.
 * Deterministic: the same inputs give the same bytes.
 */
export async function buildMap(input: BuildMapInput): Promise<{ files: Map<string, Uint8Array>; frame: MapFrame; quality: MapManifest['quality'] }> {
  const ids = input.models.map((model) => model.metadata.id);
  const duplicate = ids.find((id, k) => ids.indexOf(id) !== k);
  if (duplicate) throw new LlmapError('invalid-argument', `Model id "${duplicate}" appears twice; every model needs its own id.`);
  const textIndices = input.texts.map((text) => text.index);
  const logLikelihoods = logLikelihoodMatrix(input.models.map((model) => ({ id: model.metadata.id, records: model.records })), textIndices);
  const categoryNames = [...new Set(input.texts.map((text) => text.category))].sort();
  const categoryOfText = Int32Array.from(input.texts, (text) => categoryNames.indexOf(text.category));
  const encoder = new TextEncoder();
  const meanBytesPerText = input.texts.reduce((sum, text) => sum + encoder.encode(text.text).length, 0) / input.texts.length;
  const familyByModel = input.models.map((model) => model.metadata.family);
  const scoreNames = [...new Set(input.models.flatMap((model) => Object.keys(model.metadata.scores ?? {})))].sort();
  const scores: ScoreColumn[] = scoreNames
    .map((name) => ({
      name,
      valueByModel: input.models.map((model) => model.metadata.scores?.[name] ?? null),
      predictionRange: input.scoreRanges?.[name],
    }))
    .filter((column) => column.valueByModel.filter((value) => value !== null).length >= 5);
  const fitOptions = {
    clipRule: input.clipRule,
    meanBytesPerText,
    categoryOfText,
    categoryNames,
    familyByModel,
    scores,
    tsne: input.tsne,
    onProgress: input.onProgress,
  };
  const frame = fitMap(logLikelihoods, fitOptions);
  const modelCount = ids.length;
  const textCount = textIndices.length;

  const models: MapModel[] = input.models.map(({ metadata }, i) => {
    const { id, name, family, parent, parameters, trainingData, source, licence, scores: known, ...extra } = metadata;
    const row = rowView(logLikelihoods, i);
    const profile = domainProfile(rowView(frame.qModelsByTexts, i), fullSample(textCount), categoryOfText, categoryNames.length);
    return {
      id,
      name,
      family,
      parent: parent ?? null,
      parameters: parameters ?? null,
      trainingData: trainingData ?? null,
      source,
      licence,
      meanLogLikelihoodNats: row.reduce((sum, value) => sum + value, 0) / textCount,
      tsne: [frame.tsnePositions.values[2 * i], frame.tsnePositions.values[2 * i + 1]] as const,
      pca: [frame.pca.scoresModelsByComponents.values[2 * i], frame.pca.scoresModelsByComponents.values[2 * i + 1]] as const,
      scores: known ?? {},
      primaryCategory: categoryNames[profile.primaryCategory],
      ...(Object.keys(extra).length > 0 ? { extra } : {}),
    };
  });
  input.onProgress?.('quality', 0);
  const quality = qualityChecks(logLikelihoods, frame, input, familyByModel, fitOptions);
  const files = await mapArtifactFiles(frame, {
    id: input.id,
    title: input.title,
    description: input.description,
    textsJsonl: input.textsJsonl,
    textCount,
    scoring: input.scoring,
    clipRule: input.clipRule ?? { kind: 'quantile', quantile: 0.02 },
    tsne: { perplexity: usablePerplexity(modelCount, input.tsne?.perplexity), iterations: input.tsne?.iterations ?? 1000, distancePower: frame.tsneDistancePower, klDivergence: null },
    models,
    quality,
  });
  return { files, frame, quality };
}

/**
 * Build-time figures a reader can check the map by: leave-one-out placement (each model removed, the map refitted,
 * the model placed back with place(): is its nearest reference of its own family?), nearest-neighbour family purity
 * in KL and on the t-SNE map, and for each derived model whether its parent is nearer than any other family.
 */
function qualityChecks(
  logLikelihoods: ReturnType<typeof matrix>,
  frame: MapFrame,
  input: BuildMapInput,
  familyByModel: readonly string[],
  fitOptions: Parameters<typeof fitMap>[1],
): MapManifest['quality'] {
  const modelCount = logLikelihoods.rows;
  const textCount = logLikelihoods.cols;
  const ids = input.models.map((model) => model.metadata.id);
  const klRows = ids.map((_, i) => place(frame, { logLikelihoodsNats: rowView(logLikelihoods, i) }, { bootstrapReplicates: 0, nearestCount: modelCount }).klNatsPerText);
  const nearestOther = (i: number, distance: (j: number) => number) => {
    let best = -1;
    for (let j = 0; j < modelCount; j++) if (j !== i && (best < 0 || distance(j) < distance(best))) best = j;
    return best;
  };
  const position = (i: number) => [frame.tsnePositions.values[2 * i], frame.tsnePositions.values[2 * i + 1]];
  let klPure = 0;
  let tsnePure = 0;
  for (let i = 0; i < modelCount; i++) {
    if (familyByModel[nearestOther(i, (j) => klRows[i][j])] === familyByModel[i]) klPure++;
    const [x, y] = position(i);
    if (familyByModel[nearestOther(i, (j) => Math.hypot(position(j)[0] - x, position(j)[1] - y))] === familyByModel[i]) tsnePure++;
  }
  const parentChecks = input.models.flatMap(({ metadata }, i) => {
    const p = metadata.parent ? ids.indexOf(metadata.parent) : -1;
    if (p < 0) return [];
    let otherFamilyKl = Infinity;
    for (let j = 0; j < modelCount; j++) if (familyByModel[j] !== familyByModel[i]) otherFamilyKl = Math.min(otherFamilyKl, klRows[i][j]);
    return [{ id: metadata.id, parent: metadata.parent, parentKlNatsPerText: klRows[i][p], nearestOtherFamilyKlNatsPerText: otherFamilyKl, parentIsNearer: klRows[i][p] < otherFamilyKl }];
  });
  const leaveOneOut = modelCount <= 200 && modelCount >= 5 ? leaveOneOutPlacement(logLikelihoods, familyByModel, ids, fitOptions) : null;
  return {
    nearestKlSameFamilyRate: klPure / modelCount,
    nearestTsneSameFamilyRate: tsnePure / modelCount,
    parentChecks,
    leaveOneOut: leaveOneOut ?? `skipped: ${modelCount} models (run for 5–200)`,
    textCount,
  };
}

function leaveOneOutPlacement(logLikelihoods: ReturnType<typeof matrix>, familyByModel: readonly string[], ids: readonly string[], fitOptions: Parameters<typeof fitMap>[1]) {
  const { rows: modelCount, cols: textCount } = logLikelihoods;
  const results = ids.map((id, held) => {
    const keep = ids.map((_, i) => i).filter((i) => i !== held);
    const values = new Float64Array(keep.length * textCount);
    keep.forEach((i, k) => values.set(rowView(logLikelihoods, i), k * textCount));
    const reduced = fitMap(matrix(keep.length, textCount, values), {
      ...fitOptions,
      familyByModel: keep.map((i) => familyByModel[i]),
      scores: [],
      onProgress: undefined,
    });
    const nearest = keep[place(reduced, { logLikelihoodsNats: rowView(logLikelihoods, held) }, { bootstrapReplicates: 0 }).nearest[0].index];
    return { id, nearest: ids[nearest], sameFamily: familyByModel[nearest] === familyByModel[held] };
  });
  return { sameFamilyRate: results.filter((r) => r.sameFamily).length / modelCount, placements: results };
}
