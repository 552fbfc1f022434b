/**
 * Feature scaling: StandardScaler (zero mean, unit variance) and MinMaxScaler (to a range).
 * Both ignore NaN when fitting and keep it when transforming (impute before or after), and both
 * support `partialFit` for data that arrives in chunks.
 */
import { DataError, NotFittedError, ParamError } from '../core/errors.js';
import { registerModel, type Transformer } from '../core/estimator.js';
import { Matrix, toMatrix, type MatrixLike } from '../core/matrix.js';
import { checkFeatures, featureNames } from './frame.js';

/** Per-column count, mean and sum of squared deviations of the non-NaN values of one batch. */
function batchMoments(m: Matrix): { n: Float64Array; mean: Float64Array; m2: Float64Array } {
  const n = new Float64Array(m.cols);
  const mean = new Float64Array(m.cols);
  const m2 = new Float64Array(m.cols);
  const d = m.data;
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < m.cols; c++) {
      const v = d[r * m.cols + c]!;
      if (Number.isNaN(v)) continue;
      n[c]!++;
      mean[c]! += v;
    }
  }
  for (let c = 0; c < m.cols; c++) mean[c] = n[c]! > 0 ? mean[c]! / n[c]! : 0;
  // Second pass over deviations: numerically safer than sum of squares.
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < m.cols; c++) {
      const v = d[r * m.cols + c]!;
      if (!Number.isNaN(v)) m2[c]! += (v - mean[c]!) ** 2;
    }
  }
  return { n, mean, m2 };
}

/** sklearn's test for a constant column: a variance within floating-point error of 0. */
function isConstant(variance: number, mean: number, n: number): boolean {
  const eps = Number.EPSILON;
  return variance <= n * eps * variance + (n * mean * eps) ** 2;
}

export interface StandardScalerOptions {
  /** Subtract the mean. Default true. */
  readonly withMean?: boolean;
  /** Divide by the standard deviation. Default true. */
  readonly withStd?: boolean;
}

export interface StandardScalerState {
  readonly withMean: boolean;
  readonly withStd: boolean;
  readonly featureNames: string[];
  readonly named: boolean;
  readonly nSamplesSeen: Float64Array;
  readonly mean: Float64Array;
  readonly variance: Float64Array;
}

/**
 * Standardizes columns: (x - mean) / std, with the population std (ddof 0) like sklearn.
 * Constant columns get scale 1 (they become 0, not NaN).
 */
export class StandardScaler implements Transformer {
  readonly withMean: boolean;
  readonly withStd: boolean;
  private fitted: StandardScalerState | undefined;

  constructor(options: StandardScalerOptions = {}) {
    this.withMean = options.withMean ?? true;
    this.withStd = options.withStd ?? true;
  }

  /** Column means (undefined before fit). */
  get mean(): Float64Array | undefined {
    return this.fitted?.mean;
  }

  /** Column population variances. */
  get variance(): Float64Array | undefined {
    return this.fitted?.variance;
  }

  /** Divisors used by transform: std, or 1 for constant columns (all 1 with withStd false). */
  get scale(): Float64Array | undefined {
    const f = this.fitted;
    if (!f) return undefined;
    return f.variance.map((v, c) => (!this.withStd || isConstant(v, f.mean[c]!, f.nSamplesSeen[c]!) ? 1 : Math.sqrt(v)));
  }

  /** Non-NaN samples seen per column. */
  get nSamplesSeen(): Float64Array | undefined {
    return this.fitted?.nSamplesSeen;
  }

  fit(x: MatrixLike): this {
    this.fitted = undefined;
    return this.partialFit(x);
  }

