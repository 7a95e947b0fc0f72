import { MACHINE_EPSILON } from './affinities.ts';

/**
 * The exact t-SNE objective and gradient of scikit-learn 1.2's `_kl_divergence` (Student-t kernel with one
 * degree of freedom, 2-D), over the upper triangle of P stored row by row ("condensed", as scipy's
 * `squareform` stores it: pairs (0,1), (0,2), …, (1,2), …). Positions are K·2 interleaved (x0, y0, x1, …).
 * These are the hot loops: no allocation, each pair visited once.
 */

/** Number of pairs i < j among `pointCount` points. */
export function pairCount(pointCount: number): number {
  return (pointCount * (pointCount - 1)) / 2;
}

/**
 * Writes dC/dY into `gradient` (K·2) for P scaled by `exaggeration`:
 * 4·Σⱼ (α·pᵢⱼ − qᵢⱼ)·wᵢⱼ·(yᵢ − yⱼ), wᵢⱼ = 1/(1 + ‖yᵢ − yⱼ‖²), qᵢⱼ = wᵢⱼ / Σ_{k≠l} w_kl.
 * `repulsion` is a K·2 scratch buffer. (scikit-learn floors q at machine epsilon before this sum; that floor
 * only bites when some q < 2.2e-16, far beyond any map this project draws, and is left out to keep one pass.)
 */
export function writeKlGradient(
  positions: Float64Array,
  affinitiesCondensed: Float64Array,
  pointCount: number,
  exaggeration: number,
  gradient: Float64Array,
  repulsion: Float64Array,
): void {
  gradient.fill(0);
  repulsion.fill(0);
  let kernelSum = 0;
  let pair = 0;
  for (let i = 0; i < pointCount; i++) {
    const xi = positions[2 * i];
    const yi = positions[2 * i + 1];
    let attractX = 0;
    let attractY = 0;
    let repelX = 0;
    let repelY = 0;
    for (let j = i + 1; j < pointCount; j++) {
      const dx = xi - positions[2 * j];
      const dy = yi - positions[2 * j + 1];
      const kernel = 1 / (1 + dx * dx + dy * dy);
      kernelSum += kernel;
      const attraction = affinitiesCondensed[pair++] * kernel;
      const kernelSquared = kernel * kernel;
      attractX += attraction * dx;
      attractY += attraction * dy;
      repelX += kernelSquared * dx;
      repelY += kernelSquared * dy;
      gradient[2 * j] -= attraction * dx;
      gradient[2 * j + 1] -= attraction * dy;
      repulsion[2 * j] -= kernelSquared * dx;
      repulsion[2 * j + 1] -= kernelSquared * dy;
    }
    gradient[2 * i] += attractX;
    gradient[2 * i + 1] += attractY;
    repulsion[2 * i] += repelX;
    repulsion[2 * i + 1] += repelY;
  }
  const inverseNormaliser = 1 / (2 * kernelSum);
  const attractionScale = 4 * exaggeration;
  for (let k = 0; k < 2 * pointCount; k++) {
    gradient[k] = attractionScale * gradient[k] - 4 * repulsion[k] * inverseNormaliser;
  }
}

/**
 * KL(P‖Q) as `_kl_divergence` returns it: 2·Σ_{i<j} pᵢⱼ·log(max(pᵢⱼ, ε) / qᵢⱼ), qᵢⱼ = max(wᵢⱼ / Σ_{k≠l} w_kl, ε).
 */
export function klDivergenceCondensed(positions: Float64Array, affinitiesCondensed: Float64Array, pointCount: number): number {
  let kernelSum = 0;
  for (let i = 0; i < pointCount; i++) {
    const xi = positions[2 * i];
    const yi = positions[2 * i + 1];
    for (let j = i + 1; j < pointCount; j++) {
      const dx = xi - positions[2 * j];
      const dy = yi - positions[2 * j + 1];
      kernelSum += 1 / (1 + dx * dx + dy * dy);
    }
  }
  const inverseNormaliser = 1 / (2 * kernelSum);
  let divergence = 0;
  let pair = 0;
  for (let i = 0; i < pointCount; i++) {
    const xi = positions[2 * i];
    const yi = positions[2 * i + 1];
    for (let j = i + 1; j < pointCount; j++) {
      const dx = xi - positions[2 * j];
      const dy = yi - positions[2 * j + 1];
      const q = Math.max(inverseNormaliser / (1 + dx * dx + dy * dy), MACHINE_EPSILON);
      const p = affinitiesCondensed[pair++];
      divergence += p * Math.log(Math.max(p, MACHINE_EPSILON) / q);
    }
  }
  return 2 * divergence;
}
