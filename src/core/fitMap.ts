import { LlmapError } from './errors.ts';
import { groupKFold, kFold } from './folds.ts';
import { fitFrame, PAPER_CLIP_RULE, type ClipRule } from './frame.ts';
import { gramMatrix, squaredDistancesFromGram } from './gram.ts';
import { klNatsPerTextFromSquaredDistance } from './kl.ts';
import type { MapFrame, ScorePredictor, TsneDistancePower } from './mapFrame.ts';
import { assertLength, type Matrix } from './matrix.ts';
import { fitPca } from './pca.ts';
import { quantile } from './quantile.ts';
import { crossValidateRidge, fitRidgeCv, PAPER_RIDGE_ALPHAS } from './ridge.ts';
import { fitTsne, pcaInitialisation } from './tsne/index.ts';

/** A known score per reference model (null where unknown), to be predicted from the vectors. */
export interface ScoreColumn {
  readonly name: string;
  readonly valueByModel: ReadonlyArray<number | null>;
  /** Clip predictions into this range, as the paper clips benchmark scores to [0, 100]. */
  readonly predictionRange?: { readonly min: number; readonly max: number };
  /** Ridge α grid; default the paper's 1e1…1e9. */
  readonly alphas?: readonly number[];
}

export interface FitMapOptions {
  readonly clipRule?: ClipRule;
  readonly meanBytesPerText: number;
  readonly categoryOfText: Int32Array;
  readonly categoryNames: readonly string[];
  /** Family of each model: the groups of the outer GroupKFold when there are at least 5 of them. */
  readonly familyByModel?: readonly string[];
  readonly scores?: readonly ScoreColumn[];
  /**
   * t-SNE perplexity (default 30, lowered to ⌊(K − 1)/3⌋ for small maps), iterations (default 1000) and the power of
   * the distance its affinities use (default 4, as the paper's scikit-learn call computed; 2 for squared distances).
   */
  readonly tsne?: { readonly perplexity?: number; readonly iterations?: number; readonly distancePower?: TsneDistancePower };
  /** A model is off-map when its nearest KL exceeds this factor × the 95th percentile of reference nearest KLs. Default 2. */
  readonly offMapFactor?: number;
  readonly onProgress?: (stage: 'frame' | 'pca' | 'tsne' | 'ridge', fractionDone: number) => void;
}

/** The t-SNE perplexity a map of K models can use: the request, capped at ⌊(K − 1)/3⌋ (at least 1). */
export function usablePerplexity(modelCount: number, requested = 30): number {
  return Math.max(1, Math.min(requested, Math.floor((modelCount - 1) / 3)));
}

/**
 * Fits everything a map needs from K reference vectors: the clip-and-centre frame, PCA (2 axes), exact t-SNE from
 * the PCA initialisation (deterministic: no random start), ridge predictors for each score with their outer
 * cross-validation, and the scale of nearest-neighbour KL for the off-map flag. One Gram matrix serves all.
 */
