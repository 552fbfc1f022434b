/**
 * k-nearest-neighbour classifier and regressor — scikit-learn's `KNeighborsClassifier` and
 * `KNeighborsRegressor` with the brute-force algorithm and the Minkowski metric.
 */
import { DataError, ParamError } from '../core/errors.js';
import { encodeLabels, registerModel, type Label, type Labels } from '../core/estimator.js';
import { Matrix, toVector, type MatrixLike } from '../core/matrix.js';
import { argmax, checkInt, checkOneOf, fitMatrix, predictMatrix } from '../linear/validate.js';
import { rowNorms } from '../linear/kernels.js';
import { centred, columnMeans, kNearest, neighbourWeights, type Neighbours } from './search.js';

export interface KNeighborsOptions {
  /** Neighbours per query. Default 5. */
  readonly nNeighbors?: number;
  /** 'uniform' (default) or 'distance' (weight 1/d; exact matches win outright). */
  readonly weights?: 'uniform' | 'distance';
  /** Minkowski power: 2 Euclidean (default), 1 Manhattan, Infinity Chebyshev, any p ≥ 1. */
  readonly p?: number;
}

type Resolved = Required<KNeighborsOptions>;

function resolve(name: string, options: KNeighborsOptions): Resolved {
  const o: Resolved = { nNeighbors: options.nNeighbors ?? 5, weights: options.weights ?? 'uniform', p: options.p ?? 2 };
  checkInt(name, 'nNeighbors', o.nNeighbors, 1);
  checkOneOf(name, 'weights', o.weights, ['uniform', 'distance']);
  if (!(o.p >= 1)) throw new ParamError(`${name}: p must be ≥ 1 (a Minkowski metric), got ${o.p}`);
  return o;
}

/** Shared storage and neighbour queries of the two estimators. */
abstract class KNeighborsBase {
  readonly options: Resolved;
  /** Training rows minus their column means (distances are unchanged; the fast Euclidean ranking is more precise). */
  protected fitX: Matrix | undefined;
  protected mean: Float64Array | undefined;
  protected norms: Float64Array | undefined;
  protected abstract readonly name: string;

  constructor(name: string, options: KNeighborsOptions) {
    this.options = resolve(name, options);
  }

  get nFeatures(): number | undefined {
    return this.fitX?.cols;
  }

  protected store(x: MatrixLike): Matrix {
    const m = fitMatrix(this.name, x);
    if (m.rows < this.options.nNeighbors) {
      throw new DataError(`${this.name}.fit: nNeighbors=${this.options.nNeighbors} but X has only ${m.rows} rows; lower nNeighbors`);
    }
    // A centred copy: the model must not change when the caller mutates its array later.
    this.restore(centred(m, columnMeans(m.data, m.rows, m.cols)), columnMeans(m.data, m.rows, m.cols));
    return m;
  }

  protected restore(x: Matrix, mean: Float64Array): void {
    this.fitX = x;
    this.mean = mean;
    this.norms = rowNorms(x.data, x.rows, x.cols);
  }

  /** Distances and training-row indices of the nearest neighbours of each row of x, nearest first. */
  kneighbors(x: MatrixLike, nNeighbors = this.options.nNeighbors): Neighbours {
    const m = predictMatrix(this.name, 'kneighbors', x, this.nFeatures);
    checkInt(this.name, 'nNeighbors', nNeighbors, 1);
    if (nNeighbors > this.fitX!.rows) {
      throw new DataError(`${this.name}.kneighbors: nNeighbors=${nNeighbors} exceeds the ${this.fitX!.rows} fitted rows`);
    }
    return kNearest(this.fitX!, centred(m, this.mean!), nNeighbors, this.options.p, this.norms);
  }

  protected neighboursFor(method: string, x: MatrixLike): Neighbours {
    const m = predictMatrix(this.name, method, x, this.nFeatures);
    return kNearest(this.fitX!, centred(m, this.mean!), this.options.nNeighbors, this.options.p, this.norms);
  }
}

export interface KNeighborsClassifierState {
  readonly options: Resolved;
  /** Centred training rows and the column means that were subtracted. */
  readonly x: Float64Array;
  readonly mean: Float64Array;
  readonly rows: number;
  readonly cols: number;
  readonly classes: Label[];
  readonly codes: Int32Array;
}

/** Majority (or distance-weighted) vote of the k nearest training rows. */
export class KNeighborsClassifier extends KNeighborsBase {
  protected readonly name = 'KNeighborsClassifier';
  classes: Label[] | undefined;
  private codes: Int32Array | undefined;

