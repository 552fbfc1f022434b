/**
 * The per-item work of the five parallel ML workloads, each registered with `parallel()` so map
 * workers can run it: a worker imports this module and finds the functions by name. Definitions
 * only — no top-level side effects (every worker imports this file).
 */
import {
  accuracy,
  GradientBoostingClassifier,
  LogisticRegression,
  Matrix,
  RandomForestClassifier,
  takeLabels,
  takeRows,
  type Fold,
} from 'sluice/ml';
// Re-exported from 'sluice' once src/index.ts lists the planner.
import { parallel } from '../../src/runtime/planner/index.js';

/** Training data every fold / candidate / model sees: sent once per worker as the map's shared value. */
export interface Dataset {
  readonly x: Matrix;
  readonly y: Int32Array;
}

/** 1. Feature extraction: summary statistics and spectral energy of one signal. */
export const extractFeatures = parallel('parallel-ml.extract', (signal: Float64Array): Float64Array => {
  const n = signal.length;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let crossings = 0;
  for (let i = 0; i < n; i++) {
    const v = signal[i]!;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (i > 0 && (v >= 0) !== (signal[i - 1]! >= 0)) crossings++;
  }
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (signal[i]! - mean) ** 2;
  const BINS = 24;
  const out = new Float64Array(5 + BINS);
  out.set([mean, Math.sqrt(sq / n), min, max, crossings / n]);
  // Energy at BINS frequencies (a direct DFT: the expensive part).
  for (let b = 0; b < BINS; b++) {
    const w = (2 * Math.PI * (b + 1) * 4) / n;
    let re = 0;
    let im = 0;
    for (let i = 0; i < n; i++) {
      re += signal[i]! * Math.cos(w * i);
      im -= signal[i]! * Math.sin(w * i);
    }
    out[5 + b] = Math.hypot(re, im) / n;
  }
  return out;
});

/** 2. One cross-validation fold: fit a forest on the fold's training rows, score its test rows. */
export const cvFold = parallel('parallel-ml.cvFold', (fold: Fold, _index: number, data: Dataset): number => {
  const model = new RandomForestClassifier({ nEstimators: 40, maxDepth: 10, seed: 1 });
  model.fit(takeRows(data.x, fold.train), takeLabels(data.y, fold.train));
  return accuracy(takeLabels(data.y, fold.test), model.predict(takeRows(data.x, fold.test)));
});

/** 3. One grid-search candidate: fit on the training split, score on the validation split. */
export interface Candidate {
  readonly nEstimators: number;
  readonly maxDepth: number | null;
  readonly maxFeatures: 'sqrt' | number;
  readonly minSamplesLeaf: number;
}
export interface Holdout extends Dataset {
  readonly train: Int32Array;
  readonly valid: Int32Array;
}
export const evaluateCandidate = parallel('parallel-ml.candidate', (params: Candidate, _index: number, data: Holdout): { params: Candidate; score: number } => {
  const model = new RandomForestClassifier({ ...params, seed: 3 });
  model.fit(takeRows(data.x, data.train), takeLabels(data.y, data.train));
  return { params, score: accuracy(takeLabels(data.y, data.valid), model.predict(takeRows(data.x, data.valid))) };
});

/** 4. Batch prediction: one row through a fitted model (the model is the shared value, sent once). */
export const predictRow = parallel('parallel-ml.predictRow', (row: Float64Array, _index: number, model: LogisticRegression): number => {
  return model.predictProba(new Matrix(1, row.length, row)).data[1]!;
});

/** 5. One ensemble member: gradient boosting on a bootstrap sample drawn from `seed`; returns the fitted model. */
export const trainMember = parallel('parallel-ml.member', (seed: number, _index: number, data: Dataset): GradientBoostingClassifier => {
  const n = data.y.length;
  const rows = new Int32Array(n);
  let s = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    rows[i] = s % n;
  }
  return new GradientBoostingClassifier({ maxIter: 60, learningRate: 0.1, seed }).fit(takeRows(data.x, rows), takeLabels(data.y, rows));
});
