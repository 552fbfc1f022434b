/**
 * Ordinary least squares and ridge regression — scikit-learn's `LinearRegression` and `Ridge`.
 * The intercept is fitted by centring X and y (so it is never penalised).
 */
import { registerModel } from '../core/estimator.js';
import { toVector, type Matrix, type MatrixLike } from '../core/matrix.js';
import { dotRow } from './kernels.js';
import { choleskySolve, leastSquares } from './solve.js';
import { checkPositive, fitMatrix, predictMatrix } from './validate.js';

/** Column means of X and the mean of y, and centred copies (or the originals when not centring). */
function centre(m: Matrix, y: Float64Array, fitIntercept: boolean): { xc: Float64Array; yc: Float64Array; xMean: Float64Array; yMean: number } {
  const { rows: n, cols: d, data } = m;
  const xMean = new Float64Array(d);
  let yMean = 0;
  if (!fitIntercept) return { xc: data, yc: y, xMean, yMean };
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) xMean[j]! += data[i * d + j]!;
    yMean += y[i]!;
  }
  for (let j = 0; j < d; j++) xMean[j]! /= n;
  yMean /= n;
  const xc = new Float64Array(n * d);
  const yc = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) xc[i * d + j] = data[i * d + j]! - xMean[j]!;
    yc[i] = y[i]! - yMean;
  }
  return { xc, yc, xMean, yMean };
}

function predictLinear(m: Matrix, coef: Float64Array, intercept: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = intercept + dotRow(m.data, i * m.cols, coef, 0, m.cols);
  return out;
}

/** Coefficient of determination R² of predictions (scikit-learn's `score` for regressors). */
function r2(yTrue: Float64Array, yPred: Float64Array): number {
  let mean = 0;
  for (let i = 0; i < yTrue.length; i++) mean += yTrue[i]!;
  mean /= yTrue.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < yTrue.length; i++) {
    ssRes += (yTrue[i]! - yPred[i]!) ** 2;
    ssTot += (yTrue[i]! - mean) ** 2;
  }
  return ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot;
}

export interface LinearRegressionOptions {
  /** Fit an intercept (default true). */
  readonly fitIntercept?: boolean;
}

export interface LinearModelState<O> {
  readonly options: Required<O>;
  readonly coef: Float64Array;
  readonly intercept: number;
  readonly nFeatures: number;
  readonly rank?: number;
}

/** Ordinary least squares (minimum-norm solution when X is rank deficient). */
export class LinearRegression {
  readonly options: Required<LinearRegressionOptions>;
  coef: Float64Array | undefined;
  intercept = 0;
  nFeatures: number | undefined;
  /** Rank of the (centred) design matrix. */
  rank: number | undefined;

  constructor(options: LinearRegressionOptions = {}) {
    this.options = { fitIntercept: options.fitIntercept ?? true };
  }

  fit(x: MatrixLike, y: ArrayLike<number>): this {
    const m = fitMatrix('LinearRegression', x);
    const yv = toVector(y, m.rows, 'LinearRegression.fit y');
    const { xc, yc, xMean, yMean } = centre(m, yv, this.options.fitIntercept);
    const { coef, rank } = leastSquares(xc, m.rows, m.cols, yc);
    this.coef = coef;
    this.intercept = this.options.fitIntercept ? yMean - dotRow(xMean, 0, coef, 0, m.cols) : 0;
    this.nFeatures = m.cols;
    this.rank = rank;
    return this;
  }

  predict(x: MatrixLike): Float64Array {
    const m = predictMatrix('LinearRegression', 'predict', x, this.nFeatures);
    return predictLinear(m, this.coef!, this.intercept);
  }

  /** R² on (x, y). */
  score(x: MatrixLike, y: ArrayLike<number>): number {
    const pred = this.predict(x);
    return r2(toVector(y, pred.length, 'LinearRegression.score y'), pred);
  }

  toState(): LinearModelState<LinearRegressionOptions> {
    if (!this.coef) throw new Error('LinearRegression.toState: the model is not fitted');
    return { options: { ...this.options }, coef: this.coef.slice(), intercept: this.intercept, nFeatures: this.nFeatures!, rank: this.rank! };
  }

  static fromState(state: LinearModelState<LinearRegressionOptions>): LinearRegression {
    const model = new LinearRegression(state.options);
    model.coef = state.coef;
    model.intercept = state.intercept;
    model.nFeatures = state.nFeatures;
    model.rank = state.rank;
    return model;
  }
}
registerModel(LinearRegression);

export interface RidgeOptions {
  /** L2 strength: minimises ‖y − Xw − b‖² + alpha·‖w‖². Default 1. */
  readonly alpha?: number;
  readonly fitIntercept?: boolean;
}

/** Linear least squares with an L2 penalty, solved in closed form (Cholesky of XᵀX + αI). */
export class Ridge {
  readonly options: Required<RidgeOptions>;
  coef: Float64Array | undefined;
  intercept = 0;
  nFeatures: number | undefined;

  constructor(options: RidgeOptions = {}) {
    this.options = { alpha: options.alpha ?? 1, fitIntercept: options.fitIntercept ?? true };
    checkPositive('Ridge', 'alpha', this.options.alpha, true);
  }

  fit(x: MatrixLike, y: ArrayLike<number>): this {
    const m = fitMatrix('Ridge', x);
    const yv = toVector(y, m.rows, 'Ridge.fit y');
    const { rows: n, cols: d } = m;
    const { xc, yc, xMean, yMean } = centre(m, yv, this.options.fitIntercept);
    // Normal equations are fine here: alpha > 0 bounds the condition number.
    const gram = new Float64Array(d * d);
    const rhs = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const off = i * d;
      const yi = yc[i]!;
      for (let a = 0; a < d; a++) {
        const xa = xc[off + a]!;
        rhs[a]! += xa * yi;
        for (let b = 0; b <= a; b++) gram[a * d + b]! += xa * xc[off + b]!;
      }
    }
    for (let a = 0; a < d; a++) gram[a * d + a]! += this.options.alpha;
    const coef = choleskySolve(gram, d, rhs) ?? leastSquares(xc, n, d, yc).coef;
    this.coef = coef;
    this.intercept = this.options.fitIntercept ? yMean - dotRow(xMean, 0, coef, 0, d) : 0;
    this.nFeatures = d;
    return this;
  }

  predict(x: MatrixLike): Float64Array {
    const m = predictMatrix('Ridge', 'predict', x, this.nFeatures);
    return predictLinear(m, this.coef!, this.intercept);
  }

  /** R² on (x, y). */
  score(x: MatrixLike, y: ArrayLike<number>): number {
    const pred = this.predict(x);
    return r2(toVector(y, pred.length, 'Ridge.score y'), pred);
  }

  toState(): LinearModelState<RidgeOptions> {
    if (!this.coef) throw new Error('Ridge.toState: the model is not fitted');
    return { options: { ...this.options }, coef: this.coef.slice(), intercept: this.intercept, nFeatures: this.nFeatures! };
  }

  static fromState(state: LinearModelState<RidgeOptions>): Ridge {
    const model = new Ridge(state.options);
    model.coef = state.coef;
    model.intercept = state.intercept;
    model.nFeatures = state.nFeatures;
    return model;
  }
}
registerModel(Ridge);
