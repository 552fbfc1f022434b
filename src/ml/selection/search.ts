/**
 * Hyper-parameter search: GridSearch and RandomSearch, and {@link aggregateResults}, which turns
 * fitAndScore outputs (from `fit`, or gathered from a foreach fan-out of `plan()`) into the results
 * table: mean/std test score per candidate, rank, best parameters.
 */
import { performance } from 'node:perf_hooks';
import { DataError, MLError, ParamError } from '../core/errors.js';
import type { Label } from '../core/estimator.js';
import { parameterGrid, sampleParameters, type ParamDistributions, type ParamGrid, type ParamSet } from './params.js';
import { numSamples, type Splitter } from './split.js';
import {
  fitAndScore,
  meanStd,
  resolveCv,
  type ErrorScore,
  type EstimatorFactory,
  type FitAndScoreResult,
  type SearchEstimator,
} from './validate.js';

/** One candidate's cross-validated scores. Times in seconds. */
export interface CandidateResult<P extends ParamSet = ParamSet> {
  readonly candidate: number;
  readonly params: P;
  /** Mean / std / rank of the refit (primary) metric. */
  readonly meanTestScore: number;
  readonly stdTestScore: number;
  readonly rankTestScore: number;
  /** Per scorer name. */
  readonly meanTest: Record<string, number>;
  readonly stdTest: Record<string, number>;
  readonly rankTest: Record<string, number>;
  readonly splitTest: Record<string, number[]>;
  readonly meanTrain?: Record<string, number>;
  readonly stdTrain?: Record<string, number>;
  readonly splitTrain?: Record<string, number[]>;
  readonly meanFitTime: number;
  readonly stdFitTime: number;
  readonly meanScoreTime: number;
  readonly stdScoreTime: number;
  /** Error messages of failed folds. */
  readonly errors: string[];
}

export interface SearchResults<P extends ParamSet = ParamSet> {
  /** Scorer names, in order. */
  readonly scoring: string[];
  /** The metric that ranks candidates and picks the best. */
  readonly refitMetric: string;
  /** In candidate order. */
  readonly candidates: CandidateResult<P>[];
  readonly bestIndex: number;
  readonly bestParams: P;
  readonly bestScore: number;
}

/**
 * Ranks scores, highest first; ties share the lowest rank (sklearn's method='min'); NaN ranks after
 * every number.
 */
export function rankScores(scores: readonly number[]): number[] {
  const finite = scores.filter((s) => !Number.isNaN(s));
  return scores.map((s) => (Number.isNaN(s) ? finite.length + 1 : 1 + finite.filter((o) => o > s).length));
}

/** Groups fitAndScore outputs by candidate and summarizes them (see {@link SearchResults}). */
export function aggregateResults<P extends ParamSet = ParamSet>(
  units: readonly FitAndScoreResult<P>[],
  options: { readonly refit?: string } = {},
): SearchResults<P> {
  if (units.length === 0) throw new DataError('aggregateResults: no results to aggregate');
  const scoring = Object.keys(units[0]!.testScores);
  const sameKeys = (r: Record<string, number> | undefined): boolean => r !== undefined && Object.keys(r).length === scoring.length && scoring.every((k) => k in r);
  units.forEach((u, i) => {
    if (!sameKeys(u.testScores)) {
      throw new DataError(`aggregateResults: result ${i} has scores ${Object.keys(u.testScores).join(', ')} but result 0 has ${scoring.join(', ')}`);
    }
  });
  const refitMetric = options.refit ?? scoring[0]!;
  if (!scoring.includes(refitMetric)) throw new ParamError(`aggregateResults: refit metric '${refitMetric}' is not one of the scorers (${scoring.join(', ')})`);
  const byCandidate = new Map<number, FitAndScoreResult<P>[]>();
  for (const u of units) {
    const list = byCandidate.get(u.candidate) ?? [];
    list.push(u);
    byCandidate.set(u.candidate, list);
  }
  const ids = [...byCandidate.keys()].sort((a, b) => a - b);
  const withTrain = units.every((u) => sameKeys(u.trainScores));
  const partial = ids.map((id) => {
    const folds = byCandidate.get(id)!.sort((a, b) => a.fold - b.fold);
    const split = (key: 'testScores' | 'trainScores'): Record<string, number[]> =>
      Object.fromEntries(scoring.map((m) => [m, folds.map((f) => f[key]![m]!)]));
    const stat = (s: Record<string, number[]>, which: 'mean' | 'std'): Record<string, number> =>
      Object.fromEntries(Object.entries(s).map(([m, v]) => [m, meanStd(v)[which]]));
    const splitTest = split('testScores');
    const splitTrain = withTrain ? split('trainScores') : undefined;
    const fit = meanStd(folds.map((f) => f.fitTime));
    const score = meanStd(folds.map((f) => f.scoreTime));
    return {
      candidate: id,
      params: folds[0]!.params,
      meanTest: stat(splitTest, 'mean'),
      stdTest: stat(splitTest, 'std'),
      splitTest,
      ...(splitTrain ? { meanTrain: stat(splitTrain, 'mean'), stdTrain: stat(splitTrain, 'std'), splitTrain } : {}),
      meanFitTime: fit.mean,
      stdFitTime: fit.std,
      meanScoreTime: score.mean,
      stdScoreTime: score.std,
      errors: folds.flatMap((f) => (f.error ? [`fold ${f.fold}: ${f.error}`] : [])),
    };
  });
  const ranks = Object.fromEntries(scoring.map((m) => [m, rankScores(partial.map((c) => c.meanTest[m]!))]));
  const candidates: CandidateResult<P>[] = partial.map((c, i) => ({
    ...c,
    meanTestScore: c.meanTest[refitMetric]!,
    stdTestScore: c.stdTest[refitMetric]!,
    rankTestScore: ranks[refitMetric]![i]!,
    rankTest: Object.fromEntries(scoring.map((m) => [m, ranks[m]![i]!])),
  }));
  if (candidates.every((c) => Number.isNaN(c.meanTestScore))) {
    const first = candidates.find((c) => c.errors.length > 0)?.errors[0];
    throw new MLError(`aggregateResults: no candidate has a ${refitMetric} score${first ? `; the first error was ${first}` : ''}`);
  }
  const bestIndex = candidates.findIndex((c) => c.rankTestScore === 1);
  const best = candidates[bestIndex]!;
  return { scoring, refitMetric, candidates, bestIndex, bestParams: best.params, bestScore: best.meanTestScore };
}

