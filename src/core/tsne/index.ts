export { jointAffinities, conditionalAffinitiesToReference, type ReferenceAffinities } from './affinities.ts';
export { pcaInitialisation, medianOfNearestInitialisation } from './init.ts';
export {
  initTsne,
  stepTsne,
  tsnePositions,
  klDivergence,
  klDivergenceGradient,
  type TsneOptimiseOptions,
  type TsneSettings,
  type TsneState,
  type TsneStopReason,
} from './optimise.ts';
export { fitTsne, type FitTsneOptions, type TsneFit } from './fit.ts';
export { transformTsne, type TransformInitialisation, type TransformTsneOptions, type TsneTransform } from './transform.ts';
