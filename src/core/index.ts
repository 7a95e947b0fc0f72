// The maths of log-likelihood maps: pure functions over typed arrays, no DOM, no I/O.
export { LlmapError, isLlmapError, type LlmapErrorCode } from './errors.ts';
export { matrix, matrixFromRows, rowView, type Matrix } from './matrix.ts';
export { seededRng, type Rng } from './rng.ts';
export { quantile } from './quantile.ts';
export { fitFrame, centreNewVector, clipLogLikelihoods, PAPER_CLIP_RULE, type ClipRule, type CentringFrame, type FittedFrame } from './frame.ts';
export { gramMatrix, squaredDistancesFromGram } from './gram.ts';
export {
  pairwiseKlNatsPerText,
  klNatsPerTextToReferences,
  klNatsPerTextFromSquaredDistance,
  natsPerTextToBitsPerByte,
} from './kl.ts';
export { fitPca, projectOnPca, type PcaFit } from './pca.ts';
export { fitTsne, transformTsne, pcaInitialisation, initTsne, stepTsne, tsnePositions, type TsneFit, type TsneState } from './tsne/index.ts';
export { fitRidgeCv, predictRidge, crossValidateRidge, PAPER_RIDGE_ALPHAS, type RidgeFit, type RidgeOptions } from './ridge.ts';
export { kFold, groupKFold, shuffledKFold } from './folds.ts';
export { pearson, spearman } from './correlation.ts';
export { fullSample, uniformSample, type TextSample } from './textSample.ts';
export { lsProbabilities, klProbabilities, drawTexts, sampleFromDraws, weightedSampleMatrix, lsDraws, firstAppearances } from './lsSampling.ts';
export { domainProfile, type DomainProfile } from './profile.ts';
export { fitMap, usablePerplexity, type FitMapOptions, type ScoreColumn } from './fitMap.ts';
export type { MapFrame, ScorePredictor, TsneDistancePower } from './mapFrame.ts';
export { place, KL_APPROXIMATION_LIMIT_BITS_PER_BYTE, type Observation, type PlaceOptions, type Placement, type NearestReference, type PredictedScore } from './place.ts';
export type { Ellipse } from './bootstrap.ts';
