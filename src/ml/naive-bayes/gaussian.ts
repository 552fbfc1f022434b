/**
 * Gaussian naive Bayes — scikit-learn's `GaussianNB`: per-class feature means and variances,
 * with `varSmoothing` × (largest feature variance) added to every variance for stability.
 */
import { DataError, ParamError } from '../core/errors.js';
import { encodeLabels, registerModel, type Label, type Labels } from '../core/estimator.js';
import { Matrix, type MatrixLike } from '../core/matrix.js';
import { softmaxInPlace } from '../linear/math.js';
import { argmax, checkPositive, fitMatrix, predictMatrix } from '../linear/validate.js';

export interface GaussianNBOptions {
  /** Class prior probabilities in the order of the sorted classes; default: class frequencies. */
  readonly priors?: readonly number[] | null;
  /** Fraction of the largest feature variance added to all variances. Default 1e-9. */
  readonly varSmoothing?: number;
}

export interface GaussianNBState {
  readonly options: { priors: number[] | null; varSmoothing: number };
  readonly classes: Label[];
  readonly theta: Float64Array;
  readonly var: Float64Array;
  readonly classPrior: Float64Array;
  readonly classCount: Float64Array;
  readonly epsilon: number;
  readonly nFeatures: number;
}

const NAME = 'GaussianNB';

/** Gaussian naive Bayes classifier. */
export class GaussianNB {
  readonly options: { readonly priors: readonly number[] | null; readonly varSmoothing: number };
  classes: Label[] | undefined;
  /** classes × features means. */
  theta: Matrix | undefined;
  /** classes × features variances (epsilon included). */
  var: Matrix | undefined;
  classPrior: Float64Array | undefined;
  /** Training rows per class. */
  classCount: Float64Array | undefined;
  /** The amount added to every variance: varSmoothing × max feature variance. */
  epsilon = 0;
  nFeatures: number | undefined;

  constructor(options: GaussianNBOptions = {}) {
    this.options = { priors: options.priors ?? null, varSmoothing: options.varSmoothing ?? 1e-9 };
    checkPositive(NAME, 'varSmoothing', this.options.varSmoothing, true);
  }

