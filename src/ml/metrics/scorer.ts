/**
 * Scorers: a metric bound to how it reads an estimator (labels, probabilities or scores), named as
 * in scikit-learn (`'accuracy'`, `'f1_macro'`, `'roc_auc'`, `'neg_log_loss'`, `'r2'`, ...).
 * A scorer's value is always "greater is better": losses are negated (`neg_*`).
 */
import { DataError, ParamError } from '../core/errors.js';
import type { Label } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { accuracy, balancedAccuracy, f1, precision, recall, type Average } from './classification.js';
import type { LabelArray } from './labels.js';
import { logLoss, rocAuc } from './probabilistic.js';
import { mae, mse, r2, rmse } from './regression.js';

/** What a scorer needs from an estimator. Models from sluice/ml satisfy it. */
export interface ScoredEstimator {
  predict(x: any): ArrayLike<Label>;
  predictProba?(x: any): Matrix;
  decisionFunction?(x: any): ArrayLike<number> | Matrix;
  readonly classes?: readonly Label[] | undefined;
}

export interface Scorer {
  readonly name: string;
  /** Which estimator output the metric reads. */
  readonly needs: 'predict' | 'proba' | 'threshold';
  /** The score of a fitted estimator on (x, y); greater is better. */
  score(estimator: ScoredEstimator, x: unknown, y: LabelArray): number;
}

export interface MakeScorerOptions {
  /** False for losses: the scorer returns the negated metric. Default true. */
  readonly greaterIsBetter?: boolean;
  /**
   * 'predict': metric(yTrue, predictions). 'proba': metric(yTrue, predictProba(x), classes).
   * 'threshold': metric(yTrue, scores, classes) with decisionFunction, else predictProba.
   */
  readonly needs?: 'predict' | 'proba' | 'threshold';
}

/** Wraps a metric function as a {@link Scorer}. */
export function makeScorer(
  name: string,
  metric: (yTrue: LabelArray, output: any, classes: readonly Label[] | undefined) => number,
  options: MakeScorerOptions = {},
): Scorer {
  const sign = options.greaterIsBetter === false ? -1 : 1;
  const needs = options.needs ?? 'predict';
  return {
    name,
    needs,
    score(estimator, x, y) {
      let output: unknown;
      if (needs === 'predict') output = estimator.predict(x);
      else if (needs === 'threshold' && typeof estimator.decisionFunction === 'function') output = estimator.decisionFunction(x);
      else {
        if (typeof estimator.predictProba !== 'function') {
          throw new DataError(
            `scorer '${name}': ${estimator.constructor?.name ?? 'the estimator'} has no predictProba()${needs === 'threshold' ? ' or decisionFunction()' : ''}; use a label-based scorer such as 'accuracy'`,
          );
        }
        output = estimator.predictProba(x);
      }
      return sign * metric(y, output, estimator.classes);
    },
  };
}

const registry = new Map<string, Scorer>();

/** Adds (or replaces) a named scorer, available to {@link scorer} and model selection. */
export function registerScorer(s: Scorer): void {
  registry.set(s.name, s);
}

/** Names of all registered scorers, sorted. */
export function scorerNames(): string[] {
  return [...registry.keys()].sort();
}

/** The scorer with this name; ParamError listing the known names otherwise. */
export function scorer(name: string): Scorer {
  const s = registry.get(name);
  if (!s) throw new ParamError(`scoring: unknown scorer ${JSON.stringify(name)}; known scorers: ${scorerNames().join(', ')}`);
  return s;
}

/** Probability (or score) of the positive class classes[1] for binary AUC. */
function positiveScores(output: ArrayLike<number> | Matrix, name: string): ArrayLike<number> | Matrix {
  if (output instanceof Matrix && output.cols > 2) {
    throw new DataError(`scorer '${name}': the target has ${output.cols} classes; use 'roc_auc_ovr' or 'roc_auc_ovr_weighted' for multiclass`);
  }
  return output;
}

registerScorer(makeScorer('accuracy', (y, p) => accuracy(y, p)));
registerScorer(makeScorer('balanced_accuracy', (y, p) => balancedAccuracy(y, p)));
for (const [prefix, fn] of [
  ['precision', precision],
  ['recall', recall],
  ['f1', f1],
] as const) {
  registerScorer(makeScorer(prefix, (y, p) => fn(y, p, { average: 'binary' })));
  for (const average of ['macro', 'micro', 'weighted'] as const satisfies readonly Average[]) {
    registerScorer(makeScorer(`${prefix}_${average}`, (y, p) => fn(y, p, { average })));
  }
}
registerScorer(
  makeScorer('roc_auc', (y, s, classes) => rocAuc(y, positiveScores(s, 'roc_auc'), classes && s instanceof Matrix ? { classes } : {}), {
    needs: 'threshold',
  }),
);
registerScorer(makeScorer('roc_auc_ovr', (y, p, classes) => rocAuc(y, p, { average: 'macro', ...(classes ? { classes } : {}) }), { needs: 'proba' }));
registerScorer(
  makeScorer('roc_auc_ovr_weighted', (y, p, classes) => rocAuc(y, p, { average: 'weighted', ...(classes ? { classes } : {}) }), { needs: 'proba' }),
);
registerScorer(makeScorer('neg_log_loss', (y, p, classes) => logLoss(y, p, classes ? { classes } : {}), { needs: 'proba', greaterIsBetter: false }));
registerScorer(makeScorer('r2', (y, p) => r2(y as ArrayLike<number>, p)));
for (const [names, fn] of [
  [['neg_mean_squared_error', 'neg_mse'], mse],
  [['neg_root_mean_squared_error', 'neg_rmse'], rmse],
  [['neg_mean_absolute_error', 'neg_mae'], mae],
] as const) {
  for (const name of names) registerScorer(makeScorer(name, (y, p) => fn(y as ArrayLike<number>, p), { greaterIsBetter: false }));
}
