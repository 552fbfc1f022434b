/**
 * Histogram gradient boosting, after scikit-learn's HistGradientBoostingClassifier / Regressor:
 * features binned into ≤ 255 quantile bins, leaf-wise trees on gradient histograms, binary log
 * loss, multiclass softmax (one tree per class per iteration) or squared error, early stopping on
 * a held-out fraction ('auto': when there are more than 10 000 rows). Missing values (NaN) are
 * supported natively: each split learns which side they go to.
 */
import { NotFittedError, ParamError } from '../core/errors.js';
import { encodeLabels, registerModel, type Label, type Labels } from '../core/estimator.js';
import { Matrix, toMatrix, toVector, type MatrixLike } from '../core/matrix.js';
import { argmax, checkInt, checkNumber, checkSeed, predictInput } from '../tree/params.js';
import { boost, type BoostParams, type BoostResult } from './hist/boost.js';
import { addTreePredictions, type HistTreeState } from './hist/grower.js';
import { BinaryLogLoss, MultinomialLogLoss, sigmoid, SquaredError } from './hist/loss.js';

export interface GradientBoostingOptions {
  /** Shrinkage applied to every leaf. Default 0.1. */
  readonly learningRate?: number;
  /** Boosting iterations (trees per class). Default 100. */
  readonly maxIter?: number;
  /** Leaves per tree; null for no limit. Default 31. */
  readonly maxLeafNodes?: number | null;
  /** Maximum depth; null (default) for no limit. */
  readonly maxDepth?: number | null;
  /** Minimum rows per leaf. Default 20. */
  readonly minSamplesLeaf?: number;
  /** L2 penalty on leaf values. Default 0. */
  readonly l2Regularization?: number;
  /** Bins per feature for non-missing values, 2..255. Default 255. */
  readonly maxBins?: number;
  /** `'auto'` (default): on when the data has more than 10 000 rows. */
  readonly earlyStopping?: 'auto' | boolean;
  /** Fraction held out to score early stopping; null scores on the training loss. Default 0.1. */
  readonly validationFraction?: number | null;
  /** Stop after this many iterations without improvement. Default 10. */
  readonly nIterNoChange?: number;
  /** Minimum loss improvement that counts. Default 1e-7. */
  readonly tol?: number;
  /** Seed of the validation split and of threshold subsampling on > 200 000 rows. Default 0. */
  readonly seed?: number;
}

export interface ResolvedBoostingOptions {
  readonly learningRate: number;
  readonly maxIter: number;
  readonly maxLeafNodes: number | null;
  readonly maxDepth: number | null;
  readonly minSamplesLeaf: number;
  readonly l2Regularization: number;
  readonly maxBins: number;
  readonly earlyStopping: 'auto' | boolean;
  readonly validationFraction: number | null;
  readonly nIterNoChange: number;
  readonly tol: number;
  readonly seed: number;
}

export interface GradientBoostingState {
  readonly options: ResolvedBoostingOptions;
  readonly nFeatures: number;
  readonly baseline: Float64Array;
  readonly trees: HistTreeState[];
  readonly nIter: number;
  readonly trainLoss: number[];
  readonly validationLoss: number[];
  readonly classes?: Label[];
}

function resolveOptions(owner: string, o: GradientBoostingOptions): ResolvedBoostingOptions {
  const earlyStopping = o.earlyStopping ?? 'auto';
  if (earlyStopping !== 'auto' && typeof earlyStopping !== 'boolean') {
    throw new ParamError(`${owner}: earlyStopping must be 'auto', true or false, got ${JSON.stringify(earlyStopping)}`);
  }
  const validationFraction = o.validationFraction === undefined ? 0.1 : o.validationFraction;
  if (validationFraction !== null) checkNumber(owner, 'validationFraction', validationFraction, 0, 1, false);
  if (validationFraction === 1) throw new ParamError(`${owner}: validationFraction must be below 1, got 1`);
  const maxLeafNodes = o.maxLeafNodes === undefined ? 31 : o.maxLeafNodes;
  if (maxLeafNodes !== null) checkInt(owner, 'maxLeafNodes', maxLeafNodes, 2);
  const maxDepth = o.maxDepth ?? null;
  if (maxDepth !== null) checkInt(owner, 'maxDepth', maxDepth, 1);
  return {
    learningRate: checkNumber(owner, 'learningRate', o.learningRate ?? 0.1, 0, Infinity, false),
    maxIter: checkInt(owner, 'maxIter', o.maxIter ?? 100, 1),
    maxLeafNodes,
    maxDepth,
    minSamplesLeaf: checkInt(owner, 'minSamplesLeaf', o.minSamplesLeaf ?? 20, 1),
    l2Regularization: checkNumber(owner, 'l2Regularization', o.l2Regularization ?? 0, 0),
    maxBins: checkNumber(owner, 'maxBins', checkInt(owner, 'maxBins', o.maxBins ?? 255, 2), 2, 255),
    earlyStopping,
    validationFraction,
    nIterNoChange: checkInt(owner, 'nIterNoChange', o.nIterNoChange ?? 10, 1),
    tol: checkNumber(owner, 'tol', o.tol ?? 1e-7, 0),
    seed: checkSeed(owner, o.seed ?? 0),
  };
}

