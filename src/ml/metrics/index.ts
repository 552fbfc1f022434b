/** Metrics: classification, probabilistic, regression, streaming accumulators and named scorers. */
export {
  accuracy,
  balancedAccuracy,
  confusionMatrix,
  f1,
  fbeta,
  precision,
  precisionRecallFscoreSupport,
  recall,
  type Average,
  type ConfusionMatrix,
  type ConfusionMatrixOptions,
  type PerClassScores,
  type PrfOptions,
} from './classification.js';
export { compareLabels, type LabelArray } from './labels.js';
export { binaryAuc, LOG_LOSS_EPS, logLoss, rocAuc, type LogLossOptions, type RocAucOptions } from './probabilistic.js';
export { mae, mse, r2, rmse } from './regression.js';
export { makeScorer, registerScorer, scorer, scorerNames, type MakeScorerOptions, type ScoredEstimator, type Scorer } from './scorer.js';
export {
  StreamingClassificationMetrics,
  StreamingRegressionMetrics,
  type AveragedScores,
  type StreamingClassificationOptions,
  type StreamingClassificationResult,
  type StreamingClassificationState,
  type StreamingRegressionResult,
  type StreamingRegressionState,
} from './streaming.js';
