/**
 * Cross-validation built from one unit of work, {@link fitAndScore}: build an estimator from
 * parameters, fit on the train rows, score on the test rows. Units take and return plain data, so a
 * flow can run each (parameters × fold) as a foreach task and gather them with `aggregateResults`.
 */
import { performance } from 'node:perf_hooks';
import { MLError, ParamError } from '../core/errors.js';
import type { Label } from '../core/estimator.js';
import { scorer, type ScoredEstimator, type Scorer } from '../metrics/scorer.js';
import type { ParamSet } from './params.js';
import { KFold, numSamples, StratifiedKFold, type Splitter } from './split.js';
import { takeLabels, takeRows } from './subset.js';

/** What model selection needs of an estimator: fit plus what its scorers read. */
export interface SearchEstimator extends ScoredEstimator {
  fit(x: any, y: any): unknown;
}

/** Builds a fresh, unfitted estimator from parameters (no cloning: every fit gets a new one). */
export type EstimatorFactory<P extends ParamSet = ParamSet> = (params: P) => SearchEstimator;

/** Scorer names (serializable, preferred), or scorers. Default: 'accuracy' for classifiers, 'r2' otherwise. */
export type Scoring = string | readonly string[] | Scorer | Readonly<Record<string, Scorer>>;

/** Value recorded when a fit fails: 'raise' rethrows, a number (default NaN) is used as the score. */
export type ErrorScore = 'raise' | number;

/**
 * Whether an estimator is a classifier: its `estimatorType` if it declares one ('classifier' |
 * 'regressor', as Pipeline does), else whether it has `classes` or `predictProba`.
 */
export function isClassifier(estimator: object): boolean {
  const declared = (estimator as { estimatorType?: unknown }).estimatorType;
  if (declared === 'classifier' || declared === 'regressor') return declared === 'classifier';
  return 'classes' in estimator || typeof (estimator as ScoredEstimator).predictProba === 'function';
}

/** Resolves scoring to named scorers, in order. */
export function resolveScoring(scoring: Scoring | undefined, estimator: object): [string, Scorer][] {
  if (scoring === undefined) {
    const name = isClassifier(estimator) ? 'accuracy' : 'r2';
    return [[name, scorer(name)]];
  }
  if (typeof scoring === 'string') return [[scoring, scorer(scoring)]];
  if (Array.isArray(scoring)) {
    const names = scoring as readonly string[];
    if (names.length === 0) throw new ParamError('scoring: the list of scorers is empty');
    if (new Set(names).size !== names.length) throw new ParamError(`scoring: duplicate scorer names in ${names.join(', ')}`);
    return names.map((n) => [n, scorer(n)]);
  }
  if (typeof (scoring as Scorer).score === 'function') return [[(scoring as Scorer).name, scoring as Scorer]];
  const entries = Object.entries(scoring as Record<string, Scorer>);
  if (entries.length === 0) throw new ParamError('scoring: the object of scorers is empty');
  return entries;
}

/** Labels that name classes (strings or whole numbers), for choosing stratified folds. */
function isDiscrete(y: ArrayLike<Label>): boolean {
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (typeof v === 'number' && !Number.isInteger(v)) return false;
  }
  return true;
}

/** A number becomes StratifiedKFold for classifiers with class labels, KFold otherwise (as sklearn's check_cv). */
export function resolveCv(cv: number | Splitter | undefined, estimator: object, y: ArrayLike<Label>): Splitter {
  if (cv === undefined || typeof cv === 'number') {
    const nSplits = cv ?? 5;
    return isClassifier(estimator) && isDiscrete(y) ? new StratifiedKFold({ nSplits }) : new KFold({ nSplits });
  }
  if (typeof cv.split !== 'function') throw new ParamError('cv: expected a number of folds or a splitter with split()');
  return cv;
}

export interface FitAndScoreTask<P extends ParamSet = ParamSet> {
  readonly makeEstimator: EstimatorFactory<P>;
  readonly params: P;
  readonly x: unknown;
  readonly y: ArrayLike<Label>;
  readonly train: ArrayLike<number>;
  readonly test: ArrayLike<number>;
  readonly scoring?: Scoring;
  /** Also score on the training rows (to see over-fitting). Default false. */
  readonly returnTrainScore?: boolean;
  /** Recorded in the result, for aggregation. Default 0. */
  readonly fold?: number;
  /** Recorded in the result, for aggregation. Default 0. */
  readonly candidate?: number;
  /** Default NaN: a failing fit is recorded (with its error), not thrown. */
  readonly errorScore?: ErrorScore;
}

/** The outcome of one unit: plain data. Times are in seconds. */
export interface FitAndScoreResult<P extends ParamSet = ParamSet> {
  readonly candidate: number;
  readonly fold: number;
  readonly params: P;
  readonly testScores: Record<string, number>;
  readonly trainScores?: Record<string, number>;
  readonly fitTime: number;
  readonly scoreTime: number;
  readonly nTrain: number;
  readonly nTest: number;
  /** The error message when fitting or scoring failed (scores are then errorScore). */
  readonly error?: string;
}

function scoreAll(scorers: [string, Scorer][], estimator: SearchEstimator, x: unknown, y: ArrayLike<Label>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, s] of scorers) out[name] = s.score(estimator, x, y);
  return out;
}

