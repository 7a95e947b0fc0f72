import { LlmapError } from './errors.ts';
import { gramMatrix } from './gram.ts';
import { assertFinite, type Matrix } from './matrix.ts';
import { projectionFromMoments, projectionMoments } from './sampledProjection.ts';
import { symmetricEigen } from './symmetricEigen.ts';
import { fullSample } from './textSample.ts';

/** Principal axes of K model vectors over N texts, found through the K×K Gram matrix (cheap when K ≪ N). */
export interface PcaFit {
  /** Per-text mean removed before projecting (≈ 0 for a double-centred Q). */
  readonly meanByText: Float64Array;
  /** Unit axes in text space, components × N. */
  readonly axesByTexts: Matrix;
  /** Reference coordinates, K × components. */
  readonly scoresModelsByComponents: Matrix;
  /** Variance along each axis, λ/(K − 1) as scikit-learn reports it. */
  readonly explainedVariance: Float64Array;
  readonly explainedVarianceRatio: Float64Array;
}

/**
 * PCA of the rows of Q: eigenvectors u_k of the Gram matrix of the column-centred rows give scores u_k·√λ_k
 * and axes Qᵀu_k/√λ_k. Signs follow scikit-learn's svd_flip: the largest |u| entry of each component is positive.
 */
export function fitPca(qModelsByTexts: Matrix, componentCount = 2, options: { precomputedCentredGram?: Matrix } = {}): PcaFit {
  const { rows: modelCount, cols: textCount, values } = qModelsByTexts;
  if (!Number.isInteger(componentCount) || componentCount < 1 || componentCount > Math.min(modelCount, textCount)) {
    throw new LlmapError(
      'invalid-argument',
      `PCA can keep between 1 and min(models, texts) = ${Math.min(modelCount, textCount)} components; ${componentCount} were asked for.`,
    );
  }
  assertFinite(values, 'The matrix for PCA');
  const meanByText = new Float64Array(textCount);
  for (let i = 0; i < modelCount; i++) for (let j = 0; j < textCount; j++) meanByText[j] += values[i * textCount + j];
  for (let j = 0; j < textCount; j++) meanByText[j] /= modelCount;
  const centred = new Float64Array(values.length);
  for (let i = 0; i < modelCount; i++) {
    for (let j = 0; j < textCount; j++) centred[i * textCount + j] = values[i * textCount + j] - meanByText[j];
  }
  const centredMatrix = { rows: modelCount, cols: textCount, values: centred };
  // A double-centred Q has centred columns already, so its Gram can be shared with the caller's.
  const gram = options.precomputedCentredGram ?? gramMatrix(centredMatrix);
  if (gram.rows !== modelCount || gram.cols !== modelCount) {
    throw new LlmapError('shape-mismatch', `The precomputed Gram matrix is ${gram.rows}×${gram.cols}; ${modelCount}×${modelCount} was expected.`);
  }
  let totalVariance = 0;
  for (let i = 0; i < modelCount; i++) totalVariance += gram.values[i * modelCount + i];
  const eigen = symmetricEigen(gram);

  const axes = new Float64Array(componentCount * textCount);
  const scores = new Float64Array(modelCount * componentCount);
  const explainedVariance = new Float64Array(componentCount);
  const explainedVarianceRatio = new Float64Array(componentCount);
  const tolerance = 1e-12 * Math.max(eigen.values[0], 0);
  for (let c = 0; c < componentCount; c++) {
    const eigenvalue = Math.max(eigen.values[c], 0);
    const u = eigen.vectorsByRow.values.subarray(c * modelCount, (c + 1) * modelCount);
    let largest = 0;
    for (let i = 1; i < modelCount; i++) if (Math.abs(u[i]) > Math.abs(u[largest])) largest = i;
    const sign = u[largest] < 0 ? -1 : 1;
    explainedVariance[c] = eigenvalue / Math.max(modelCount - 1, 1);
    explainedVarianceRatio[c] = totalVariance > 0 ? eigenvalue / totalVariance : 0;
    const root = Math.sqrt(eigenvalue);
    for (let i = 0; i < modelCount; i++) scores[i * componentCount + c] = sign * u[i] * root;
    if (eigenvalue <= tolerance) continue; // a direction with no variance has no axis
    const axis = axes.subarray(c * textCount, (c + 1) * textCount);
    for (let i = 0; i < modelCount; i++) {
      const coefficient = (sign * u[i]) / root;
      const offset = i * textCount;
      for (let j = 0; j < textCount; j++) axis[j] += coefficient * centred[offset + j];
    }
  }
  return {
    meanByText,
    axesByTexts: { rows: componentCount, cols: textCount, values: axes },
    scoresModelsByComponents: { rows: modelCount, cols: componentCount, values: scores },
    explainedVariance,
    explainedVarianceRatio,
  };
}

/**
 * Coordinates of a model's q (centred over texts, as every q is) on the fitted axes: Σ_j (q_j − mean_j)·axis_j.
 * A vector that is not centred is row-centred first, as the frame would have done.
 */
export function projectOnPca(pca: PcaFit, qNew: ArrayLike<number>): Float64Array {
  const sample = fullSample(pca.axesByTexts.cols);
  return projectionFromMoments(projectionMoments(qNew, sample, pca.axesByTexts, pca.meanByText));
}