function boostParams(o: ResolvedBoostingOptions, rows: number, constantHessian: boolean): BoostParams {
  return {
    learningRate: o.learningRate,
    maxIter: o.maxIter,
    maxLeafNodes: o.maxLeafNodes ?? Infinity,
    maxDepth: o.maxDepth ?? Infinity,
    minSamplesLeaf: o.minSamplesLeaf,
    l2Regularization: o.l2Regularization,
    minHessianToSplit: 1e-3,
    constantHessian,
    maxBins: o.maxBins,
    earlyStopping: o.earlyStopping === 'auto' ? rows > 10_000 : o.earlyStopping,
    validationFraction: o.validationFraction,
    nIterNoChange: o.nIterNoChange,
    tol: o.tol,
    seed: o.seed,
  };
}

function gather(source: Float64Array | Int32Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = source[rows[i]!]!;
  return out;
}

/** Raw-prediction logic and fitted attributes shared by both estimators. */
abstract class BaseGradientBoosting {
  readonly params: ResolvedBoostingOptions;
  protected fitted: (BoostResult & { readonly nFeatures: number }) | undefined;

  protected constructor(
    protected readonly owner: string,
    options: GradientBoostingOptions,
  ) {
    this.params = resolveOptions(owner, options);
  }

  protected mustBeFitted(method: string): BoostResult & { readonly nFeatures: number } {
    if (!this.fitted) throw new NotFittedError(this.owner, method);
    return this.fitted;
  }

  /** Raw predictions, class-major (k × rows), and the row count. */
  protected raw(x: MatrixLike, method: string): { raw: Float64Array; rows: number; k: number } {
    const f = this.mustBeFitted(method);
    const m = predictInput(this.owner, method, x, f.nFeatures, true);
    const k = f.baseline.length;
    const raw = new Float64Array(k * m.rows);
    for (let c = 0; c < k; c++) raw.fill(f.baseline[c]!, c * m.rows, (c + 1) * m.rows);
    f.trees.forEach((tree, t) => addTreePredictions(tree, m.data, m.rows, m.cols, raw, (t % k) * m.rows));
    return { raw, rows: m.rows, k };
  }

  /** Boosting iterations actually run (fewer than maxIter after early stopping). */
  get nIter(): number {
    return this.mustBeFitted('nIter').nIter;
  }

  /** Mean training loss at the baseline and after each iteration (half squared error or log loss). */
  get trainLoss(): readonly number[] {
    return this.mustBeFitted('trainLoss').trainLoss;
  }

  /** Mean validation loss, same points; empty when no rows were held out. */
  get validationLoss(): readonly number[] {
    return this.mustBeFitted('validationLoss').validationLoss;
  }

  /** Number of features seen during fit. */
  get nFeatures(): number | undefined {
    return this.fitted?.nFeatures;
  }

  protected baseState(): Omit<GradientBoostingState, 'classes'> {
    const f = this.mustBeFitted('toState');
    return {
      options: this.params,
      nFeatures: f.nFeatures,
      baseline: f.baseline,
      trees: f.trees,
      nIter: f.nIter,
      trainLoss: f.trainLoss,
      validationLoss: f.validationLoss,
    };
  }

  protected restore(state: GradientBoostingState): void {
    const { baseline, trees, nIter, trainLoss, validationLoss, nFeatures } = state;
    this.fitted = { baseline, trees, nIter, trainLoss, validationLoss, nFeatures };
  }
}

