import type { ReferenceAffinities } from './affinities.ts';
import { MACHINE_EPSILON } from './affinities.ts';

/**
 * The objective of new points placed against a fixed reference embedding, as openTSNE's
 * `kl_divergence_bh` computes it for a partial embedding, but exact (every reference visited, the limit
 * θ → 0 of its Barnes–Hut sum). Each new point i is on its own: its attraction runs over its reference
 * neighbours only (`affinities` row i), its repulsion over all K references, and Q is normalised per point,
 * Zᵢ = Σⱼ wᵢⱼ over the references. New points never interact with each other.
 * Reference positions are K·2 interleaved, a new point's position is (x, y).
 */

/**
 * Writes openTSNE's gradient for new point i at (x, y) into `out` (2 values):
 * Σ_{j∈nn(i)} α·pᵢⱼ·wᵢⱼ·(yᵢ − rⱼ) − Σⱼ wᵢⱼ²·(yᵢ − rⱼ) / Zᵢ, wᵢⱼ = 1/(1 + ‖yᵢ − rⱼ‖²).
 * This is half of d KLᵢ/d yᵢ (openTSNE drops the constant; its learning rate and clipping assume that scale).
 * Like openTSNE, the repulsive kernel adds machine epsilon to each squared distance and to Zᵢ.
 */
export function writePartialGradient(
  referencePositions: Float64Array,
  affinities: ReferenceAffinities,
  pointIndex: number,
  x: number,
  y: number,
  exaggeration: number,
  out: Float64Array,
): void {
  const referenceCount = affinities.referenceCount;
  let kernelSum = 0;
  let repelX = 0;
  let repelY = 0;
  for (let j = 0; j < referenceCount; j++) {
    const dx = x - referencePositions[2 * j];
    const dy = y - referencePositions[2 * j + 1];
    const kernel = 1 / (1 + MACHINE_EPSILON + dx * dx + dy * dy);
    kernelSum += kernel;
    const kernelSquared = kernel * kernel;
    repelX += kernelSquared * dx;
    repelY += kernelSquared * dy;
  }
  let attractX = 0;
  let attractY = 0;
  const first = pointIndex * affinities.neighbours;
  for (let n = first; n < first + affinities.neighbours; n++) {
    const j = affinities.neighbourIndices[n];
    const dx = x - referencePositions[2 * j];
    const dy = y - referencePositions[2 * j + 1];
    const attraction = (exaggeration * affinities.affinities[n]) / (1 + dx * dx + dy * dy);
    attractX += attraction * dx;
    attractY += attraction * dy;
  }
  const inverseNormaliser = 1 / (kernelSum + MACHINE_EPSILON);
  out[0] = attractX - repelX * inverseNormaliser;
  out[1] = attractY - repelY * inverseNormaliser;
}

/** KLᵢ = Σ_{j∈nn(i)} pᵢⱼ·log(pᵢⱼ / (wᵢⱼ / Zᵢ)) for new point i at (x, y); zero-affinity terms count 0. */
export function partialKlDivergence(
  referencePositions: Float64Array,
  affinities: ReferenceAffinities,
  pointIndex: number,
  x: number,
  y: number,
): number {
  let kernelSum = 0;
  for (let j = 0; j < affinities.referenceCount; j++) {
    const dx = x - referencePositions[2 * j];
    const dy = y - referencePositions[2 * j + 1];
    kernelSum += 1 / (1 + dx * dx + dy * dy);
  }
  const logNormaliser = Math.log(kernelSum);
  let divergence = 0;
  const first = pointIndex * affinities.neighbours;
  for (let n = first; n < first + affinities.neighbours; n++) {
    const p = affinities.affinities[n];
    if (p <= 0) continue;
    const j = affinities.neighbourIndices[n];
    const dx = x - referencePositions[2 * j];
    const dy = y - referencePositions[2 * j + 1];
    // log(p / (w / Z)) = log p + log(1 + d²) + log Z
    divergence += p * (Math.log(p) + Math.log(1 + dx * dx + dy * dy) + logNormaliser);
  }
  return divergence;
}
