/**
 * Linear classifiers trained by stochastic gradient descent — scikit-learn's `SGDClassifier`:
 * hinge (linear SVM) or log loss, L2 penalty, the 'optimal' / 'constant' / 'invscaling' learning
 * rates, per-epoch shuffling, early stop on the training loss, one-vs-rest for k > 2 classes, and
 * `partialFit` for data that arrives in chunks.
 */
import { DataError, ParamError } from '../core/errors.js';
import { encodeLabels, registerModel, type Label, type Labels } from '../core/estimator.js';
import { Matrix, type MatrixLike } from '../core/matrix.js';
import { Random } from '../core/random.js';
import { labelsFromScores, linearScores, ovrProbabilities } from './decision.js';
import { axpyRow, dotRow } from './kernels.js';
import { checkInt, checkOneOf, checkPositive, checkTwoClasses, fitMatrix, predictMatrix } from './validate.js';

export type SGDLoss = 'hinge' | 'log_loss';
export type SGDLearningRate = 'optimal' | 'constant' | 'invscaling';

export interface SGDClassifierOptions {
  /** 'hinge' (default: a linear SVM) or 'log_loss' (logistic regression, enables predictProba). */
  readonly loss?: SGDLoss;
  /** 'l2' (default) or null. */
  readonly penalty?: 'l2' | null;
  /** Regularisation strength; also sets the 'optimal' learning rate. Default 1e-4. */
  readonly alpha?: number;
  readonly fitIntercept?: boolean;
  /** Maximum epochs for fit. Default 1000. */
  readonly maxIter?: number;
  /** Stop when the epoch loss has not improved by tol·n for nIterNoChange epochs; null disables. Default 1e-3. */
  readonly tol?: number | null;
  readonly nIterNoChange?: number;
  /** Shuffle the rows every epoch. Default true. */
  readonly shuffle?: boolean;
  readonly learningRate?: SGDLearningRate;
  /** Initial learning rate for 'constant' and 'invscaling'. Default 0.01. */
  readonly eta0?: number;
  /** Exponent of 'invscaling': eta = eta0 / t^powerT. Default 0.5. */
  readonly powerT?: number;
  readonly seed?: number;
}

type ResolvedOptions = {
  readonly [K in keyof SGDClassifierOptions]-?: Exclude<SGDClassifierOptions[K], undefined>;
};

export interface SGDClassifierState {
  readonly options: ResolvedOptions;
  readonly classes: Label[];
  readonly nFeatures: number;
  readonly coef: Float64Array;
  readonly intercept: Float64Array;
  readonly nIter: number;
  readonly t: number;
  readonly calls: number;
}

const NAME = 'SGDClassifier';
const MAX_DLOSS = 1e12;

/** A linear SVM or logistic regression trained by SGD, in one pass over all data or chunk by chunk. */
export class SGDClassifier {
  readonly options: ResolvedOptions;
  classes: Label[] | undefined;
  nFeatures: number | undefined;
  /** 1 × d for binary (for classes[1]), k × d for one-vs-rest. */
  coef: Matrix | undefined;
  intercept: Float64Array | undefined;
  /** Epochs run by the last fit / partialFit (the largest over the one-vs-rest problems). */
  nIter = 0;
  /** Number of weight updates so far plus one (scikit-learn's `t_`); drives the learning rate. */
  t = 1;
  /** Training calls so far; varies the shuffle seed between partialFit chunks. */
  private calls = 0;

  constructor(options: SGDClassifierOptions = {}) {
    this.options = {
      loss: options.loss ?? 'hinge',
      penalty: options.penalty === undefined ? 'l2' : options.penalty,
      alpha: options.alpha ?? 1e-4,
      fitIntercept: options.fitIntercept ?? true,
      maxIter: options.maxIter ?? 1000,
      tol: options.tol === undefined ? 1e-3 : options.tol,
      nIterNoChange: options.nIterNoChange ?? 5,
      shuffle: options.shuffle ?? true,
      learningRate: options.learningRate ?? 'optimal',
      eta0: options.eta0 ?? 0.01,
      powerT: options.powerT ?? 0.5,
      seed: options.seed ?? 0,
    };
    const o = this.options;
    checkOneOf(NAME, 'loss', o.loss, ['hinge', 'log_loss']);
    checkOneOf(NAME, 'penalty', o.penalty, ['l2', null]);
    checkOneOf(NAME, 'learningRate', o.learningRate, ['optimal', 'constant', 'invscaling']);
    checkPositive(NAME, 'alpha', o.alpha, o.learningRate !== 'optimal');
    checkInt(NAME, 'maxIter', o.maxIter, 1);
    checkInt(NAME, 'nIterNoChange', o.nIterNoChange, 1);
    if (o.tol !== null) checkPositive(NAME, 'tol', o.tol, true);
    checkPositive(NAME, 'eta0', o.eta0, o.learningRate === 'optimal');
    checkPositive(NAME, 'powerT', o.powerT, true);
  }

