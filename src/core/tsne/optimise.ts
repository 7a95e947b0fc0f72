import { LlmapError } from '../errors.ts';
import { assertFinite, type Matrix } from '../matrix.ts';
import { assertCount, assertNumberInRange, assertShape } from './checks.ts';
import { klDivergenceCondensed, pairCount, writeKlGradient } from './gradient.ts';

/**
 * scikit-learn 1.2's exact t-SNE optimiser (`TSNE._tsne` with `_gradient_descent` and `_kl_divergence`),
 * offered in steps so a worker can report progress and cancel:
 *   const state = initTsne(P, initialPositions); while (!done) stepTsne(state, 50);
 *
 * Schedule: `earlyExaggerationIterations` iterations with P × `earlyExaggeration` and momentum 0.5, then
 * plain P with momentum 0.8 up to `iterations` in all; the update and the gains restart between the two
 * phases (scikit-learn calls `_gradient_descent` twice). Gains: +0.2 where the update and the gradient
 * disagree in sign, ×0.8 elsewhere, floored at 0.01. Every 50th iteration (global count) it evaluates the
 * KL divergence and the norm of the gain-scaled gradient; it stops on norm ≤ `minGradientNorm`, or, after
 * the early phase, when the KL divergence has not improved for more than `iterationsWithoutProgress`
 * iterations. An early stop inside the early phase only ends that phase, as in scikit-learn.
 *
 * Arithmetic is float64 throughout; scikit-learn keeps positions, update and gains in float32 when they
 * start from its float32 PCA initialisation, so trajectories agree only statistically, never digit for digit.
 */

export interface TsneOptimiseOptions {
  /** Total iterations, early exaggeration included (scikit-learn `n_iter`/`max_iter`). Default 1000. */
  readonly iterations?: number;
  /** Factor on P during the early phase. Default 12. */
  readonly earlyExaggeration?: number;
  /** Length of the early phase. Default 250 (scikit-learn's fixed `_EXPLORATION_N_ITER`). */
  readonly earlyExaggerationIterations?: number;
  /** 'auto' = max(K / earlyExaggeration / 4, 50), scikit-learn's rule. Default 'auto'. */
  readonly learningRate?: 'auto' | number;
  /** Stop when the norm of the gain-scaled gradient falls to this. Default 1e-7. */
  readonly minGradientNorm?: number;
  /** Stop after this many iterations without a better KL divergence (final phase). Default 300. */
  readonly iterationsWithoutProgress?: number;
}

export type TsneStopReason = 'running' | 'iterations' | 'gradient-norm' | 'no-progress';

export interface TsneSettings {
  readonly iterations: number;
  readonly earlyExaggeration: number;
  readonly earlyExaggerationIterations: number;
  readonly learningRate: number;
  readonly minGradientNorm: number;
  readonly iterationsWithoutProgress: number;
}

/**
 * The optimiser's state. It is owned by the optimiser: `stepTsne` advances it in place and returns it; read
 * the positions with `tsnePositions(state)`, which copies. Nothing here aliases the caller's inputs.
 */
export interface TsneState {
  readonly pointCount: number;
  readonly settings: TsneSettings;
  /** Iterations completed so far. */
  readonly iteration: number;
  /** KL(P‖Q) at the last evaluation (every 50 iterations, before that iteration's update); NaN before any. */
  readonly klDivergence: number;
  /** Norm of the gain-scaled gradient at the last check; NaN before any. */
  readonly gradientNorm: number;
  readonly stopReason: TsneStopReason;
  readonly inEarlyExaggeration: boolean;
  /** K·2 positions (x0, y0, x1, …), advanced in place. */
  readonly positions: Float64Array;
  readonly affinitiesCondensed: Float64Array;
  readonly update: Float64Array;
  readonly gains: Float64Array;
  readonly gradient: Float64Array;
  readonly repulsion: Float64Array;
  readonly bestKlDivergence: number;
  readonly bestIteration: number;
}

type OwnedTsneState = { -readonly [Field in keyof TsneState]: TsneState[Field] };

const CHECK_EVERY = 50;
const EARLY_MOMENTUM = 0.5;
const FINAL_MOMENTUM = 0.8;
const MIN_GAIN = 0.01;