  fit(x: MatrixLike, y: Labels): this {
    const m = fitMatrix(NAME, x);
    const { classes, codes } = encodeLabels(y, m.rows, `${NAME}.fit y`);
    const { rows: n, cols: d, data } = m;
    const k = classes.length;
    const count = new Float64Array(k);
    const mean = new Float64Array(k * d);
    for (let i = 0; i < n; i++) {
      const c = codes[i]!;
      count[c]!++;
      for (let j = 0; j < d; j++) mean[c * d + j]! += data[i * d + j]!;
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) mean[c * d + j]! /= count[c]!;
    // Two-pass (centred) variances: exact for hand-checkable data and stable for large offsets.
    const variance = new Float64Array(k * d);
    for (let i = 0; i < n; i++) {
      const c = codes[i]!;
      for (let j = 0; j < d; j++) {
        const diff = data[i * d + j]! - mean[c * d + j]!;
        variance[c * d + j]! += diff * diff;
      }
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) variance[c * d + j]! /= count[c]!;
    // epsilon = varSmoothing × the largest variance of any feature over all rows.
    let maxVar = 0;
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += data[i * d + j]!;
      const mu = s / n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (data[i * d + j]! - mu) ** 2;
      maxVar = Math.max(maxVar, v / n);
    }
    const epsilon = this.options.varSmoothing * maxVar;
    for (let q = 0; q < k * d; q++) variance[q]! += epsilon;
    const prior = new Float64Array(k);
    if (this.options.priors) {
      const p = this.options.priors;
      if (p.length !== k) throw new DataError(`${NAME}.fit: priors has ${p.length} values but y has ${k} classes`);
      const sum = p.reduce((a, b) => a + b, 0);
      if (p.some((v) => !(v >= 0)) || Math.abs(sum - 1) > 1e-8) {
        throw new ParamError(`${NAME}: priors must be non-negative and sum to 1, got [${p.join(', ')}]`);
      }
      prior.set(p);
    } else {
      for (let c = 0; c < k; c++) prior[c] = count[c]! / n;
    }
    // A zero variance left after smoothing would divide by zero at predict time: refuse clearly.
    for (let q = 0; q < k * d; q++) {
      if (!(variance[q]! > 0)) {
        throw new DataError(
          `${NAME}.fit: feature ${q % d} has zero variance within class ${String(classes[Math.floor(q / d)])} and the smoothing ` +
            `varSmoothing × (largest feature variance) is 0; raise varSmoothing or drop constant features`,
        );
      }
    }
    this.classes = classes;
    this.theta = new Matrix(k, d, mean);
    this.var = new Matrix(k, d, variance);
    this.classPrior = prior;
    this.classCount = count;
    this.epsilon = epsilon;
    this.nFeatures = d;
    return this;
  }

  /** rows × classes joint log-likelihood log P(c) + log P(x | c). */
  private jointLogLikelihood(method: string, x: MatrixLike): Matrix {
    const m = predictMatrix(NAME, method, x, this.nFeatures);
    const k = this.classes!.length;
    const d = m.cols;
    const theta = this.theta!.data;
    const variance = this.var!.data;
    const base = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      let s = Math.log(this.classPrior![c]!);
      for (let j = 0; j < d; j++) s -= 0.5 * Math.log(2 * Math.PI * variance[c * d + j]!);
      base[c] = s;
    }
    const out = new Float64Array(m.rows * k);
    for (let i = 0; i < m.rows; i++) {
      for (let c = 0; c < k; c++) {
        let s = base[c]!;
        for (let j = 0; j < d; j++) {
          const diff = m.data[i * d + j]! - theta[c * d + j]!;
          s -= (0.5 * diff * diff) / variance[c * d + j]!;
        }
        out[i * k + c] = s;
      }
    }
    return new Matrix(m.rows, k, out);
  }

  predict(x: MatrixLike): Label[] {
    const jll = this.jointLogLikelihood('predict', x);
    const out: Label[] = new Array<Label>(jll.rows);
    for (let i = 0; i < jll.rows; i++) out[i] = this.classes![argmax(jll.data, i * jll.cols, jll.cols)]!;
    return out;
  }

  /** Posterior probabilities, rows × classes. */
  predictProba(x: MatrixLike): Matrix {
    const jll = this.jointLogLikelihood('predictProba', x);
    for (let i = 0; i < jll.rows; i++) softmaxInPlace(jll.data, i * jll.cols, jll.cols);
    return jll;
  }

  /** Log posterior probabilities, rows × classes. */
  predictLogProba(x: MatrixLike): Matrix {
    const jll = this.jointLogLikelihood('predictLogProba', x);
    const k = jll.cols;
    for (let i = 0; i < jll.rows; i++) {
      const row = jll.data.subarray(i * k, (i + 1) * k);
      const copy = Float64Array.from(row);
      const lse = softmaxInPlace(copy, 0, k);
      for (let c = 0; c < k; c++) row[c]! -= lse;
    }
    return jll;
  }

  toState(): GaussianNBState {
    if (!this.theta) throw new Error(`${NAME}.toState: the model is not fitted`);
    return {
      options: { priors: this.options.priors ? [...this.options.priors] : null, varSmoothing: this.options.varSmoothing },
      classes: [...this.classes!],
      theta: this.theta.data.slice(),
      var: this.var!.data.slice(),
      classPrior: this.classPrior!.slice(),
      classCount: this.classCount!.slice(),
      epsilon: this.epsilon,
      nFeatures: this.nFeatures!,
    };
  }

  static fromState(state: GaussianNBState): GaussianNB {
    const model = new GaussianNB(state.options);
    const k = state.classes.length;
    model.classes = [...state.classes];
    model.theta = new Matrix(k, state.nFeatures, state.theta);
    model.var = new Matrix(k, state.nFeatures, state.var);
    model.classPrior = state.classPrior;
    model.classCount = state.classCount;
    model.epsilon = state.epsilon;
    model.nFeatures = state.nFeatures;
    return model;
  }
}
registerModel(GaussianNB);