/** Gradient-boosted trees for classification (log loss; softmax with one tree per class when > 2 classes). */
export class GradientBoostingClassifier extends BaseGradientBoosting {
  private labels: Label[] | undefined;

  constructor(options: GradientBoostingOptions = {}) {
    super('GradientBoostingClassifier', options);
  }

  /** Class labels in the column order of {@link predictProba}. */
  get classes(): readonly Label[] | undefined {
    return this.labels;
  }

  fit(x: MatrixLike, y: Labels): this {
    const owner = this.owner;
    const m = toMatrix(x, { what: `${owner}.fit X`, allowNaN: true });
    const { classes, codes } = encodeLabels(y, m.rows, `${owner}.fit y`);
    if (classes.length < 2) throw new ParamError(`${owner}: y has a single class (${String(classes[0])}); need at least 2 to classify`);
    const multi = classes.length > 2;
    const result = boost(
      m,
      boostParams(this.params, m.rows, false),
      (rows) => (multi ? new MultinomialLogLoss(gather(codes, rows), classes.length) : new BinaryLogLoss(gather(codes, rows))),
      (rows) => gather(codes, rows),
      codes,
    );
    this.labels = classes;
    this.fitted = { ...result, nFeatures: m.cols };
    return this;
  }

  /** Raw scores: log-odds of the positive class (binary, 1 column) or one softmax logit per class. */
  decisionFunction(x: MatrixLike): Matrix {
    const { raw, rows, k } = this.raw(x, 'decisionFunction');
    const out = new Matrix(rows, k);
    for (let c = 0; c < k; c++) for (let r = 0; r < rows; r++) out.data[r * k + c] = raw[c * rows + r]!;
    return out;
  }

  predictProba(x: MatrixLike): Matrix {
    return this.proba(x, 'predictProba');
  }

  predict(x: MatrixLike): Label[] {
    const p = this.proba(x, 'predict');
    const labels = this.labels!;
    const out: Label[] = new Array<Label>(p.rows);
    for (let r = 0; r < p.rows; r++) out[r] = labels[argmax(p.data, r * p.cols, p.cols)]!;
    return out;
  }

  private proba(x: MatrixLike, method: string): Matrix {
    const { raw, rows, k } = this.raw(x, method);
    if (k === 1) {
      const out = new Matrix(rows, 2);
      for (let r = 0; r < rows; r++) {
        const p = sigmoid(raw[r]!);
        out.data[2 * r] = 1 - p;
        out.data[2 * r + 1] = p;
      }
      return out;
    }
    const out = new Matrix(rows, k);
    for (let r = 0; r < rows; r++) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, raw[c * rows + r]!);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += out.data[r * k + c] = Math.exp(raw[c * rows + r]! - max);
      for (let c = 0; c < k; c++) out.data[r * k + c]! /= sum;
    }
    return out;
  }

  toState(): GradientBoostingState {
    return { ...this.baseState(), classes: this.labels! };
  }

  static fromState(state: GradientBoostingState): GradientBoostingClassifier {
    const model = new GradientBoostingClassifier(state.options);
    model.restore(state);
    model.labels = [...(state.classes ?? [])];
    return model;
  }
}
registerModel(GradientBoostingClassifier);

/** Gradient-boosted trees for regression (squared error). */
export class GradientBoostingRegressor extends BaseGradientBoosting {
  constructor(options: GradientBoostingOptions = {}) {
    super('GradientBoostingRegressor', options);
  }

  fit(x: MatrixLike, y: ArrayLike<number>): this {
    const owner = this.owner;
    const m = toMatrix(x, { what: `${owner}.fit X`, allowNaN: true });
    const values = toVector(y, m.rows, `${owner}.fit y`);
    const result = boost(
      m,
      boostParams(this.params, m.rows, true),
      (rows) => new SquaredError(gather(values, rows)),
      (rows) => gather(values, rows),
      undefined,
    );
    this.fitted = { ...result, nFeatures: m.cols };
    return this;
  }

  predict(x: MatrixLike): Float64Array {
    return this.raw(x, 'predict').raw;
  }

  toState(): GradientBoostingState {
    return this.baseState();
  }

  static fromState(state: GradientBoostingState): GradientBoostingRegressor {
    const model = new GradientBoostingRegressor(state.options);
    model.restore(state);
    return model;
  }
}
registerModel(GradientBoostingRegressor);
