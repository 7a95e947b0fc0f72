import type { CentringFrame } from './frame.ts';
import type { Matrix } from './matrix.ts';
import type { PcaFit } from './pca.ts';
import type { RidgeFit } from './ridge.ts';

/**
 * What the t-SNE affinities are computed from: ‖q_i − q_j‖² (∝ KL; 2) or its square (∝ KL²; 4). The paper's
 * `TSNE(metric='sqeuclidean')` in scikit-learn 1.2 squares the metric's output once more, so its map used power 4.
 */
export type TsneDistancePower = 2 | 4;

/** A score the map predicts from a model's vector, with how well it did under cross-validation. */
export interface ScorePredictor {
  readonly name: string;
  readonly fit: RidgeFit;
  readonly crossValidation: {
    readonly folds: 'group' | 'kfold';
    readonly pearson: number;
    readonly spearman: number;
    readonly rootMeanSquaredError: number;
  };
}

/**
 * Everything `place()` needs from a map, in memory: the centring frame, the reference vectors, the layouts and
 * predictors fitted on them, the text categories, and the scale of typical nearest-neighbour KL.
 */
export interface MapFrame {
  readonly centring: CentringFrame;
  /** Q, K models × N texts. */
  readonly qModelsByTexts: Matrix;
  /** Mean UTF-8 bytes per text, for bits per byte. */
  readonly meanBytesPerText: number;
  /** Category index of each text (0..categoryNames.length − 1). */
  readonly categoryOfText: Int32Array;
  readonly categoryNames: readonly string[];
  readonly pca: PcaFit;
  /** Reference t-SNE positions, K×2. */
  readonly tsnePositions: Matrix;
  /** The t-SNE affinities were computed from ‖q_i − q_j‖ raised to this power; placement uses the same. */
  readonly tsneDistancePower: TsneDistancePower;
  readonly predictors: readonly ScorePredictor[];
  /** Each reference model's KL to its nearest other reference, nats per text. */
  readonly referenceNearestKlNatsPerText: Float64Array;
  /** Beyond this nearest KL a placed model is flagged off-map. */
  readonly offMapKlNatsPerText: number;
}
