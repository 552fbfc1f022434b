/**
 * Our side of the ml-parity benchmark: the same models with the same defaults as the scikit-learn
 * worker, fitted on the same fold rows, scored the same way (accuracy or R²).
 */
import type { Matrix } from '../../src/ml/core/matrix.js';
import { GradientBoostingClassifier, GradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor } from '../../src/ml/ensemble/index.js';
import { LinearRegression, LogisticRegression } from '../../src/ml/linear/index.js';
import { accuracy, r2 } from '../../src/ml/metrics/index.js';
import { StandardScaler } from '../../src/ml/preprocess/index.js';
import { foldSplit, type Dataset } from './data.js';

export type ModelName = 'lr' | 'rf' | 'gb';

export interface OurResult {
  readonly score: number;
  readonly fitSeconds: number;
  readonly nIter: number | null;
}

interface Fittable {
  fit(x: Matrix, y: Float64Array): unknown;
  predict(x: Matrix): ArrayLike<number | string>;
}

function makeModel(name: ModelName, ds: Dataset, seed: number, nJobs: number): Fittable {
  const clf = ds.task === 'classification';
  switch (name) {
    case 'lr':
      return clf ? new LogisticRegression() : new LinearRegression();
    case 'rf':
      return clf ? new RandomForestClassifier({ nEstimators: 100, seed, nJobs }) : new RandomForestRegressor({ nEstimators: 100, seed, nJobs });
    case 'gb':
      return clf ? new GradientBoostingClassifier({ seed }) : new GradientBoostingRegressor({ seed });
  }
}

/** Fits and scores one model on one fold (seed = fold index, as on the Python side). */
export function runOurs(ds: Dataset, name: ModelName, fold: number, nJobs = 1): OurResult {
  const split = foldSplit(ds, fold);
  const { yTrain, yTest } = split;
  let { xTrain, xTest } = split;
  if (name === 'lr') {
    // Standardise for the linear model, fitted on the training fold only.
    const scaler = new StandardScaler().fit(xTrain);
    xTrain = scaler.transform(xTrain);
    xTest = scaler.transform(xTest);
  }
  const model = makeModel(name, ds, fold, nJobs);
  const start = performance.now();
  model.fit(xTrain, yTrain);
  const fitSeconds = (performance.now() - start) / 1000;
  const pred = model.predict(xTest);
  const score = ds.task === 'classification' ? accuracy(Array.from(yTest), Array.from(pred)) : r2(yTest, pred as Float64Array);
  const nIter = 'nIter' in model && typeof model.nIter === 'number' ? model.nIter : null;
  return { score, fitSeconds, nIter };
}
