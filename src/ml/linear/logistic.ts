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

/** Rows per kernel call (a multiple of 4, at most 1024: see binaryRows). */
const CHUNK = 512;

/** Whether every entry is exactly zero (the solver's starting point). */
function allZero(w: Float64Array): boolean {
  for (let q = 0; q < w.length; q++) if (w[q] !== 0) return false;
  return true;
}

/**
 * The objective at w = 0, where every logit is 0 and every probability is 1/k, so no exp is
 * needed. Besides saving a pass, this keeps the general loops from first running on all-zero
 * (small-integer) values, which would make V8 specialise them for integers and deoptimise later.
 */
function objectiveAtZero(m: Matrix, codes: Int32Array, k: number, fitIntercept: boolean, g: Float64Array): number {
  const { rows: n, cols: d, data } = m;
  const grad = new Float64Array(k * (d + 1));
  zeroGradient(data, n, d, codes, k, grad);
  const kd = k * d;
  for (let q = 0; q < kd; q++) g[q] = grad[q]! / n;
  if (fitIntercept) for (let c = 0; c < k; c++) g[kd + c] = grad[kd + c]! / n;
  return k === 1 ? Math.LN2 : Math.log(k);
}

/** Σ_i (p − y_i) x_i with p = 1/2 (k = 1, binary) or 1/k: the gradient at zero, unscaled. */
function zeroGradient(data: Float64Array, n: number, d: number, codes: Int32Array, k: number, grad: Float64Array): void {
  const p = k === 1 ? 0.5 : 1 / k;
  const kd = k * d;
  for (let i = 0; i < n; i++) {
    const off = i * d;
    const y = codes[i]!;
    for (let c = 0; c < k; c++) {
      const r = k === 1 ? p - y : p - (y === c ? 1 : 0);
      axpyRow(grad, c * d, r, data, off, d);
      grad[kd + c]! += r;
    }
  }
}

/*
 * The hot loops live in their own functions that end right after the loop: V8 compiles them
 * on-stack while the first evaluation runs, and code placed after such a loop has no type
 * feedback yet, which made the optimised code bail out on every later call.
 */

/**
 * Adds the log-loss gradient of rows [start, end) (a multiple of four rows) into g[0..d) and the
 * intercept gradient into g[d]; returns the summed loss. At most 1024 rows per call. Four rows at a time: each weight load
 * feeds four dot products and each gradient load/store takes four rows (~20% faster in V8).
 */
function binaryRows(data: Float64Array, d: number, codes: Int32Array, w: Float64Array, b: number, g: Float64Array, start: number, end: number, z: Float64Array): number {
  let loss = 0;
  // Σ log σ(|z|) = log Π σ(|z|): one log per call instead of one per row. Each factor is in
  // [1/2, 1], so the product of ≤ 1024 rows stays far above the smallest double.
  let prodSigma = 1;
  for (let i = start; i < end; i += 4) {
    const o0 = i * d;
    const o1 = o0 + d;
    const o2 = o1 + d;
    const o3 = o2 + d;
    let z0 = b;
    let z1 = b;
    let z2 = b;
    let z3 = b;
    for (let j = 0; j < d; j++) {
      const wj = w[j]!;
      z0 += data[o0 + j]! * wj;
      z1 += data[o1 + j]! * wj;
      z2 += data[o2 + j]! * wj;
      z3 += data[o3 + j]! * wj;
    }
    z[0] = z0;
    z[1] = z1;
    z[2] = z2;
    z[3] = z3;
    // log(1 + e^z) − y·z = max(z, 0) − log σ(|z|): one exp serves the loss and the residual σ(z) − y.
    for (let q = 0; q < 4; q++) {
      const zq = z[q]!;
      const y = codes[i + q]!;
      const e = Math.exp(-Math.abs(zq));
      const inv = 1 / (1 + e);
      loss += Math.max(zq, 0) - y * zq;
      prodSigma *= inv;
      z[q] = (zq >= 0 ? inv : e * inv) - y;
    }
    const r0 = z[0]!;
    const r1 = z[1]!;
    const r2 = z[2]!;
    const r3 = z[3]!;
    for (let j = 0; j < d; j++) g[j]! += r0 * data[o0 + j]! + r1 * data[o1 + j]! + (r2 * data[o2 + j]! + r3 * data[o3 + j]!);
    g[d]! += r0 + r1 + (r2 + r3);
  }
  return loss - Math.log(prodSigma);
}