/** Fits one estimator on the train rows and scores it on the test rows (and train rows if asked). */
export function fitAndScore<P extends ParamSet = ParamSet>(task: FitAndScoreTask<P>): FitAndScoreResult<P> {
  const errorScore = task.errorScore ?? Number.NaN;
  const base = { candidate: task.candidate ?? 0, fold: task.fold ?? 0, params: task.params, nTrain: task.train.length, nTest: task.test.length };
  const xTrain = takeRows(task.x, task.train);
  const yTrain = takeLabels(task.y, task.train);
  let scorers: [string, Scorer][] | undefined = task.scoring === undefined ? undefined : resolveScoring(task.scoring, {});
  let fitTime = 0;
  let scoreTime = 0;
  const start = performance.now();
  try {
    const estimator = task.makeEstimator(task.params);
    scorers ??= resolveScoring(undefined, estimator);
    estimator.fit(xTrain, yTrain);
    fitTime = (performance.now() - start) / 1000;
    const scoreStart = performance.now();
    const testScores = scoreAll(scorers, estimator, takeRows(task.x, task.test), takeLabels(task.y, task.test));
    const trainScores = task.returnTrainScore ? scoreAll(scorers, estimator, xTrain, yTrain) : undefined;
    scoreTime = (performance.now() - scoreStart) / 1000;
    return { ...base, testScores, ...(trainScores ? { trainScores } : {}), fitTime, scoreTime };
  } catch (error) {
    // Without explicit scoring and no estimator, the metric names are unknown: nothing to record.
    if (errorScore === 'raise' || scorers === undefined) throw error;
    if (fitTime === 0) fitTime = (performance.now() - start) / 1000;
    const failed = Object.fromEntries(scorers.map(([n]) => [n, errorScore]));
    return {
      ...base,
      testScores: failed,
      ...(task.returnTrainScore ? { trainScores: { ...failed } } : {}),
      fitTime,
      scoreTime,
      error: `${(error as Error).name ?? 'Error'}: ${(error as Error).message ?? String(error)}`,
    };
  }
}

/** Mean and population standard deviation (NaN if any value is NaN, like numpy). */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

export interface CrossValidateOptions<P extends ParamSet = ParamSet> {
  /** Folds (default 5, stratified for classifiers) or a splitter. */
  readonly cv?: number | Splitter;
  readonly scoring?: Scoring;
  readonly returnTrainScore?: boolean;
  /** Group labels for group splitters. */
  readonly groups?: ArrayLike<Label>;
  /** Parameters passed to the factory. Default {}. */
  readonly params?: P;
  readonly errorScore?: ErrorScore;
}

export interface CrossValidateResult<P extends ParamSet = ParamSet> {
  /** Scorer names, in order. */
  readonly scoring: string[];
  readonly folds: FitAndScoreResult<P>[];
  /** Per scorer, one test score per fold. */
  readonly testScores: Record<string, number[]>;
  readonly trainScores?: Record<string, number[]>;
  readonly meanTestScore: Record<string, number>;
  readonly stdTestScore: Record<string, number>;
  readonly meanTrainScore?: Record<string, number>;
  readonly stdTrainScore?: Record<string, number>;
  /** Seconds per fold. */
  readonly fitTime: number[];
  readonly scoreTime: number[];
}

/** Fits and scores a fresh estimator on every fold. */
export function crossValidate<P extends ParamSet = ParamSet>(
  makeEstimator: EstimatorFactory<P>,
  x: unknown,
  y: ArrayLike<Label>,
  options: CrossValidateOptions<P> = {},
): CrossValidateResult<P> {
  const params = options.params ?? ({} as P);
  const probe = makeEstimator(params);
  const scorers = resolveScoring(options.scoring, probe);
  const splitter = resolveCv(options.cv, probe, y);
  const folds = splitter.split(numSamples(x), y, options.groups);
  const scoring = scorers.map(([n]) => n);
  const units = folds.map((fold, i) =>
    fitAndScore({
      makeEstimator,
      params,
      x,
      y,
      train: fold.train,
      test: fold.test,
      scoring: Object.fromEntries(scorers),
      fold: i,
      ...(options.returnTrainScore ? { returnTrainScore: true } : {}),
      ...(options.errorScore !== undefined ? { errorScore: options.errorScore } : {}),
    }),
  );
  if (units.every((u) => u.error !== undefined)) {
    throw new MLError(`crossValidate: all ${units.length} fits failed; the first error was ${units[0]!.error}`);
  }
  const collect = (key: 'testScores' | 'trainScores'): Record<string, number[]> =>
    Object.fromEntries(scoring.map((n) => [n, units.map((u) => u[key]![n]!)]));
  const summarize = (scores: Record<string, number[]>, which: 'mean' | 'std'): Record<string, number> =>
    Object.fromEntries(Object.entries(scores).map(([n, v]) => [n, meanStd(v)[which]]));
  const testScores = collect('testScores');
  const trainScores = options.returnTrainScore ? collect('trainScores') : undefined;
  return {
    scoring,
    folds: units,
    testScores,
    meanTestScore: summarize(testScores, 'mean'),
    stdTestScore: summarize(testScores, 'std'),
    ...(trainScores ? { trainScores, meanTrainScore: summarize(trainScores, 'mean'), stdTrainScore: summarize(trainScores, 'std') } : {}),
    fitTime: units.map((u) => u.fitTime),
    scoreTime: units.map((u) => u.scoreTime),
  };
}