/**
 * Flat rows in sklearn's `cv_results_` naming (param_<name>, mean_test_<scorer>, rank_test_<scorer>,
 * split<k>_test_<scorer>, ...), ready for a Table or a tracking log.
 */
export function flattenResults(results: SearchResults): Record<string, number | string | boolean | null>[] {
  return results.candidates.map((c) => {
    const row: Record<string, number | string | boolean | null> = { candidate: c.candidate };
    for (const [k, v] of Object.entries(c.params)) {
      row[`param_${k}`] = typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null ? v : JSON.stringify(v);
    }
    for (const m of results.scoring) {
      row[`mean_test_${m}`] = c.meanTest[m]!;
      row[`std_test_${m}`] = c.stdTest[m]!;
      row[`rank_test_${m}`] = c.rankTest[m]!;
      c.splitTest[m]!.forEach((v, k) => (row[`split${k}_test_${m}`] = v));
      if (c.meanTrain) {
        row[`mean_train_${m}`] = c.meanTrain[m]!;
        row[`std_train_${m}`] = c.stdTrain![m]!;
      }
    }
    row.mean_fit_time = c.meanFitTime;
    row.std_fit_time = c.stdFitTime;
    row.mean_score_time = c.meanScoreTime;
    row.std_score_time = c.stdScoreTime;
    return row;
  });
}

/** One (candidate × fold) unit of work, as plain data: run it with fitAndScore. */
export interface SearchUnit<P extends ParamSet = ParamSet> {
  readonly candidate: number;
  readonly fold: number;
  readonly params: P;
  readonly train: Int32Array;
  readonly test: Int32Array;
}

export interface SearchOptions<P extends ParamSet = ParamSet> {
  readonly makeEstimator: EstimatorFactory<P>;
  /** Folds (default 5, stratified for classifiers) or a splitter. */
  readonly cv?: number | Splitter;
  /** One or more scorer names. Default 'accuracy' for classifiers, 'r2' otherwise. */
  readonly scoring?: string | readonly string[];
  /**
   * Refit the best candidate on all data after the search (default true). With several scorers,
   * a scorer name chooses the metric that picks the best (default: the first).
   */
  readonly refit?: boolean | string;
  readonly returnTrainScore?: boolean;
  readonly errorScore?: ErrorScore;
}

abstract class BaseSearch<P extends ParamSet> {
  readonly makeEstimator: EstimatorFactory<P>;
  readonly cv: number | Splitter | undefined;
  readonly scoring: string | readonly string[] | undefined;
  readonly refit: boolean | string;
  readonly returnTrainScore: boolean;
  readonly errorScore: ErrorScore;
  /** Set by fit / finish. */
  results: SearchResults<P> | undefined;
  /** The best candidate refitted on all data (when refit is on). */
  bestEstimator: SearchEstimator | undefined;
  /** Seconds spent refitting the best candidate. */
  refitTime: number | undefined;

  constructor(options: SearchOptions<P>) {
    if (typeof options.makeEstimator !== 'function') throw new ParamError(`${this.constructor.name}: makeEstimator must be a function (params) => estimator`);
    this.makeEstimator = options.makeEstimator;
    this.cv = options.cv;
    this.scoring = options.scoring;
    this.refit = options.refit ?? true;
    this.returnTrainScore = options.returnTrainScore ?? false;
    this.errorScore = options.errorScore ?? Number.NaN;
    if (typeof this.refit === 'string' && this.scoring !== undefined) {
      const names = typeof this.scoring === 'string' ? [this.scoring] : this.scoring;
      if (!names.includes(this.refit)) throw new ParamError(`${this.constructor.name}: refit '${this.refit}' is not one of the scorers (${names.join(', ')})`);
    }
  }

