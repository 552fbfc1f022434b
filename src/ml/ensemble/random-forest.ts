/**
 * RandomForestClassifier and RandomForestRegressor (scikit-learn semantics): bootstrap samples,
 * fully grown CART trees with per-split feature sampling, probabilities averaged over trees.
 * Trees are built in parallel worker threads with `nJobs`; the result is identical for any nJobs.
 */
import { NotFittedError, ParamError } from '../core/errors.js';
import { encodeLabels, registerModel, type Label, type Labels } from '../core/estimator.js';
import { Matrix, toMatrix, toVector, type MatrixLike } from '../core/matrix.js';
import { Random } from '../core/random.js';
import type { TreeTarget } from '../tree/builder.js';
import {
  growParams,
  resolveGrowthOptions,
  type ClassificationCriterion,
  type ResolvedGrowthOptions,
  type TreeGrowthOptions,
} from '../tree/options.js';
import { argmax, checkInt, predictInput } from '../tree/params.js';
import { rankFeatures } from '../tree/ranked.js';
import { accumulateLeafValues, addImpurityImportances, normaliseImportances, type TreeState } from '../tree/tree-arrays.js';
import type { ForestJob } from './forest-job.js';
import { buildForest, resolveJobs } from './forest-parallel.js';

export interface ForestOptions extends TreeGrowthOptions {
  /** Number of trees. Default 100. */
  readonly nEstimators?: number;
  /** Train each tree on a bootstrap sample (default true); false uses every row for every tree. */
  readonly bootstrap?: boolean;
  /** Rows drawn per bootstrap sample: integer, or fraction in (0, 1]; `null` (default) = all rows. */
  readonly maxSamples?: number | null;
  /** Threads used to build trees: a count, or -1 for all cores. Default 1. Results do not depend on it. */
  readonly nJobs?: number;
}

export interface RandomForestClassifierOptions extends ForestOptions {
  readonly criterion?: ClassificationCriterion;
}

export interface RandomForestRegressorOptions extends ForestOptions {
  readonly criterion?: 'squared_error';
}

export interface ResolvedForestOptions extends ResolvedGrowthOptions {
  readonly nEstimators: number;
  readonly bootstrap: boolean;
  readonly maxSamples: number | null;
  readonly nJobs: number;
}

export interface RandomForestState {
  readonly options: ResolvedForestOptions;
  readonly nFeatures: number;
  readonly trees: TreeState[];
  readonly featureImportances: Float64Array;
  readonly classes?: Label[];
}

function resolveForestOptions(
  owner: string,
  options: ForestOptions & { readonly criterion?: string },
  task: 'classification' | 'regression',
): ResolvedForestOptions {
  // scikit-learn's defaults: sqrt(features) per split for classification, all for regression.
  const growth = resolveGrowthOptions(owner, options, task, task === 'classification' ? 'sqrt' : null);
  const nEstimators = checkInt(owner, 'nEstimators', options.nEstimators ?? 100, 1);
  const bootstrap = options.bootstrap ?? true;
  if (typeof bootstrap !== 'boolean') throw new ParamError(`${owner}: bootstrap must be true or false, got ${String(bootstrap)}`);
  const maxSamples = options.maxSamples ?? null;
  if (maxSamples !== null && !(maxSamples > 0 && maxSamples < 1) && !(Number.isInteger(maxSamples) && maxSamples >= 1)) {
    throw new ParamError(`${owner}: maxSamples must be an integer ≥ 1, a fraction in (0, 1) or null, got ${String(maxSamples)}`);
  }
  const nJobs = options.nJobs ?? 1;
  resolveJobs(owner, nJobs);
  return { ...growth, nEstimators, bootstrap, maxSamples, nJobs };
}

function bootstrapSize(owner: string, o: ResolvedForestOptions, rows: number): number {
  if (o.maxSamples === null) return rows;
  if (o.maxSamples < 1) return Math.max(1, Math.round(o.maxSamples * rows));
  if (o.maxSamples > rows) throw new ParamError(`${owner}: maxSamples is ${o.maxSamples} but X has only ${rows} rows`);
  return o.maxSamples;
}

interface FittedForest {
  readonly trees: TreeState[];
  readonly nFeatures: number;
  readonly featureImportances: Float64Array;
}

/** Fitting and averaging shared by both forests. */
abstract class BaseForest {
  readonly params: ResolvedForestOptions;
  protected fitted: FittedForest | undefined;

  protected constructor(
    protected readonly owner: string,
    options: ForestOptions & { readonly criterion?: string },
    task: 'classification' | 'regression',
  ) {
    this.params = resolveForestOptions(owner, options, task);
  }

  protected mustBeFitted(method: string): FittedForest {
    if (!this.fitted) throw new NotFittedError(this.owner, method);
    return this.fitted;
  }

