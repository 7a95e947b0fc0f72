import { pearson, spearman } from './correlation.ts';
import { LlmapError } from './errors.ts';
import { kFold, type FoldAssignment } from './folds.ts';
import { gramMatrix } from './gram.ts';
import { assertFinite, assertLength, type Matrix } from './matrix.ts';
import { symmetricEigen, type SymmetricEigen } from './symmetricEigen.ts';

/** The paper's RidgeCV grid for benchmark scores: 1e1 … 1e9, one value per decade. */
export const PAPER_RIDGE_ALPHAS: readonly number[] = [1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

export interface RidgeOptions {
  /** Candidate penalties; the inner cross-validation picks one (default PAPER_RIDGE_ALPHAS). */
  readonly alphas?: readonly number[];
  /** Inner KFold (unshuffled) used to pick α by mean R², as scikit-learn's RidgeCV(cv=5). Default 5, capped at the training size. */
  readonly innerFoldCount?: number;
  /** Clip predictions into this range (the paper clips benchmark scores to [0, 100]); none by default. */
  readonly predictionRange?: { readonly min: number; readonly max: number };
  /** The Gram matrix of `features` (features·featuresᵀ), when the caller already has it. */
  readonly precomputedGram?: Matrix;
}

/** A fitted linear predictor over texts: prediction = interceptValue + q·weightsByText, then clipped. */
export interface RidgeFit {
  readonly alpha: number;
  readonly interceptValue: number;
  readonly weightsByText: Float64Array;
  readonly predictionRange?: { readonly min: number; readonly max: number };
}

export interface RidgeCrossValidation {
  /** Out-of-fold prediction for every sample. */
  readonly predictions: Float64Array;
  readonly pearson: number;
  readonly spearman: number;
  readonly rootMeanSquaredError: number;
  readonly alphaByFold: Float64Array;
}

/**
 * Ridge regression with intercept on the rows of `features` (K × N, K ≪ N), solved in its dual form through the
 * K×K Gram matrix, with α chosen by an inner 5-fold cross-validation (scikit-learn's RidgeCV with cv=5).
 */
export function fitRidgeCv(features: Matrix, targets: ArrayLike<number>, options: RidgeOptions = {}): RidgeFit {
  checkInputs(features, targets);
  const gram = gramOf(features, options);
  const all = Int32Array.from({ length: features.rows }, (_, k) => k);
  const alpha = chooseAlpha(gram, targets, all, options);
  const solved = solveCentredKernel(gram, targets, all);
  const dual = solved.dualCoefficients(alpha);
  const { cols: textCount, values } = features;
  const weightsByText = new Float64Array(textCount);
  const meanFeature = new Float64Array(textCount);
  for (let k = 0; k < all.length; k++) {
    const offset = all[k] * textCount;
    for (let j = 0; j < textCount; j++) {
      weightsByText[j] += dual[k] * values[offset + j];
      meanFeature[j] += values[offset + j] / all.length;
    }
  }
  let interceptValue = solved.targetMean;
  for (let j = 0; j < textCount; j++) interceptValue -= meanFeature[j] * weightsByText[j];
  return { alpha, interceptValue, weightsByText, predictionRange: options.predictionRange };
}

/** The prediction for one feature vector (a model's q). */
export function predictRidge(fit: RidgeFit, featureVector: ArrayLike<number>): number {
  assertLength(featureVector.length, fit.weightsByText.length, 'The vector to predict from');
  let prediction = fit.interceptValue;
  for (let j = 0; j < featureVector.length; j++) prediction += fit.weightsByText[j] * featureVector[j];
  return clipToRange(prediction, fit.predictionRange);
}

/**
 * Outer cross-validation as the paper reports it: for each test fold, fit RidgeCV on the rest and predict the
 * fold; Pearson and Spearman of the pooled out-of-fold predictions. Folds come from kFold or groupKFold.
 */
export function crossValidateRidge(
  features: Matrix,
  targets: ArrayLike<number>,
  testFoldOfSample: FoldAssignment,
  options: RidgeOptions = {},
): RidgeCrossValidation {
  checkInputs(features, targets);
  assertLength(testFoldOfSample.length, features.rows, 'The fold assignment');
  const gram = gramOf(features, options);
  const foldCount = Math.max(...testFoldOfSample) + 1;
  const predictions = new Float64Array(features.rows);
  const alphaByFold = new Float64Array(foldCount);
  for (let f = 0; f < foldCount; f++) {
    const train = indicesWhere(testFoldOfSample, (fold) => fold !== f);
    const test = indicesWhere(testFoldOfSample, (fold) => fold === f);
    if (test.length === 0) continue;
    alphaByFold[f] = chooseAlpha(gram, targets, train, options);
    const fold = solveCentredKernel(gram, targets, train).predictor(alphaByFold[f]);
    for (const s of test) predictions[s] = clipToRange(fold(s), options.predictionRange);
  }
  let squaredError = 0;
  for (let k = 0; k < predictions.length; k++) squaredError += (predictions[k] - targets[k]) ** 2;
  return {
    predictions,
    pearson: pearson(predictions, targets),
    spearman: spearman(predictions, targets),
    rootMeanSquaredError: Math.sqrt(squaredError / predictions.length),
    alphaByFold,
  };
}

/** α with the best mean R² over an unshuffled inner KFold of the training samples (first best on ties). */
function chooseAlpha(gram: Matrix, targets: ArrayLike<number>, train: Int32Array, options: RidgeOptions): number {
  const alphas = options.alphas ?? PAPER_RIDGE_ALPHAS;
  if (alphas.length === 0 || alphas.some((a) => !(a > 0))) {
    throw new LlmapError('invalid-argument', 'Ridge needs at least one positive α to choose from.');
  }
  if (alphas.length === 1) return alphas[0];
  // Small training sets get fewer inner folds rather than an error (each fold needs one sample).
  const innerFold = kFold(train.length, Math.min(options.innerFoldCount ?? 5, train.length));
  const meanR2 = new Float64Array(alphas.length);
  const foldCount = Math.max(...innerFold) + 1;
  for (let f = 0; f < foldCount; f++) {
    const innerTrain = train.filter((_, k) => innerFold[k] !== f);
    const innerTest = train.filter((_, k) => innerFold[k] === f);
    const solved = solveCentredKernel(gram, targets, innerTrain);
    alphas.forEach((alpha, a) => {
      const predict = solved.predictor(alpha);
      meanR2[a] += coefficientOfDetermination(innerTest, targets, predict) / foldCount;
    });
  }
  let best = 0;
  for (let a = 1; a < alphas.length; a++) if (meanR2[a] > meanR2[best]) best = a;
  return alphas[best];
}

function coefficientOfDetermination(test: Int32Array, targets: ArrayLike<number>, predict: (s: number) => number): number {
  let mean = 0;
  for (const s of test) mean += targets[s] / test.length;
  let residual = 0;
  let total = 0;
  for (const s of test) {
    residual += (targets[s] - predict(s)) ** 2;
    total += (targets[s] - mean) ** 2;
  }
  if (total === 0) return residual === 0 ? 1 : 0; // scikit-learn's r2_score convention for a constant fold
  return 1 - residual / total;
}

/**
 * Kernel ridge on the training rows T: eigen-decompose the centred Gram block once, then each α costs O(|T|²).
 * With centred targets the dual coefficients a sum to 0, so prediction(s) = ȳ + Σ_a a_a·(G_sa − mean_T G_a·).
 */
function solveCentredKernel(gram: Matrix, targets: ArrayLike<number>, train: Int32Array) {
  const n = train.length;
  const size = gram.rows;
  const g = gram.values;
  const rowMean = new Float64Array(n);
  let grandMean = 0;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) rowMean[a] += g[train[a] * size + train[b]] / n;
    grandMean += rowMean[a] / n;
  }
  const centred = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) centred[a * n + b] = g[train[a] * size + train[b]] - rowMean[a] - rowMean[b] + grandMean;
  }
  let targetMean = 0;
  for (const s of train) targetMean += targets[s] / n;
  const eigen: SymmetricEigen = symmetricEigen({ rows: n, cols: n, values: centred });
  const projected = new Float64Array(n); // Uᵀ(y − ȳ)
  for (let r = 0; r < n; r++) {
    for (let a = 0; a < n; a++) projected[r] += eigen.vectorsByRow.values[r * n + a] * (targets[train[a]] - targetMean);
  }
  const dualCoefficients = (alpha: number): Float64Array => {
    const dual = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const coefficient = projected[r] / (Math.max(eigen.values[r], 0) + alpha);
      for (let a = 0; a < n; a++) dual[a] += coefficient * eigen.vectorsByRow.values[r * n + a];
    }
    return dual;
  };
  const predictor = (alpha: number) => {
    const dual = dualCoefficients(alpha);
    return (s: number): number => {
      let prediction = targetMean;
      for (let a = 0; a < n; a++) prediction += dual[a] * (g[s * size + train[a]] - rowMean[a]);
      return prediction;
    };
  };
  return { targetMean, dualCoefficients, predictor };
}

function indicesWhere(fold: FoldAssignment, keep: (fold: number) => boolean): Int32Array {
  const indices: number[] = [];
  fold.forEach((value, k) => keep(value) && indices.push(k));
  return Int32Array.from(indices);
}

function clipToRange(value: number, range: RidgeOptions['predictionRange']): number {
  return range ? Math.min(range.max, Math.max(range.min, value)) : value;
}

function gramOf(features: Matrix, options: RidgeOptions): Matrix {
  const gram = options.precomputedGram;
  if (!gram) return gramMatrix(features);
  if (gram.rows !== features.rows || gram.cols !== features.rows) {
    throw new LlmapError('shape-mismatch', `The precomputed Gram matrix is ${gram.rows}×${gram.cols}; ${features.rows}×${features.rows} was expected.`);
  }
  return gram;
}

function checkInputs(features: Matrix, targets: ArrayLike<number>): void {
  assertLength(targets.length, features.rows, 'The targets');
  assertFinite(targets, 'The targets');
  assertFinite(features.values, 'The features');
  if (features.rows < 3) throw new LlmapError('too-few-models', `Ridge needs at least 3 models with a score; got ${features.rows}.`);
}