  /** The parameter sets to evaluate, in candidate order. */
  abstract candidates(): P[];

  /** Every (candidate × fold) unit, candidate-major. Run each with {@link runUnit} (e.g. as foreach tasks). */
  plan(x: unknown, y: ArrayLike<Label>, groups?: ArrayLike<Label>): SearchUnit<P>[] {
    const candidates = this.candidates();
    const splitter = resolveCv(this.cv, typeof this.cv === 'object' ? {} : this.probe(candidates), y);
    const folds = splitter.split(numSamples(x), y, groups);
    return candidates.flatMap((params, candidate) => folds.map((f, fold) => ({ candidate, fold, params, train: f.train, test: f.test })));
  }

  /** An unfitted estimator from the first candidate that constructs (to tell classifiers from regressors). */
  private probe(candidates: readonly P[]): SearchEstimator {
    let first: unknown;
    for (const params of candidates) {
      try {
        return this.makeEstimator(params);
      } catch (error) {
        first ??= error;
      }
    }
    throw first;
  }

  /** Runs one planned unit with this search's estimator factory and scoring. */
  runUnit(unit: SearchUnit<P>, x: unknown, y: ArrayLike<Label>): FitAndScoreResult<P> {
    return fitAndScore({
      makeEstimator: this.makeEstimator,
      params: unit.params,
      x,
      y,
      train: unit.train,
      test: unit.test,
      fold: unit.fold,
      candidate: unit.candidate,
      returnTrainScore: this.returnTrainScore,
      errorScore: this.errorScore,
      ...(this.scoring !== undefined ? { scoring: this.scoring } : {}),
    });
  }

  /** Evaluates every candidate on every fold, then picks (and by default refits) the best. */
  fit(x: unknown, y: ArrayLike<Label>, options: { readonly groups?: ArrayLike<Label> } = {}): this {
    const units = this.plan(x, y, options.groups).map((u) => this.runUnit(u, x, y));
    return this.finish(units, x, y);
  }

  /**
   * Aggregates unit results (from `fit`, or gathered from parallel tasks) and, if refit is on and
   * data is given, fits the best candidate on all of it.
   */
  finish(units: readonly FitAndScoreResult<P>[], x?: unknown, y?: ArrayLike<Label>): this {
    const refitMetric = typeof this.refit === 'string' ? this.refit : undefined;
    this.results = aggregateResults(units, refitMetric ? { refit: refitMetric } : {});
    this.bestEstimator = undefined;
    this.refitTime = undefined;
    if (this.refit !== false && x !== undefined && y !== undefined) {
      const start = performance.now();
      const est = this.makeEstimator(this.results.bestParams);
      est.fit(x, y);
      this.bestEstimator = est;
      this.refitTime = (performance.now() - start) / 1000;
    }
    return this;
  }

  private fitted(what: string): SearchResults<P> {
    if (!this.results) throw new MLError(`${this.constructor.name}: ${what} is available after fit() (or finish())`);
    return this.results;
  }

  get bestParams(): P {
    return this.fitted('bestParams').bestParams;
  }

  get bestScore(): number {
    return this.fitted('bestScore').bestScore;
  }

  get bestIndex(): number {
    return this.fitted('bestIndex').bestIndex;
  }

  /** Predicts with the refitted best estimator. */
  predict(x: unknown): ArrayLike<Label> {
    if (!this.bestEstimator) throw new MLError(`${this.constructor.name}: predict() needs refit: true and a completed fit()`);
    return this.bestEstimator.predict(x);
  }
}

/** Exhaustive search over a parameter grid (or a list of grids). */
export class GridSearch<P extends ParamSet = ParamSet> extends BaseSearch<P> {
  readonly space: ParamGrid | readonly ParamGrid[];

  constructor(options: SearchOptions<P> & { readonly space: ParamGrid | readonly ParamGrid[] }) {
    super(options);
    this.space = options.space;
    parameterGrid(this.space); // validate early
  }

  candidates(): P[] {
    return parameterGrid<P>(this.space);
  }
}

/** Search over `nIter` random candidates drawn from lists and distributions. */
export class RandomSearch<P extends ParamSet = ParamSet> extends BaseSearch<P> {
  readonly space: ParamDistributions | readonly ParamDistributions[];
  readonly nIter: number;
  readonly seed: number;

  constructor(options: SearchOptions<P> & { readonly space: ParamDistributions | readonly ParamDistributions[]; readonly nIter?: number; readonly seed?: number }) {
    super(options);
    this.space = options.space;
    this.nIter = options.nIter ?? 10;
    this.seed = options.seed ?? 0;
    sampleParameters(this.space, this.nIter, this.seed); // validate early
  }

  candidates(): P[] {
    return sampleParameters<P>(this.space, this.nIter, this.seed);
  }
}