  protected fitTrees(m: Matrix, target: TreeTarget, nOutputs: number): void {
    const o = this.params;
    const rng = new Random(o.seed);
    const seeds = new Uint32Array(o.nEstimators);
    for (let i = 0; i < seeds.length; i++) seeds[i] = rng.nextUint32();
    const job: ForestJob = {
      ranked: rankFeatures(m),
      target,
      params: growParams(this.owner, o, m.rows, m.cols, nOutputs),
      bootstrap: o.bootstrap,
      bootstrapSize: bootstrapSize(this.owner, o, m.rows),
      seeds,
    };
    const trees = buildForest(this.owner, job, resolveJobs(this.owner, o.nJobs));
    // scikit-learn: mean of each tree's normalised importances, renormalised.
    const imp = new Float64Array(m.cols);
    const one = new Float64Array(m.cols);
    for (const tree of trees) {
      one.fill(0);
      addImpurityImportances(tree, one);
      normaliseImportances(one);
      for (let f = 0; f < m.cols; f++) imp[f]! += one[f]!;
    }
    this.fitted = { trees, nFeatures: m.cols, featureImportances: normaliseImportances(imp) };
  }

  /** Mean over trees of the leaf values of each row (rows × nOutputs). */
  protected average(x: MatrixLike, method: string): Matrix {
    const { trees, nFeatures } = this.mustBeFitted(method);
    const m = predictInput(this.owner, method, x, nFeatures);
    const k = trees[0]!.nOutputs;
    const out = new Float64Array(m.rows * k);
    const scale = 1 / trees.length;
    for (const tree of trees) accumulateLeafValues(tree, m.data, m.rows, m.cols, out, scale);
    return new Matrix(m.rows, k, out);
  }

  /** The fitted trees' node arrays. */
  get trees(): readonly TreeState[] {
    return this.mustBeFitted('trees').trees;
  }

  /** Number of features seen during fit. */
  get nFeatures(): number | undefined {
    return this.fitted?.nFeatures;
  }

  /** Mean impurity-decrease importance per feature (sums to 1). */
  get featureImportances(): Float64Array {
    return this.mustBeFitted('featureImportances').featureImportances;
  }
}

/** A random forest of classification trees; probabilities are the mean of the trees' leaf class frequencies. */
export class RandomForestClassifier extends BaseForest {
  private labels: Label[] | undefined;

  constructor(options: RandomForestClassifierOptions = {}) {
    super('RandomForestClassifier', options, 'classification');
  }

  /** Class labels in the column order of {@link predictProba}. */
  get classes(): readonly Label[] | undefined {
    return this.labels;
  }

  fit(x: MatrixLike, y: Labels): this {
    const m = toMatrix(x, { what: 'RandomForestClassifier.fit X' });
    const { classes, codes } = encodeLabels(y, m.rows, 'RandomForestClassifier.fit y');
    this.fitTrees(m, { codes }, classes.length);
    this.labels = classes;
    return this;
  }

  predictProba(x: MatrixLike): Matrix {
    return this.average(x, 'predictProba');
  }

  predict(x: MatrixLike): Label[] {
    const proba = this.average(x, 'predict');
    const labels = this.labels!;
    const out: Label[] = new Array<Label>(proba.rows);
    for (let r = 0; r < proba.rows; r++) out[r] = labels[argmax(proba.data, r * proba.cols, proba.cols)]!;
    return out;
  }

  toState(): RandomForestState {
    const f = this.mustBeFitted('toState');
    return { options: this.params, nFeatures: f.nFeatures, trees: f.trees, featureImportances: f.featureImportances, classes: this.labels! };
  }

  static fromState(state: RandomForestState): RandomForestClassifier {
    const model = new RandomForestClassifier(state.options as RandomForestClassifierOptions);
    model.labels = [...(state.classes ?? [])];
    model.fitted = { trees: state.trees, nFeatures: state.nFeatures, featureImportances: state.featureImportances };
    return model;
  }
}
registerModel(RandomForestClassifier);

/** A random forest of regression trees; the prediction is the mean of the trees' predictions. */
export class RandomForestRegressor extends BaseForest {
  constructor(options: RandomForestRegressorOptions = {}) {
    super('RandomForestRegressor', options, 'regression');
  }

  fit(x: MatrixLike, y: ArrayLike<number>): this {
    const m = toMatrix(x, { what: 'RandomForestRegressor.fit X' });
    const values = toVector(y, m.rows, 'RandomForestRegressor.fit y');
    this.fitTrees(m, { values }, 1);
    return this;
  }

  predict(x: MatrixLike): Float64Array {
    return this.average(x, 'predict').data;
  }

  toState(): RandomForestState {
    const f = this.mustBeFitted('toState');
    return { options: this.params, nFeatures: f.nFeatures, trees: f.trees, featureImportances: f.featureImportances };
  }

  static fromState(state: RandomForestState): RandomForestRegressor {
    const model = new RandomForestRegressor(state.options as RandomForestRegressorOptions);
    model.fitted = { trees: state.trees, nFeatures: state.nFeatures, featureImportances: state.featureImportances };
    return model;
  }
}
registerModel(RandomForestRegressor);
