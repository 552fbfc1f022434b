/** Linear models: logistic regression (L-BFGS), SGD classifier, least squares and ridge. */
export { LogisticRegression } from './logistic.js';
export type { LogisticRegressionOptions, LogisticRegressionState } from './logistic.js';
export { SGDClassifier } from './sgd.js';
export type { SGDClassifierOptions, SGDClassifierState, SGDLearningRate, SGDLoss } from './sgd.js';
export { LinearRegression, Ridge } from './least-squares.js';
export type { LinearModelState, LinearRegressionOptions, RidgeOptions } from './least-squares.js';
export { minimizeLbfgs } from './lbfgs.js';
export type { LbfgsOptions, LbfgsResult, Objective } from './lbfgs.js';