export function fitMap(logLikelihoodsModelsByTexts: Matrix, options: FitMapOptions): MapFrame {
  const progress = options.onProgress ?? (() => {});
  const { centring, qModelsByTexts } = fitFrame(logLikelihoodsModelsByTexts, options.clipRule ?? PAPER_CLIP_RULE);
  const { rows: modelCount, cols: textCount } = qModelsByTexts;
  assertLength(options.categoryOfText.length, textCount, 'The text categories');
  if (modelCount < 3) throw new LlmapError('too-few-models', `A map needs at least 3 reference models for its layouts; got ${modelCount}.`);
  progress('frame', 0);
  const gram = gramMatrix(qModelsByTexts);
  const squaredDistances = squaredDistancesFromGram(gram);
  progress('frame', 1);

  const pca = fitPca(qModelsByTexts, 2, { precomputedCentredGram: gram });
  progress('pca', 1);

  const iterations = options.tsne?.iterations ?? 1000;
  const tsneDistancePower = options.tsne?.distancePower ?? 4;
  const tsne = fitTsne(tsneInputDistances(squaredDistances.values, tsneDistancePower, modelCount), pcaInitialisation(pca.scoresModelsByComponents), {
    perplexity: usablePerplexity(modelCount, options.tsne?.perplexity),
    iterations,
    onProgress: (iteration) => progress('tsne', iteration / iterations),
  });

  const referenceNearestKlNatsPerText = new Float64Array(modelCount);
  for (let i = 0; i < modelCount; i++) {
    let nearest = Infinity;
    for (let j = 0; j < modelCount; j++) if (j !== i) nearest = Math.min(nearest, squaredDistances.values[i * modelCount + j]);
    referenceNearestKlNatsPerText[i] = klNatsPerTextFromSquaredDistance(nearest, textCount);
  }

  const scores = options.scores ?? [];
  const predictors = scores.map((column, c) => {
    progress('ridge', c / scores.length);
    return fitPredictor(qModelsByTexts, gram, column, options.familyByModel);
  });
  progress('ridge', 1);

  return {
    centring,
    qModelsByTexts,
    meanBytesPerText: options.meanBytesPerText,
    categoryOfText: options.categoryOfText,
    categoryNames: options.categoryNames,
    pca,
    tsnePositions: tsne.positions,
    tsneDistancePower,
    predictors,
    referenceNearestKlNatsPerText,
    offMapKlNatsPerText: (options.offMapFactor ?? 2) * quantile(referenceNearestKlNatsPerText, 0.95),
  };
}

/** ‖·‖² as given (power 2) or squared again (power 4), as the t-SNE affinities take them. */
export function tsneInputDistances(squaredDistances: Float64Array, power: TsneDistancePower, count: number): Matrix {
  const values = power === 2 ? squaredDistances : squaredDistances.map((d) => d * d);
  return { rows: squaredDistances.length / count, cols: count, values };
}

function fitPredictor(q: Matrix, gram: Matrix, column: ScoreColumn, familyByModel?: readonly string[]): ScorePredictor {
  assertLength(column.valueByModel.length, q.rows, `The score column "${column.name}"`);
  const rows = column.valueByModel.flatMap((v, i) => (v === null || !Number.isFinite(v) ? [] : [i]));
  if (rows.length < 5) {
    throw new LlmapError('too-few-models', `The score "${column.name}" is known for ${rows.length} models; ridge needs at least 5.`);
  }
  const features = subsetRows(q, rows);
  const subsetGram = {
    rows: rows.length,
    cols: rows.length,
    values: Float64Array.from({ length: rows.length ** 2 }, (_, k) => gram.values[rows[Math.floor(k / rows.length)] * q.rows + rows[k % rows.length]]),
  };
  const targets = rows.map((i) => column.valueByModel[i] as number);
  const families = familyByModel ? rows.map((i) => familyByModel[i]) : [];
  const useGroups = new Set(families).size >= 5;
  const folds = useGroups ? groupKFold(families, 5) : kFold(rows.length, Math.min(5, rows.length));
  const ridgeOptions = {
    alphas: column.alphas ?? PAPER_RIDGE_ALPHAS,
    predictionRange: column.predictionRange,
    precomputedGram: subsetGram,
  };
  const crossValidation = crossValidateRidge(features, targets, folds, ridgeOptions);
  return {
    name: column.name,
    fit: fitRidgeCv(features, targets, ridgeOptions),
    crossValidation: {
      folds: useGroups ? 'group' : 'kfold',
      pearson: crossValidation.pearson,
      spearman: crossValidation.spearman,
      rootMeanSquaredError: crossValidation.rootMeanSquaredError,
    },
  };
}

function subsetRows(m: Matrix, rows: readonly number[]): Matrix {
  const values = new Float64Array(rows.length * m.cols);
  rows.forEach((i, k) => values.set(m.values.subarray(i * m.cols, (i + 1) * m.cols), k * m.cols));
  return { rows: rows.length, cols: m.cols, values };
}