  /** Fits from scratch: up to maxIter epochs with the tol / nIterNoChange stopping rule. */
  fit(x: MatrixLike, y: Labels): this {
    const m = fitMatrix(NAME, x);
    const { classes, codes } = encodeLabels(y, m.rows, `${NAME}.fit y`);
    checkTwoClasses(NAME, classes);
    this.init(classes, m.cols);
    this.t = 1;
    this.calls = 0;
    this.train(m, codes, this.options.maxIter, this.options.tol);
    return this;
  }

  /**
   * One epoch over a chunk, continuing from the current weights and learning rate.
   * The first call must list every class (`options.classes`), since a chunk may miss some.
   */
  partialFit(x: MatrixLike, y: Labels, options: { readonly classes?: Labels } = {}): this {
    const m = fitMatrix(NAME, x, 'partialFit');
    if (this.classes === undefined) {
      if (options.classes === undefined) {
        throw new DataError(`${NAME}.partialFit: the first call needs options.classes, the full list of class labels`);
      }
      const { classes } = encodeLabels(options.classes, options.classes.length, `${NAME}.partialFit classes`);
      checkTwoClasses(NAME, classes);
      this.init(classes, m.cols);
    } else if (m.cols !== this.nFeatures) {
      throw new DataError(`${NAME}.partialFit: X has ${m.cols} features, but earlier calls had ${this.nFeatures}`);
    }
    const classes = this.classes!;
    if (options.classes !== undefined) {
      const given = new Set<Label>(Array.from(options.classes as ArrayLike<Label>));
      if (given.size !== classes.length || classes.some((c) => !given.has(c))) {
        throw new DataError(`${NAME}.partialFit: classes differ from the first call's [${classes.join(', ')}]`);
      }
    }
    if (y.length !== m.rows) throw new DataError(`${NAME}.partialFit y: has ${y.length} labels but X has ${m.rows} rows`);
    const index = new Map<Label, number>(classes.map((c, i) => [c, i]));
    const codes = new Int32Array(m.rows);
    for (let i = 0; i < m.rows; i++) {
      const code = index.get((y as ArrayLike<Label>)[i]!);
      if (code === undefined) {
        throw new DataError(`${NAME}.partialFit y: label ${String((y as ArrayLike<Label>)[i])} at row ${i} is not one of the classes [${classes.join(', ')}]`);
      }
      codes[i] = code;
    }
    this.train(m, codes, 1, null);
    return this;
  }

  /** Raw margins X·Wᵀ + b: one column (for classes[1]) when binary, else one per class. */
  decisionFunction(x: MatrixLike): Matrix {
    const m = predictMatrix(NAME, 'decisionFunction', x, this.nFeatures);
    return linearScores(m, this.coef!.data, this.intercept!, this.coef!.rows);
  }

  predict(x: MatrixLike): Label[] {
    return labelsFromScores(this.decisionFunctionFor('predict', x), this.classes!);
  }

  /** Probabilities (loss 'log_loss' only); one-vs-rest scores are normalised per row as in scikit-learn. */
  predictProba(x: MatrixLike): Matrix {
    if (this.options.loss !== 'log_loss') {
      throw new ParamError(`${NAME}.predictProba: needs loss 'log_loss', this model uses '${this.options.loss}'`);
    }
    return ovrProbabilities(this.decisionFunctionFor('predictProba', x));
  }

  private decisionFunctionFor(method: string, x: MatrixLike): Matrix {
    const m = predictMatrix(NAME, method, x, this.nFeatures);
    return linearScores(m, this.coef!.data, this.intercept!, this.coef!.rows);
  }

  private init(classes: Label[], d: number): void {
    const k = classes.length === 2 ? 1 : classes.length;
    this.classes = classes;
    this.nFeatures = d;
    this.coef = new Matrix(k, d);
    this.intercept = new Float64Array(k);
  }

  /** Runs the binary problems (one, or one per class) and advances t like scikit-learn. */
  private train(m: Matrix, codes: Int32Array, maxEpochs: number, tol: number | null): void {
    const k = this.coef!.rows;
    const d = m.cols;
    const ys = new Float64Array(m.rows);
    let maxEpochsRun = 0;
    const seeder = new Random((this.options.seed >>> 0) ^ Math.imul(this.calls + 1, 0x9e3779b1));
    for (let c = 0; c < k; c++) {
      const positive = k === 1 ? 1 : c;
      for (let i = 0; i < m.rows; i++) ys[i] = codes[i] === positive ? 1 : -1;
      const w = this.coef!.data.subarray(c * d, (c + 1) * d);
      const epochs = this.binarySgd(m, ys, w, c, maxEpochs, tol, new Random(seeder.nextUint32()));
      maxEpochsRun = Math.max(maxEpochsRun, epochs);
    }
    this.nIter = maxEpochsRun;
    this.t += maxEpochsRun * m.rows;
    this.calls++;
  }