  /** Updates mean and variance with one more chunk (Chan et al. parallel merge). */
  partialFit(x: MatrixLike): this {
    const m = toMatrix(x, { what: 'StandardScaler.fit X', allowNaN: true });
    const { names, named } = featureNames(m);
    const b = batchMoments(m);
    const prev = this.fitted;
    if (!prev) {
      const variance = b.m2.map((s, c) => (b.n[c]! > 0 ? s / b.n[c]! : 0));
      this.fitted = { withMean: this.withMean, withStd: this.withStd, featureNames: names, named, nSamplesSeen: b.n, mean: b.mean, variance };
      return this;
    }
    checkFeatures('StandardScaler.partialFit', prev.featureNames, prev.named, names, named);
    const n = new Float64Array(m.cols);
    const mean = new Float64Array(m.cols);
    const variance = new Float64Array(m.cols);
    for (let c = 0; c < m.cols; c++) {
      const na = prev.nSamplesSeen[c]!;
      const nb = b.n[c]!;
      const total = na + nb;
      n[c] = total;
      if (total === 0) continue;
      const delta = b.mean[c]! - prev.mean[c]!;
      mean[c] = prev.mean[c]! + (delta * nb) / total;
      variance[c] = (prev.variance[c]! * na + b.m2[c]! + (delta * delta * na * nb) / total) / total;
    }
    this.fitted = { ...prev, nSamplesSeen: n, mean, variance };
    return this;
  }

  private state(method: string): StandardScalerState {
    if (!this.fitted) throw new NotFittedError('StandardScaler', method);
    return this.fitted;
  }

  transform(x: MatrixLike): Matrix {
    const f = this.state('transform');
    const m = toMatrix(x, { what: 'StandardScaler.transform X', allowNaN: true });
    const { names, named } = featureNames(m);
    checkFeatures('StandardScaler.transform', f.featureNames, f.named, names, named);
    const scale = this.scale!;
    const out = new Float64Array(m.data.length);
    for (let i = 0; i < out.length; i++) {
      const c = i % m.cols;
      out[i] = (m.data[i]! - (this.withMean ? f.mean[c]! : 0)) / scale[c]!;
    }
    return new Matrix(m.rows, m.cols, out, f.featureNames);
  }

  fitTransform(x: MatrixLike): Matrix {
    return this.fit(x).transform(x);
  }

  /** Maps standardized values back to the original units. */
  inverseTransform(x: MatrixLike): Matrix {
    const f = this.state('inverseTransform');
    const m = toMatrix(x, { what: 'StandardScaler.inverseTransform X', allowNaN: true });
    checkFeatures('StandardScaler.inverseTransform', f.featureNames, false, featureNames(m).names, false);
    const scale = this.scale!;
    const out = new Float64Array(m.data.length);
    for (let i = 0; i < out.length; i++) {
      const c = i % m.cols;
      out[i] = m.data[i]! * scale[c]! + (this.withMean ? f.mean[c]! : 0);
    }
    return new Matrix(m.rows, m.cols, out, f.featureNames);
  }

  /** Output column names (the input names). */
  featureNamesOut(): string[] {
    return [...this.state('featureNamesOut').featureNames];
  }

  toState(): StandardScalerState {
    return this.state('toState');
  }

  static fromState(state: StandardScalerState): StandardScaler {
    const s = new StandardScaler({ withMean: state.withMean, withStd: state.withStd });
    s.fitted = state;
    return s;
  }
}
registerModel(StandardScaler);

export interface MinMaxScalerOptions {
  /** Target range [min, max]. Default [0, 1]. */
  readonly featureRange?: readonly [number, number];
  /** Clip transformed values of unseen data to the range. Default false. */
  readonly clip?: boolean;
}

export interface MinMaxScalerState {
  readonly featureRange: [number, number];
  readonly clip: boolean;
  readonly featureNames: string[];
  readonly named: boolean;
  readonly dataMin: Float64Array;
  readonly dataMax: Float64Array;
}

/** Scales each column linearly so the fitted min/max map to `featureRange`; constant columns map to its min. */
export class MinMaxScaler implements Transformer {
  readonly featureRange: [number, number];
  readonly clip: boolean;
  private fitted: MinMaxScalerState | undefined;