/** Starts an optimisation from symmetric joint affinities P (K×K, e.g. `jointAffinities`) and K×2 positions. */
export function initTsne(affinities: Matrix, initialPositions: Matrix, options: TsneOptimiseOptions = {}): TsneState {
  const pointCount = affinities.rows;
  const affinitiesCondensed = condensedAffinities(affinities);
  assertShape(initialPositions, pointCount, 2, 'The initial t-SNE positions');
  assertFinite(initialPositions.values, 'The initial t-SNE positions');
  const settings = resolveSettings(pointCount, options);
  const size = 2 * pointCount;
  const gains = new Float64Array(size).fill(1);
  return {
    pointCount,
    settings,
    iteration: 0,
    klDivergence: Number.NaN,
    gradientNorm: Number.NaN,
    stopReason: settings.iterations === 0 ? 'iterations' : 'running',
    inEarlyExaggeration: settings.earlyExaggerationIterations > 0,
    positions: Float64Array.from(initialPositions.values),
    affinitiesCondensed,
    update: new Float64Array(size),
    gains,
    gradient: new Float64Array(size),
    repulsion: new Float64Array(size),
    bestKlDivergence: Infinity,
    bestIteration: 0,
  };
}

/** Runs up to `iterations` more iterations (fewer if it stops); advances `state` in place and returns it. */
export function stepTsne(state: TsneState, iterations: number): TsneState {
  assertCount(iterations, 'The number of t-SNE iterations to run', 0);
  const owned = state as OwnedTsneState;
  for (let done = 0; done < iterations && owned.stopReason === 'running'; done++) runIteration(owned);
  return state;
}

/** A copy of the current positions as a K×2 matrix. */
export function tsnePositions(state: TsneState): Matrix {
  return { rows: state.pointCount, cols: 2, values: Float64Array.from(state.positions) };
}

/** KL(P‖Q) of positions (K×2) under joint affinities P (K×K), exactly as scikit-learn's `_kl_divergence`. */
export function klDivergence(affinities: Matrix, positions: Matrix): number {
  const affinitiesCondensed = condensedAffinities(affinities);
  assertShape(positions, affinities.rows, 2, 't-SNE positions');
  assertFinite(positions.values, 't-SNE positions');
  return klDivergenceCondensed(positions.values, affinitiesCondensed, affinities.rows);
}

/** dKL/dY (K×2) as scikit-learn's `_kl_divergence` returns it, with P scaled by `exaggeration` (default 1). */
export function klDivergenceGradient(affinities: Matrix, positions: Matrix, exaggeration = 1): Matrix {
  const affinitiesCondensed = condensedAffinities(affinities);
  assertShape(positions, affinities.rows, 2, 't-SNE positions');
  assertFinite(positions.values, 't-SNE positions');
  const gradient = new Float64Array(positions.values.length);
  writeKlGradient(positions.values, affinitiesCondensed, affinities.rows, exaggeration, gradient, new Float64Array(gradient.length));
  return { rows: positions.rows, cols: 2, values: gradient };
}

