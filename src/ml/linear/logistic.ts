/**
 * Logistic regression with an L2 penalty, fitted by L-BFGS — scikit-learn's
 * `LogisticRegression(solver='lbfgs')`: binary (one weight vector, sigmoid) or multinomial
 * (softmax over k weight vectors) when y has more than two classes.
 */
import { encodeLabels, registerModel, type Label, type Labels } from '../core/estimator.js';
import { Matrix, type MatrixLike } from '../core/matrix.js';
import { labelsFromScores, linearScores } from './decision.js';
import { minimizeLbfgs, type Objective } from './lbfgs.js';
import { axpyRow, dotRow } from './kernels.js';
import { sigmoid, softmaxInPlace } from './math.js';
import { checkInt, checkOneOf, checkPositive, checkTwoClasses, fitMatrix, predictMatrix } from './validate.js';

export interface LogisticRegressionOptions {
  /** 'l2' (default) or null for no penalty. */
  readonly penalty?: 'l2' | null;
  /** Inverse regularisation strength: minimises 0.5‖w‖² + C·Σ log-loss. Default 1. */
  readonly C?: number;
  /** Fit an (unpenalised) intercept. Default true. */
  readonly fitIntercept?: boolean;
  /** Maximum L-BFGS iterations. Default 100. */
  readonly maxIter?: number;
  /** Stop when the largest gradient component of the mean loss is ≤ tol. Default 1e-4. */
  readonly tol?: number;
}

type ResolvedOptions = Required<LogisticRegressionOptions>;

export interface LogisticRegressionState {
  readonly options: ResolvedOptions;
  readonly classes: Label[];
  readonly nFeatures: number;
  /** k' × d row-major, k' = 1 for binary. */
  readonly coef: Float64Array;
  readonly intercept: Float64Array;
  readonly nIter: number;
  readonly converged: boolean;
}

const NAME = 'LogisticRegression';

/** L2-regularised logistic regression (binary or multinomial). */
export class LogisticRegression {
  readonly options: ResolvedOptions;
  classes: Label[] | undefined;
  /** Features seen in fit. */
  nFeatures: number | undefined;
  /** Coefficients: 1 × d for binary (for classes[1]), k × d for multinomial. */
  coef: Matrix | undefined;
  intercept: Float64Array | undefined;
  /** L-BFGS iterations used by the last fit. */
  nIter = 0;
  /** Whether the last fit met `tol` within `maxIter`. */
  converged = false;

  constructor(options: LogisticRegressionOptions = {}) {
    this.options = {
      penalty: options.penalty === undefined ? 'l2' : options.penalty,
      C: options.C ?? 1,
      fitIntercept: options.fitIntercept ?? true,
      maxIter: options.maxIter ?? 100,
      tol: options.tol ?? 1e-4,
    };
    checkOneOf(NAME, 'penalty', this.options.penalty, ['l2', null]);
    checkPositive(NAME, 'C', this.options.C);
    checkInt(NAME, 'maxIter', this.options.maxIter, 1);
    checkPositive(NAME, 'tol', this.options.tol, true);
  }

  fit(x: MatrixLike, y: Labels): this {
    const m = fitMatrix(NAME, x);
    const { classes, codes } = encodeLabels(y, m.rows, `${NAME}.fit y`);
    checkTwoClasses(NAME, classes);
    const d = m.cols;
    const k = classes.length === 2 ? 1 : classes.length;
    const { penalty, C, fitIntercept, maxIter, tol } = this.options;
    // Scaled like scikit-learn: mean loss + ‖W‖² / (2·C·n), so `tol` means the same thing.
    const l2 = penalty === 'l2' ? 1 / (C * m.rows) : 0;
    const objective = k === 1 ? binaryObjective(m, codes, l2, fitIntercept) : multinomialObjective(m, codes, k, l2, fitIntercept);
    const params = new Float64Array(k * d + (fitIntercept ? k : 0));
    const result = minimizeLbfgs(objective, params, { maxIter, gtol: tol, maxLineSearch: 50 });
    this.classes = classes;
    this.nFeatures = d;
    this.coef = new Matrix(k, d, params.slice(0, k * d));
    this.intercept = fitIntercept ? params.slice(k * d) : new Float64Array(k);
    this.nIter = result.nIter;
    this.converged = result.converged;
    return this;
  }

  /** Raw scores X·Wᵀ + b: one column (for classes[1]) when binary, else one per class. */
  decisionFunction(x: MatrixLike): Matrix {
    const m = predictMatrix(NAME, 'decisionFunction', x, this.nFeatures);
    return linearScores(m, this.coef!.data, this.intercept!, this.coef!.rows);
  }