  constructor(options: MinMaxScalerOptions = {}) {
    const [lo, hi] = options.featureRange ?? [0, 1];
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
      throw new ParamError(`MinMaxScaler: featureRange must be [min, max] with min < max, got [${lo}, ${hi}]`);
    }
    this.featureRange = [lo, hi];
    this.clip = options.clip ?? false;
  }

  get dataMin(): Float64Array | undefined {
    return this.fitted?.dataMin;
  }

  get dataMax(): Float64Array | undefined {
    return this.fitted?.dataMax;
  }

  fit(x: MatrixLike): this {
    this.fitted = undefined;
    return this.partialFit(x);
  }

  /** Widens the seen min/max with one more chunk. */
  partialFit(x: MatrixLike): this {
    const m = toMatrix(x, { what: 'MinMaxScaler.fit X', allowNaN: true });
    const { names, named } = featureNames(m);
    const prev = this.fitted;
    if (prev) checkFeatures('MinMaxScaler.partialFit', prev.featureNames, prev.named, names, named);
    const dataMin = prev ? Float64Array.from(prev.dataMin) : new Float64Array(m.cols).fill(Number.NaN);
    const dataMax = prev ? Float64Array.from(prev.dataMax) : new Float64Array(m.cols).fill(Number.NaN);
    for (let i = 0; i < m.data.length; i++) {
      const v = m.data[i]!;
      const c = i % m.cols;
      if (Number.isNaN(v)) continue;
      if (!(v >= dataMin[c]!)) dataMin[c] = v;
      if (!(v <= dataMax[c]!)) dataMax[c] = v;
    }
    this.fitted = { featureRange: this.featureRange, clip: this.clip, featureNames: prev?.featureNames ?? names, named: prev?.named ?? named, dataMin, dataMax };
    return this;
  }

  private state(method: string): MinMaxScalerState {
    if (!this.fitted) throw new NotFittedError('MinMaxScaler', method);
    return this.fitted;
  }

  /** Per column: x * scale + offset. */
  private coefficients(f: MinMaxScalerState): { scale: Float64Array; offset: Float64Array } {
    const [lo, hi] = this.featureRange;
    const scale = new Float64Array(f.dataMin.length);
    const offset = new Float64Array(f.dataMin.length);
    for (let c = 0; c < scale.length; c++) {
      let range = f.dataMax[c]! - f.dataMin[c]!;
      if (!(range >= 10 * Number.EPSILON)) range = 1; // constant (or all-NaN) column
      scale[c] = (hi - lo) / range;
      offset[c] = lo - (Number.isNaN(f.dataMin[c]!) ? 0 : f.dataMin[c]!) * scale[c]!;
    }
    return { scale, offset };
  }

  transform(x: MatrixLike): Matrix {
    const f = this.state('transform');
    const m = toMatrix(x, { what: 'MinMaxScaler.transform X', allowNaN: true });
    const { names, named } = featureNames(m);
    checkFeatures('MinMaxScaler.transform', f.featureNames, f.named, names, named);
    const { scale, offset } = this.coefficients(f);
    const [lo, hi] = this.featureRange;
    const out = new Float64Array(m.data.length);
    for (let i = 0; i < out.length; i++) {
      const c = i % m.cols;
      let v = m.data[i]! * scale[c]! + offset[c]!;
      if (this.clip) v = Math.min(hi, Math.max(lo, v));
      out[i] = v;
    }
    return new Matrix(m.rows, m.cols, out, f.featureNames);
  }

  fitTransform(x: MatrixLike): Matrix {
    return this.fit(x).transform(x);
  }

  inverseTransform(x: MatrixLike): Matrix {
    const f = this.state('inverseTransform');
    const m = toMatrix(x, { what: 'MinMaxScaler.inverseTransform X', allowNaN: true });
    if (m.cols !== f.featureNames.length) {
      throw new DataError(`MinMaxScaler.inverseTransform: X has ${m.cols} columns, expected ${f.featureNames.length}`);
    }
    const { scale, offset } = this.coefficients(f);
    const out = new Float64Array(m.data.length);
    for (let i = 0; i < out.length; i++) {
      const c = i % m.cols;
      out[i] = (m.data[i]! - offset[c]!) / scale[c]!;
    }
    return new Matrix(m.rows, m.cols, out, f.featureNames);
  }

  featureNamesOut(): string[] {
    return [...this.state('featureNamesOut').featureNames];
  }

  toState(): MinMaxScalerState {
    return this.state('toState');
  }

  static fromState(state: MinMaxScalerState): MinMaxScaler {
    const s = new MinMaxScaler({ featureRange: state.featureRange, clip: state.clip });
    s.fitted = state;
    return s;
  }
}
registerModel(MinMaxScaler);