function runIteration(state: OwnedTsneState): void {
  const { settings, pointCount, positions, update, gains, gradient } = state;
  const index = state.iteration;
  const early = state.inEarlyExaggeration;
  const phaseEnd = early ? settings.earlyExaggerationIterations : settings.iterations;
  const isCheck = (index + 1) % CHECK_EVERY === 0;
  if (isCheck || index === phaseEnd - 1) {
    state.klDivergence = klDivergenceCondensed(positions, state.affinitiesCondensed, pointCount);
  }
  writeKlGradient(positions, state.affinitiesCondensed, pointCount, early ? settings.earlyExaggeration : 1, gradient, state.repulsion);

  const momentum = early ? EARLY_MOMENTUM : FINAL_MOMENTUM;
  const learningRate = settings.learningRate;
  let gradientNormSquared = 0;
  for (let k = 0; k < positions.length; k++) {
    const gain = update[k] * gradient[k] < 0 ? gains[k] + 0.2 : Math.max(gains[k] * 0.8, MIN_GAIN);
    gains[k] = gain;
    const scaledGradient = gradient[k] * gain;
    gradientNormSquared += scaledGradient * scaledGradient;
    update[k] = momentum * update[k] - learningRate * scaledGradient;
    positions[k] += update[k];
  }
  state.iteration = index + 1;

  let phaseOver = index + 1 >= phaseEnd;
  if (isCheck) {
    state.gradientNorm = Math.sqrt(gradientNormSquared);
    const patience = early ? settings.earlyExaggerationIterations : settings.iterationsWithoutProgress;
    if (state.klDivergence < state.bestKlDivergence) {
      state.bestKlDivergence = state.klDivergence;
      state.bestIteration = index;
    } else if (index - state.bestIteration > patience) {
      phaseOver = true;
      if (!early) state.stopReason = 'no-progress';
    }
    if (state.stopReason === 'running' && state.gradientNorm <= settings.minGradientNorm) {
      phaseOver = true;
      if (!early) state.stopReason = 'gradient-norm';
    }
  }
  if (!phaseOver) return;
  if (early) {
    state.inEarlyExaggeration = false;
    update.fill(0);
    gains.fill(1);
    state.bestKlDivergence = Infinity;
    state.bestIteration = state.iteration;
    if (state.iteration >= settings.iterations) state.stopReason = 'iterations';
  } else if (state.stopReason === 'running') {
    state.stopReason = 'iterations';
  }
}

function resolveSettings(pointCount: number, options: TsneOptimiseOptions): TsneSettings {
  const iterations = options.iterations ?? 1000;
  const earlyExaggeration = options.earlyExaggeration ?? 12;
  const earlyExaggerationIterations = options.earlyExaggerationIterations ?? 250;
  const minGradientNorm = options.minGradientNorm ?? 1e-7;
  const iterationsWithoutProgress = options.iterationsWithoutProgress ?? 300;
  assertCount(iterations, 't-SNE iterations', 0);
  assertCount(earlyExaggerationIterations, 't-SNE early-exaggeration iterations', 0);
  if (earlyExaggerationIterations > iterations) {
    throw new LlmapError(
      'invalid-argument',
      `t-SNE early exaggeration lasts ${earlyExaggerationIterations} iterations, more than the ${iterations} iterations in all. ` +
        'Raise the iterations or shorten the early phase.',
      { iterations, earlyExaggerationIterations },
    );
  }
  assertNumberInRange(earlyExaggeration, 't-SNE early exaggeration', 0);
  assertNumberInRange(minGradientNorm, 't-SNE minimum gradient norm', -Infinity);
  assertCount(iterationsWithoutProgress, 't-SNE iterations without progress', 0);
  const learningRateOption = options.learningRate ?? 'auto';
  const learningRate = learningRateOption === 'auto' ? Math.max(pointCount / earlyExaggeration / 4, 50) : learningRateOption;
  assertNumberInRange(learningRate, 't-SNE learning rate', 0);
  return { iterations, earlyExaggeration, earlyExaggerationIterations, learningRate, minGradientNorm, iterationsWithoutProgress };
}

/** The upper triangle of a symmetric, non-negative K×K P, row by row; throws on anything else. */
function condensedAffinities(affinities: Matrix): Float64Array {
  const pointCount = affinities.rows;
  assertShape(affinities, pointCount, pointCount, 'The t-SNE affinity matrix P');
  assertFinite(affinities.values, 'The t-SNE affinity matrix P');
  if (pointCount < 2) {
    throw new LlmapError('too-few-models', `t-SNE needs at least 2 points; got ${pointCount}.`, { pointCount });
  }
  const condensed = new Float64Array(pairCount(pointCount));
  let pair = 0;
  for (let i = 0; i < pointCount; i++) {
    for (let j = i + 1; j < pointCount; j++) {
      const upper = affinities.values[i * pointCount + j];
      const lower = affinities.values[j * pointCount + i];
      if (upper < 0 || Math.abs(upper - lower) > 1e-9 * Math.max(Math.abs(upper), Math.abs(lower))) {
        throw new LlmapError(
          'invalid-argument',
          `The t-SNE affinity matrix P must be symmetric and non-negative, but P[${i}][${j}] = ${upper} and P[${j}][${i}] = ${lower}. ` +
            'Build it with jointAffinities.',
          { i, j, upper, lower },
        );
      }
      condensed[pair++] = upper;
    }
  }
  return condensed;
}
