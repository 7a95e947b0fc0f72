import type { SidecarSpec } from './sidecar.ts';

/** The map.json format version this build writes and reads. Loaders reject any other with a clear message. */
export const MAP_FORMAT_VERSION = 1;

/** What the map says about one reference model. Strings are shown as text, never as HTML. */
export interface MapModel {
  readonly id: string;
  readonly name: string;
  readonly family: string;
  /** Id of the model it was fine-tuned or derived from, or null. */
  readonly parent: string | null;
  readonly parameters: number | null;
  readonly trainingData: string | null;
  readonly source: string;
  readonly licence: string;
  /** Mean over texts of ℓ, nats per text (the paper's mean_logp colouring). */
  readonly meanLogLikelihoodNats: number;
  readonly tsne: readonly [number, number];
  readonly pca: readonly [number, number];
  /** Known scores by name (benchmarks, or anything numeric in models.json). */
  readonly scores: Readonly<Record<string, number>>;
  readonly primaryCategory: string;
  /** Anything else models.json says (kept, shown as text). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface MapPredictorManifest {
  readonly name: string;
  readonly alpha: number;
  readonly interceptValue: number;
  readonly weights: SidecarSpec;
  readonly predictionRange: { readonly min: number; readonly max: number } | null;
  readonly crossValidation: { readonly folds: 'group' | 'kfold'; readonly pearson: number; readonly spearman: number; readonly rootMeanSquaredError: number };
}

export interface MapManifest {
  readonly formatVersion: number;
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly texts: {
    readonly file: string;
    readonly sha256: string;
    readonly count: number;
    readonly meanBytesPerText: number;
    readonly categories: readonly string[];
    readonly categoryOfText: SidecarSpec;
  };
  /** How the vectors were scored; every model placed on this map must be scored the same way. */
  readonly scoring: {
    readonly protocol: string;
    readonly longTextRule: 'truncate';
    readonly unknownCharacterPolicy: string;
    readonly notes: readonly string[];
  };
  readonly frame: {
    readonly clipRule: { readonly kind: 'quantile'; readonly quantile: number } | { readonly kind: 'fixed'; readonly thresholdNats: number };
    readonly clipThresholdNats: number;
    readonly textMeanOfRowCentred: SidecarSpec;
    readonly q: SidecarSpec;
    readonly pca: { readonly axes: SidecarSpec; readonly meanByText: SidecarSpec; readonly explainedVariance: readonly number[]; readonly explainedVarianceRatio: readonly number[] };
    readonly tsne: { readonly perplexity: number; readonly iterations: number; readonly distancePower: 2 | 4; readonly klDivergence: number | null };
    readonly predictors: readonly MapPredictorManifest[];
    readonly referenceNearestKlNatsPerText: readonly number[];
    readonly offMapKlNatsPerText: number;
  };
  readonly models: readonly MapModel[];
  /** Build-time checks, e.g. leave-one-out nearest-family rate and t-SNE family purity. */
  readonly quality: Readonly<Record<string, unknown>>;
}
