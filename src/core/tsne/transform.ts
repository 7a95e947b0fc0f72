import { LlmapError } from '../errors.ts';
import { assertFinite, type Matrix } from '../matrix.ts';
import { conditionalAffinitiesToReference } from './affinities.ts';
import { assertCount, assertNumberInRange, assertShape, assertSquaredDistances } from './checks.ts';
import { medianOfNearestInitialisation } from './init.ts';
import { partialKlDivergence, writePartialGradient } from './partialObjective.ts';

/** Where new points start: openTSNE's median of the k nearest references, or given positions (M×2). */
export type TransformInitialisation = { readonly kind: 'median'; readonly k: number } | { readonly kind: 'positions'; readonly positions: Matrix };

/** openTSNE `TSNEEmbedding.transform` options; the defaults are openTSNE's. */
export interface TransformTsneOptions {
  /** Perplexity of the affinities to the references. Default 5; lowered to (K − 1)/3 when K − 1 < 3·perplexity. */
  readonly perplexity?: number;
  /** Default `{ kind: 'median', k: 25 }` (k is capped by the affinity neighbours, as in openTSNE). */
  readonly initialisation?: TransformInitialisation;
  /** Default 0.1. */
  readonly learningRate?: number;
  /** Default 4 (unused while `earlyExaggerationIterations` is 0). */
  readonly earlyExaggeration?: number;
  /** Default 0. */
  readonly earlyExaggerationIterations?: number;
  /** Exaggeration of the main phase. Default 1.5. */
  readonly exaggeration?: number;
  /** Iterations of the main phase. Default 250. */
  readonly iterations?: number;
  /** Momentum of the early phase. Default 0.5. */
  readonly initialMomentum?: number;
  /** Momentum of the main phase. Default 0.8. */
  readonly finalMomentum?: number;
  /** Per-point gradient norm clip (`max_grad_norm`); null turns clipping off. Default 0.25. */
  readonly maxGradientNorm?: number | null;
}

export interface TsneTransform {
  /** M×2 positions, in the reference embedding's own coordinates. */
  readonly positions: Matrix;
  /** Per new point, KL(Pᵢ‖Qᵢ) against the references at its final position (unexaggerated). */
  readonly klDivergencePerPoint: Float64Array;
  /** The perplexity and neighbour count actually used. */
  readonly perplexity: number;
  readonly neighbours: number;
}

const MIN_GAIN = 0.01;
const GRID_PADDING = 0.25;
const CLIP_NORM_GUARD = 1e-6;

/**
 * Places new points (rows of `sqDistancesNewByRef`, M×K squared distances to the K references) on a fixed
 * t-SNE map (`referenceEmbedding`, K×2), as openTSNE's `TSNEEmbedding.transform` does with its defaults, but
 * with an exact gradient (see partialObjective.ts) and without moving the reference: openTSNE re-centres
 * the reference on its bounding-box midpoint in place; here the reference is only read, and the results
 * are in its coordinates.
 *
 * Per point: `conditionalAffinitiesToReference` with k = min(K − 1, ⌊3·perplexity⌋); start at the median
 * of its min(25, k) nearest references; then gradient descent with per-point gradient clipping, per-coordinate
 * gains (+0.2 when the update and the gradient differ in sign, else ×0.8 + 0.01) and momentum, the update
 * reset at each phase. openTSNE (since PR #154) also keeps new points inside the disc of its interpolation
 * grid, centred on the reference's bounding-box midpoint with radius 1.25 × the largest half-extent, and, as
 * its code reads, then sets the gains of every point inside the disc to 0 after each step, so gains in
 * practice are 0.2 (consistent direction) or 0.01. Both are reproduced. Points are independent: placing
 * them one at a time gives the same positions as placing them together.
 */