  constructor(options: KNeighborsOptions = {}) {
    super('KNeighborsClassifier', options);
  }

  fit(x: MatrixLike, y: Labels): this {
    const m = this.store(x);
    const { classes, codes } = encodeLabels(y, m.rows, `${this.name}.fit y`);
    this.classes = classes;
    this.codes = codes;
    return this;
  }

  /** rows × classes: each row the (weighted) share of neighbours in each class. */
  predictProba(x: MatrixLike): Matrix {
    return this.votes('predictProba', x);
  }

  /** The class with the most (weighted) votes; ties go to the class listed first in `classes`. */
  predict(x: MatrixLike): Label[] {
    const v = this.votes('predict', x);
    const out: Label[] = new Array<Label>(v.rows);
    for (let i = 0; i < v.rows; i++) out[i] = this.classes![argmax(v.data, i * v.cols, v.cols)]!;
    return out;
  }

  private votes(method: string, x: MatrixLike): Matrix {
    const { distances, indices } = this.neighboursFor(method, x);
    const k = distances.cols;
    const nc = this.classes!.length;
    const out = new Float64Array(distances.rows * nc);
    const w = new Float64Array(k);
    for (let i = 0; i < distances.rows; i++) {
      neighbourWeights(distances.data, i * k, k, this.options.weights, w);
      let total = 0;
      for (let j = 0; j < k; j++) {
        out[i * nc + this.codes![indices[i * k + j]!]!]! += w[j]!;
        total += w[j]!;
      }
      for (let c = 0; c < nc; c++) out[i * nc + c]! /= total;
    }
    return new Matrix(distances.rows, nc, out);
  }

  toState(): KNeighborsClassifierState {
    if (!this.fitX) throw new Error(`${this.name}.toState: the model is not fitted`);
    return { options: { ...this.options }, x: this.fitX.data, mean: this.mean!, rows: this.fitX.rows, cols: this.fitX.cols, classes: [...this.classes!], codes: this.codes! };
  }

  static fromState(state: KNeighborsClassifierState): KNeighborsClassifier {
    const model = new KNeighborsClassifier(state.options);
    model.restore(new Matrix(state.rows, state.cols, state.x), state.mean);
    model.classes = [...state.classes];
    model.codes = state.codes;
    return model;
  }
}
registerModel(KNeighborsClassifier);

export interface KNeighborsRegressorState {
  readonly options: Resolved;
  readonly x: Float64Array;
  readonly mean: Float64Array;
  readonly rows: number;
  readonly cols: number;
  readonly y: Float64Array;
}

/** Mean (or distance-weighted mean) target of the k nearest training rows. */
export class KNeighborsRegressor extends KNeighborsBase {
  protected readonly name = 'KNeighborsRegressor';
  private y: Float64Array | undefined;

  constructor(options: KNeighborsOptions = {}) {
    super('KNeighborsRegressor', options);
  }

  fit(x: MatrixLike, y: ArrayLike<number>): this {
    const m = this.store(x);
    this.y = Float64Array.from(toVector(y, m.rows, `${this.name}.fit y`));
    return this;
  }

  predict(x: MatrixLike): Float64Array {
    const { distances, indices } = this.neighboursFor('predict', x);
    const k = distances.cols;
    const out = new Float64Array(distances.rows);
    const w = new Float64Array(k);
    for (let i = 0; i < distances.rows; i++) {
      neighbourWeights(distances.data, i * k, k, this.options.weights, w);
      let sum = 0;
      let total = 0;
      for (let j = 0; j < k; j++) {
        sum += w[j]! * this.y![indices[i * k + j]!]!;
        total += w[j]!;
      }
      out[i] = sum / total;
    }
    return out;
  }

  toState(): KNeighborsRegressorState {
    if (!this.fitX) throw new Error(`${this.name}.toState: the model is not fitted`);
    return { options: { ...this.options }, x: this.fitX.data, mean: this.mean!, rows: this.fitX.rows, cols: this.fitX.cols, y: this.y! };
  }

  static fromState(state: KNeighborsRegressorState): KNeighborsRegressor {
    const model = new KNeighborsRegressor(state.options);
    model.restore(new Matrix(state.rows, state.cols, state.x), state.mean);
    model.y = state.y;
    return model;
  }
}
registerModel(KNeighborsRegressor);
