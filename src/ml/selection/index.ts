/** Model selection: splitters, parameter spaces, cross-validation units, grid and random search. */
export { choice, logUniform, parameterGrid, randInt, sampleParameters, uniform, type Distribution, type ParamDistributions, type ParamGrid, type ParamSet } from './params.js';
export {
  aggregateResults,
  flattenResults,
  GridSearch,
  RandomSearch,
  rankScores,
  type CandidateResult,
  type SearchOptions,
  type SearchResults,
  type SearchUnit,
} from './search.js';
export {
  GroupKFold,
  KFold,
  numSamples,
  StratifiedKFold,
  TimeSeriesSplit,
  trainTestSplit,
  type Fold,
  type KFoldOptions,
  type Splitter,
  type TimeSeriesSplitOptions,
  type TrainTestSplitOptions,
} from './split.js';
export { applySplit, takeLabels, takeRows, type RowTakeable } from './subset.js';
export {
  crossValidate,
  fitAndScore,
  isClassifier,
  meanStd,
  resolveCv,
  resolveScoring,
  type CrossValidateOptions,
  type CrossValidateResult,
  type ErrorScore,
  type EstimatorFactory,
  type FitAndScoreResult,
  type FitAndScoreTask,
  type Scoring,
  type SearchEstimator,
} from './validate.js';