export function transformTsne(referenceEmbedding: Matrix, sqDistancesNewByRef: Matrix, options: TransformTsneOptions = {}): TsneTransform {
  const referenceCount = referenceEmbedding.rows;
  assertShape(referenceEmbedding, undefined, 2, 'The reference t-SNE embedding');
  assertFinite(referenceEmbedding.values, 'The reference t-SNE embedding');
  if (referenceCount < 2) {
    throw new LlmapError('too-few-models', `Placing points on a t-SNE map needs at least 2 reference points; got ${referenceCount}.`);
  }
  const what = 'The squared distances from the new points to the references';
  assertShape(sqDistancesNewByRef, undefined, referenceCount, what);
  assertSquaredDistances(sqDistancesNewByRef, what);
  const newPointCount = sqDistancesNewByRef.rows;

  const requestedPerplexity = options.perplexity ?? 5;
  assertNumberInRange(requestedPerplexity, 'The transform perplexity', 0);
  const perplexity = referenceCount - 1 < 3 * requestedPerplexity ? (referenceCount - 1) / 3 : requestedPerplexity;
  const neighbours = Math.min(referenceCount - 1, Math.floor(3 * perplexity));
  if (neighbours < 1) {
    throw new LlmapError('invalid-argument', `A transform perplexity of ${requestedPerplexity} gives no reference neighbours (⌊3·perplexity⌋ = 0). Use at least 1/3.`);
  }
  const affinities = conditionalAffinitiesToReference(sqDistancesNewByRef, perplexity, neighbours);
  const start = startingPositions(referenceEmbedding, sqDistancesNewByRef, options.initialisation ?? { kind: 'median', k: 25 }, neighbours);

  const learningRate = options.learningRate ?? 0.1;
  const maxGradientNorm = options.maxGradientNorm === undefined ? 0.25 : options.maxGradientNorm;
  assertNumberInRange(learningRate, 'The transform learning rate', 0);
  if (maxGradientNorm !== null) assertNumberInRange(maxGradientNorm, 'The transform maximum gradient norm', 0);
  const phases = [
    { iterations: options.earlyExaggerationIterations ?? 0, exaggeration: options.earlyExaggeration ?? 4, momentum: options.initialMomentum ?? 0.5 },
    { iterations: options.iterations ?? 250, exaggeration: options.exaggeration ?? 1.5, momentum: options.finalMomentum ?? 0.8 },
  ];
  for (const phase of phases) {
    assertCount(phase.iterations, 'Transform iterations', 0);
    assertNumberInRange(phase.exaggeration, 'The transform exaggeration', 0);
    assertNumberInRange(phase.momentum, 'The transform momentum', -Infinity);
  }

  const referencePositions = referenceEmbedding.values;
  const disc = gridDisc(referencePositions);
  const positions = new Float64Array(newPointCount * 2);
  const klDivergencePerPoint = new Float64Array(newPointCount);
  const gradient = new Float64Array(2);
  const update = new Float64Array(2);
  const gains = new Float64Array(2);
  const position = new Float64Array(2);
  for (let i = 0; i < newPointCount; i++) {
    position[0] = start.values[2 * i];
    position[1] = start.values[2 * i + 1];
    gains.fill(1);
    for (const phase of phases) {
      update.fill(0);
      for (let iteration = 0; iteration < phase.iterations; iteration++) {
        writePartialGradient(referencePositions, affinities, i, position[0], position[1], phase.exaggeration, gradient);
        if (maxGradientNorm !== null) {
          const clip = maxGradientNorm / (Math.hypot(gradient[0], gradient[1]) + CLIP_NORM_GUARD);
          if (clip < 1) {
            gradient[0] *= clip;
            gradient[1] *= clip;
          }
        }
        for (let axis = 0; axis < 2; axis++) {
          gains[axis] = Math.sign(update[axis]) !== Math.sign(gradient[axis]) ? gains[axis] + 0.2 : gains[axis] * 0.8 + MIN_GAIN;
          update[axis] = phase.momentum * update[axis] - learningRate * gains[axis] * gradient[axis];
          position[axis] += update[axis];
        }
        if (!clipToDisc(position, disc)) gains.fill(0);
      }
    }
    positions[2 * i] = position[0];
    positions[2 * i + 1] = position[1];
    klDivergencePerPoint[i] = partialKlDivergence(referencePositions, affinities, i, position[0], position[1]);
  }
  return { positions: { rows: newPointCount, cols: 2, values: positions }, klDivergencePerPoint, perplexity, neighbours };
}

function startingPositions(referenceEmbedding: Matrix, sqDistancesNewByRef: Matrix, initialisation: TransformInitialisation, neighbours: number): Matrix {
  if (initialisation.kind === 'median') {
    assertCount(initialisation.k, 'The number of neighbours for the median initialisation', 1);
    return medianOfNearestInitialisation(referenceEmbedding, sqDistancesNewByRef, Math.min(initialisation.k, neighbours));
  }
  assertShape(initialisation.positions, sqDistancesNewByRef.rows, 2, 'The initial positions of the new points');
  assertFinite(initialisation.positions.values, 'The initial positions of the new points');
  return initialisation.positions;
}

interface Disc {
  readonly centreX: number;
  readonly centreY: number;
  readonly radius: number;
}

/** openTSNE's transform boundary: the padded interpolation grid's disc around the bounding-box midpoint. */
function gridDisc(referencePositions: Float64Array): Disc {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let k = 0; k < referencePositions.length; k += 2) {
    minX = Math.min(minX, referencePositions[k]);
    maxX = Math.max(maxX, referencePositions[k]);
    minY = Math.min(minY, referencePositions[k + 1]);
    maxY = Math.max(maxY, referencePositions[k + 1]);
  }
  const halfExtent = Math.max(maxX - minX, maxY - minY) / 2;
  return { centreX: (minX + maxX) / 2, centreY: (minY + maxY) / 2, radius: halfExtent * (1 + GRID_PADDING) };
}

/** Pulls `position` back onto the disc if it left it; returns whether it was outside. */
function clipToDisc(position: Float64Array, disc: Disc): boolean {
  const offsetX = position[0] - disc.centreX;
  const offsetY = position[1] - disc.centreY;
  const distance = Math.hypot(offsetX, offsetY);
  if (!(distance > disc.radius)) return false;
  position[0] = disc.centreX + (offsetX * disc.radius) / distance;
  position[1] = disc.centreY + (offsetY * disc.radius) / distance;
  return true;
}