/** Mean binary log-loss + l2/2·‖w‖²; params = [w (d), b]. y codes are 0/1. */
function binaryObjective(m: Matrix, codes: Int32Array, l2: number, fitIntercept: boolean): Objective {
  const { rows: n, cols: d, data } = m;
  const invN = 1 / n;
  const z = new Float64Array(4);
  const grad = new Float64Array(d + 1); // with an intercept slot even when not fitted
  const n4 = n - (n & 3);
  return (w, g) => {
    if (allZero(w)) return objectiveAtZero(m, codes, 1, fitIntercept, g);
    grad.fill(0);
    const b = fitIntercept ? w[d]! : 0;
    // Chunks of rows: the kernel gets hot through calls and is compiled once, not on-stack then again.
    let loss = 0;
    for (let start = 0; start < n4; start += CHUNK) loss += binaryRows(data, d, codes, w, b, grad, start, Math.min(start + CHUNK, n4), z);
    for (let i = n4; i < n; i++) {
      const off = i * d;
      const zi = b + dotRow(data, off, w, 0, d);
      const y = codes[i]!;
      const e = Math.exp(-Math.abs(zi));
      const inv = 1 / (1 + e);
      loss += Math.max(zi, 0) - Math.log(inv) - y * zi;
      const r = (zi >= 0 ? inv : e * inv) - y;
      axpyRow(grad, 0, r, data, off, d);
      grad[d]! += r;
    }
    let reg = 0;
    for (let j = 0; j < d; j++) {
      const wj = w[j]!;
      reg += wj * wj;
      g[j] = grad[j]! * invN + l2 * wj;
    }
    if (fitIntercept) g[d] = grad[d]! * invN;
    return loss * invN + 0.5 * l2 * reg;
  };
}

/**
 * Turns logits z[0..k) into residuals p − onehot(y) in place and returns the row's loss
 * −log p_y = logΣe^z − z_y.
 */
function softmaxPoint(z: Float64Array, k: number, y: number): number {
  let max = -Infinity;
  for (let c = 0; c < k; c++) if (z[c]! > max) max = z[c]!;
  const zy = z[y]!;
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(z[c]! - max);
    z[c] = e;
    sum += e;
  }
  const loss = max + Math.log(sum) - zy;
  const inv = 1 / sum;
  for (let c = 0; c < k; c++) z[c]! *= inv;
  z[y]! -= 1;
  return loss;
}

/**
 * Adds the softmax cross-entropy gradient of rows [start, end) (an even count) into g (W block,
 * then intercepts at kd + c) and returns the summed loss. Two rows at a time, sharing each weight
 * load and each gradient load/store.
 */
function multinomialRows(
  data: Float64Array,
  d: number,
  k: number,
  codes: Int32Array,
  w: Float64Array,
  bias: Float64Array,
  g: Float64Array,
  start: number,
  end: number,
  za: Float64Array,
  zb: Float64Array,
): number {
  const kd = k * d;
  let loss = 0;
  for (let i = start; i < end; i += 2) {
    const o0 = i * d;
    const o1 = o0 + d;
    for (let c = 0; c < k; c++) {
      const wc = c * d;
      let s0 = bias[c]!;
      let s1 = s0;
      let t0 = 0;
      let t1 = 0;
      let j = 0;
      for (; j + 1 < d; j += 2) {
        const w0 = w[wc + j]!;
        const w1 = w[wc + j + 1]!;
        s0 += data[o0 + j]! * w0;
        s1 += data[o1 + j]! * w0;
        t0 += data[o0 + j + 1]! * w1;
        t1 += data[o1 + j + 1]! * w1;
      }
      if (j < d) {
        s0 += data[o0 + j]! * w[wc + j]!;
        s1 += data[o1 + j]! * w[wc + j]!;
      }
      za[c] = s0 + t0;
      zb[c] = s1 + t1;
    }
    loss += softmaxPoint(za, k, codes[i]!) + softmaxPoint(zb, k, codes[i + 1]!);
    for (let c = 0; c < k; c++) {
      const ra = za[c]!;
      const rb = zb[c]!;
      const gc = c * d;
      for (let j = 0; j < d; j++) g[gc + j]! += ra * data[o0 + j]! + rb * data[o1 + j]!;
      g[kd + c]! += ra + rb;
    }
  }
  return loss;
}

/** Mean softmax cross-entropy + l2/2·‖W‖²; params = [W (k × d row-major), b (k)]. */
function multinomialObjective(m: Matrix, codes: Int32Array, k: number, l2: number, fitIntercept: boolean): Objective {
  const { rows: n, cols: d, data } = m;
  const invN = 1 / n;
  const za = new Float64Array(k);
  const zb = new Float64Array(k);
  const kd = k * d;
  const bias = new Float64Array(k);
  const grad = new Float64Array(kd + k); // with intercept slots even when not fitted
  const n2 = n - (n & 1);
  return (w, g) => {
    if (allZero(w)) return objectiveAtZero(m, codes, k, fitIntercept, g);
    grad.fill(0);
    if (fitIntercept) bias.set(w.subarray(kd, kd + k));
    let loss = 0;
    for (let start = 0; start < n2; start += CHUNK) loss += multinomialRows(data, d, k, codes, w, bias, grad, start, Math.min(start + CHUNK, n2), za, zb);
    if (n2 < n) {
      const off = n2 * d;
      for (let c = 0; c < k; c++) za[c] = bias[c]! + dotRow(data, off, w, c * d, d);
      loss += softmaxPoint(za, k, codes[n2]!);
      for (let c = 0; c < k; c++) {
        axpyRow(grad, c * d, za[c]!, data, off, d);
        grad[kd + c]! += za[c]!;
      }
    }
    let reg = 0;
    for (let q = 0; q < kd; q++) {
      const wq = w[q]!;
      reg += wq * wq;
      g[q] = grad[q]! * invN + l2 * wq;
    }
    if (fitIntercept) for (let c = 0; c < k; c++) g[kd + c] = grad[kd + c]! * invN;
    return loss * invN + 0.5 * l2 * reg;
  };
}
