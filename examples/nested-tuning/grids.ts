/**
 * The algorithms of the tuning example, their parameter grids, and how to build a model from a
 * candidate. Every model is a pipeline (StandardScaler → model), so each CV fold fits its scaler
 * on its own training rows and nothing leaks from the validation rows.
 */
import {
  GradientBoostingClassifier,
  LogisticRegression,
  MLPClassifier,
  RandomForestClassifier,
  SGDClassifier,
  StandardScaler,
  makePipeline,
  type ParamGrid,
  type ParamSet,
  type Pipeline,
} from 'sluice/ml';

export const ALGORITHMS = ['lr', 'svm', 'rf', 'gb', 'mlp'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export type GridSize = 'small' | 'full';

/** Per algorithm: a small grid (2 candidates, for quick runs and tests) and the full one. */
const GRIDS: Readonly<Record<Algorithm, Readonly<Record<GridSize, ParamGrid>>>> = {
  lr: {
    small: { C: [0.01, 1] },
    full: { C: [0.001, 0.01, 0.1, 1, 10] },
  },
  svm: {
    small: { alpha: [1e-4, 1e-2] },
    full: { alpha: [1e-5, 1e-4, 1e-3, 1e-2] },
  },
  rf: {
    small: { nEstimators: [20], maxDepth: [4, null] },
    full: { nEstimators: [100], maxDepth: [6, 12, null], maxFeatures: ['sqrt', 0.5] },
  },
  gb: {
    small: { learningRate: [0.1], maxIter: [20, 60] },
    full: { learningRate: [0.05, 0.1, 0.2], maxIter: [50, 150], maxLeafNodes: [15, 31] },
  },
  mlp: {
    small: { hiddenLayerSizes: [[16]], alpha: [1e-4, 1e-1] },
    full: { hiddenLayerSizes: [[32], [64, 32]], alpha: [1e-4, 1e-2, 1] },
  },
};

export function gridOf(algo: Algorithm, size: GridSize): ParamGrid {
  return GRIDS[algo][size];
}

/** Builds an unfitted pipeline for one candidate. Unknown parameter names fail loudly. */
export function makeEstimator(algo: Algorithm, params: ParamSet, seed: number): Pipeline {
  const known = Object.keys(GRIDS[algo].full);
  const unknown = Object.keys(params).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new Error(`${algo}: unknown parameter(s) ${unknown.join(', ')}; the grid has ${known.join(', ')}`);
  const p = params as Record<string, never>;
  switch (algo) {
    case 'lr':
      return makePipeline(new StandardScaler(), new LogisticRegression({ C: p.C }));
    case 'svm':
      return makePipeline(new StandardScaler(), new SGDClassifier({ loss: 'hinge', alpha: p.alpha, seed }));
    case 'rf':
      // One thread per fit: the fold tasks already run in parallel.
      return makePipeline(new StandardScaler(), new RandomForestClassifier({ nEstimators: p.nEstimators, maxDepth: p.maxDepth, maxFeatures: p.maxFeatures, nJobs: 1, seed }));
    case 'gb':
      // Early stopping off: maxIter is one of the tuned parameters.
      return makePipeline(
        new StandardScaler(),
        new GradientBoostingClassifier({ learningRate: p.learningRate, maxIter: p.maxIter, maxLeafNodes: p.maxLeafNodes, earlyStopping: false, seed }),
      );
    case 'mlp':
      return makePipeline(new StandardScaler(), new MLPClassifier({ hiddenLayerSizes: p.hiddenLayerSizes, alpha: p.alpha, maxIter: 300, seed }));
  }
}

/** Compact text for a parameter set: `C=0.1, maxDepth=null`. */
export function formatParams(params: ParamSet): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
}