  predict(x: MatrixLike): Label[] {
    const m = predictMatrix(NAME, 'predict', x, this.nFeatures);
    return labelsFromScores(linearScores(m, this.coef!.data, this.intercept!, this.coef!.rows), this.classes!);
  }

  /** rows × classes probabilities, columns in the order of `classes`. */
  predictProba(x: MatrixLike): Matrix {
    const m = predictMatrix(NAME, 'predictProba', x, this.nFeatures);
    const scores = linearScores(m, this.coef!.data, this.intercept!, this.coef!.rows);
    if (scores.cols === 1) {
      const out = new Float64Array(m.rows * 2);
      for (let i = 0; i < m.rows; i++) {
        const p = sigmoid(scores.data[i]!);
        out[2 * i] = 1 - p;
        out[2 * i + 1] = p;
      }
      return new Matrix(m.rows, 2, out);
    }
    for (let i = 0; i < m.rows; i++) softmaxInPlace(scores.data, i * scores.cols, scores.cols);
    return scores;
  }

  toState(): LogisticRegressionState {
    if (!this.coef) throw new Error(`${NAME}.toState: the model is not fitted`);
    return {
      options: { ...this.options },
      classes: [...this.classes!],
      nFeatures: this.nFeatures!,
      coef: this.coef.data.slice(),
      intercept: this.intercept!.slice(),
      nIter: this.nIter,
      converged: this.converged,
    };
  }

  static fromState(state: LogisticRegressionState): LogisticRegression {
    const model = new LogisticRegression(state.options);
    model.classes = [...state.classes];
    model.nFeatures = state.nFeatures;
    model.coef = new Matrix(state.coef.length / state.nFeatures, state.nFeatures, state.coef);
    model.intercept = state.intercept;
    model.nIter = state.nIter;
    model.converged = state.converged;
    return model;
  }
}
registerModel(LogisticRegression);

/** Mean binary log-loss + l2/2·‖w‖²; params = [w (d), b]. y codes are 0/1. */
function binaryObjective(m: Matrix, codes: Int32Array, l2: number, fitIntercept: boolean): Objective {
  const { rows: n, cols: d, data } = m;
  const invN = 1 / n;
  return (w, g) => {
    g.fill(0);
    const b = fitIntercept ? w[d]! : 0;
    let loss = 0;
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const off = i * d;
      const z = b + dotRow(data, off, w, 0, d);
      const yi = codes[i]!;
      // One exp serves both the loss log(1+e^z) - y·z and the residual sigmoid(z) - y.
      const e = Math.exp(-Math.abs(z));
      const inv = 1 / (1 + e);
      loss += Math.max(z, 0) + Math.log1p(e) - yi * z;
      const r = (z >= 0 ? inv : e * inv) - yi;
      axpyRow(g, 0, r, data, off, d);
      gb += r;
    }
    let reg = 0;
    for (let j = 0; j < d; j++) {
      const wj = w[j]!;
      reg += wj * wj;
      g[j] = g[j]! * invN + l2 * wj;
    }
    if (fitIntercept) g[d] = gb * invN;
    return loss * invN + 0.5 * l2 * reg;
  };
}

/** Mean softmax cross-entropy + l2/2·‖W‖²; params = [W (k × d row-major), b (k)]. */
function multinomialObjective(m: Matrix, codes: Int32Array, k: number, l2: number, fitIntercept: boolean): Objective {
  const { rows: n, cols: d, data } = m;
  const invN = 1 / n;
  const z = new Float64Array(k);
  const kd = k * d;
  return (w, g) => {
    g.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const off = i * d;
      for (let c = 0; c < k; c++) z[c] = (fitIntercept ? w[kd + c]! : 0) + dotRow(data, off, w, c * d, d);
      const yi = codes[i]!;
      const zy = z[yi]!;
      loss += softmaxInPlace(z, 0, k) - zy;
      z[yi]! -= 1; // z now holds p - onehot(y)
      for (let c = 0; c < k; c++) {
        const r = z[c]!;
        axpyRow(g, c * d, r, data, off, d);
        if (fitIntercept) g[kd + c]! += r;
      }
    }
    let reg = 0;
    for (let q = 0; q < kd; q++) {
      const wq = w[q]!;
      reg += wq * wq;
      g[q] = g[q]! * invN + l2 * wq;
    }
    if (fitIntercept) for (let c = 0; c < k; c++) g[kd + c]! *= invN;
    return loss * invN + 0.5 * l2 * reg;
  };
}