  /** Plain SGD on one ±1 problem, updating w (a view into coef) and intercept[c]; returns epochs run. */
  private binarySgd(m: Matrix, ys: Float64Array, w: Float64Array, c: number, maxEpochs: number, tol: number | null, rng: Random): number {
    const { loss, penalty, alpha, fitIntercept, shuffle, learningRate, eta0, powerT, nIterNoChange } = this.options;
    const { rows: n, cols: d, data } = m;
    const isHinge = loss === 'hinge';
    const l2 = penalty === 'l2' ? alpha : 0;
    // 'optimal' (Bottou): eta = 1 / (alpha·(t0 + t - 1)), t0 chosen so the first step has size ~ typw.
    const typw = Math.sqrt(1 / Math.sqrt(alpha));
    const optimalInit = 1 / (typw * alpha);
    let intercept = this.intercept![c]!;
    // w_true = scale · w: the L2 shrink is O(1) per sample instead of O(d).
    let scale = 1;
    let t = this.t;
    let bestLoss = Infinity;
    let noImprovement = 0;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    let epoch = 0;
    while (epoch < maxEpochs) {
      epoch++;
      if (shuffle) rng.shuffle(order);
      let sumLoss = 0;
      for (let q = 0; q < n; q++) {
        const i = order[q]!;
        const off = i * d;
        const eta = learningRate === 'optimal' ? 1 / (alpha * (optimalInit + t - 1)) : learningRate === 'invscaling' ? eta0 / Math.pow(t, powerT) : eta0;
        const p = scale * dotRow(data, off, w, 0, d) + intercept;
        const yi = ys[i]!;
        const z = p * yi;
        let dloss: number;
        if (isHinge) {
          sumLoss += z < 1 ? 1 - z : 0;
          dloss = z <= 1 ? -yi : 0;
        } else if (z > 18) {
          const e = Math.exp(-z);
          sumLoss += e;
          dloss = -yi * e;
        } else if (z < -18) {
          sumLoss -= z;
          dloss = -yi;
        } else {
          // One exp for both: log(1 + e^-z) and −y / (e^z + 1) = −y·e^-z / (1 + e^-z).
          const e = Math.exp(-z);
          sumLoss += Math.log1p(e);
          dloss = (-yi * e) / (1 + e);
        }
        dloss = Math.min(MAX_DLOSS, Math.max(-MAX_DLOSS, dloss));
        const update = -eta * dloss;
        if (l2 > 0) scale *= Math.max(0, 1 - eta * l2);
        if (update !== 0) {
          if (scale === 0) {
            w.fill(0);
            scale = 1;
          }
          axpyRow(w, 0, update / scale, data, off, d);
          if (fitIntercept) intercept += update;
        }
        if (scale < 1e-9) {
          for (let j = 0; j < d; j++) w[j]! *= scale;
          scale = 1;
        }
        t++;
      }
      if (!Number.isFinite(intercept) || !Number.isFinite(scale)) {
        throw new DataError(`${NAME}: weights became non-finite in epoch ${epoch}; scale the features (StandardScaler) or lower eta0 / alpha`);
      }
      if (tol !== null) {
        if (sumLoss > bestLoss - tol * n) noImprovement++;
        else noImprovement = 0;
        if (sumLoss < bestLoss) bestLoss = sumLoss;
        if (noImprovement >= nIterNoChange) break;
      }
    }
    if (scale !== 1) for (let j = 0; j < d; j++) w[j]! *= scale;
    for (let j = 0; j < d; j++) {
      if (!Number.isFinite(w[j]!)) {
        throw new DataError(`${NAME}: weights became non-finite; scale the features (StandardScaler) or lower eta0 / alpha`);
      }
    }
    this.intercept![c] = intercept;
    return epoch;
  }

  toState(): SGDClassifierState {
    if (!this.coef) throw new Error(`${NAME}.toState: the model is not fitted`);
    return {
      options: { ...this.options },
      classes: [...this.classes!],
      nFeatures: this.nFeatures!,
      coef: this.coef.data.slice(),
      intercept: this.intercept!.slice(),
      nIter: this.nIter,
      t: this.t,
      calls: this.calls,
    };
  }

  static fromState(state: SGDClassifierState): SGDClassifier {
    const model = new SGDClassifier(state.options);
    model.classes = [...state.classes];
    model.nFeatures = state.nFeatures;
    model.coef = new Matrix(state.coef.length / state.nFeatures, state.nFeatures, state.coef);
    model.intercept = state.intercept;
    model.nIter = state.nIter;
    model.t = state.t;
    model.calls = state.calls;
    return model;
  }
}
registerModel(SGDClassifier);
