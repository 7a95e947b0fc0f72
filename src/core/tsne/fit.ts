import type { Matrix } from '../matrix.ts';
import { jointAffinities } from './affinities.ts';
import { initTsne, klDivergence, stepTsne, tsnePositions, type TsneOptimiseOptions, type TsneStopReason } from './optimise.ts';

export interface FitTsneOptions extends TsneOptimiseOptions {
  /** Perplexity of the input affinities. Default 30 (scikit-learn's and the paper's). */
  readonly perplexity?: number;
  /** Called every 50 iterations with the iterations done and the KL divergence evaluated then. */
  readonly onProgress?: (iteration: number, klDivergence: number) => void;
}

export interface TsneFit {
  /** K×2 map positions. */
  readonly positions: Matrix;
  /** KL(P‖Q) of the returned positions. (scikit-learn's `kl_divergence_` is taken one update earlier.) */
  readonly klDivergence: number;
  /** Iterations run (scikit-learn's `n_iter_` + 1). */
  readonly iterations: number;
  readonly stopReason: TsneStopReason;
}

const PROGRESS_EVERY = 50;

/**
 * Exact t-SNE as scikit-learn 1.2's `TSNE(method='exact')` runs it on precomputed squared distances (K×K)
 * from given initial positions (K×2; see `pcaInitialisation`): `jointAffinities`, then `initTsne` and
 * `stepTsne` to the end. Use the stages directly to run in a worker with cancelling.
 */
export function fitTsne(sqDistances: Matrix, initialPositions: Matrix, options: FitTsneOptions = {}): TsneFit {
  const affinities = jointAffinities(sqDistances, options.perplexity ?? 30);
  const state = initTsne(affinities, initialPositions, options);
  while (state.stopReason === 'running') {
    stepTsne(state, PROGRESS_EVERY - (state.iteration % PROGRESS_EVERY));
    options.onProgress?.(state.iteration, state.klDivergence);
  }
  const positions = tsnePositions(state);
  return {
    positions,
    klDivergence: klDivergence(affinities, positions),
    iterations: state.iteration,
    stopReason: state.stopReason,
  };
}
