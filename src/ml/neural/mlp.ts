/**
 * Multi-layer perceptron classifier — scikit-learn's `MLPClassifier` with the Adam solver:
 * dense hidden layers, a logistic (binary) or softmax output, minibatches, L2 penalty `alpha`,
 * and stopping on the training loss or (with `earlyStopping`) on held-out accuracy.
 */
import { DataError, ParamError } from '../core/errors.js';
import { encodeLabels, registerModel, type Label, type Labels } from '../core/estimator.js';
import { Matrix, type MatrixLike } from '../core/matrix.js';
import { Random } from '../core/random.js';
import { argmax, checkInt, checkOneOf, checkPositive, checkTwoClasses, fitMatrix, predictMatrix } from '../linear/validate.js';
import { Adam } from './adam.js';
import { backward, forward, glorotInit, layout, Workspace, type Activation, type Layout, type OutputActivation } from './network.js';

export interface MLPClassifierOptions {
  /** Units per hidden layer. Default [100]. */
  readonly hiddenLayerSizes?: readonly number[];
  /** Hidden activation. Default 'relu'. */
  readonly activation?: Activation;
  /** L2 penalty on the weights. Default 1e-4. */
  readonly alpha?: number;
  /** Minibatch rows; 'auto' = min(200, rows). */
  readonly batchSize?: number | 'auto';
  /** Adam step size. Default 1e-3. */
  readonly learningRateInit?: number;
  /** Maximum epochs. Default 200. */
  readonly maxIter?: number;
  /** Shuffle rows every epoch. Default true. */
  readonly shuffle?: boolean;
  /** Improvement below tol for more than nIterNoChange epochs stops training. Default 1e-4. */
  readonly tol?: number;
  /** Hold out validationFraction of the rows (stratified) and stop on their accuracy. Default false. */
  readonly earlyStopping?: boolean;
  readonly validationFraction?: number;
  readonly nIterNoChange?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  readonly seed?: number;
}

type Resolved = { readonly [K in keyof MLPClassifierOptions]-?: Exclude<MLPClassifierOptions[K], undefined> };

export interface MLPClassifierState {
  readonly options: Resolved;
  readonly classes: Label[];
  readonly sizes: number[];
  readonly params: Float64Array;
  readonly lossCurve: number[];
  readonly validationScores: number[];
  readonly bestLoss: number;
  readonly bestValidationScore: number;
  readonly nIter: number;
  readonly converged: boolean;
}

const NAME = 'MLPClassifier';
/** Rows per forward pass at predict time (bounds memory for big inputs). */
const PREDICT_BLOCK = 1024;

/** Feed-forward neural network classifier trained with Adam. */
export class MLPClassifier {
  readonly options: Resolved;
  classes: Label[] | undefined;
  /** Mean training loss (with the L2 term) after each epoch. */
  lossCurve: number[] = [];
  /** Held-out accuracy after each epoch (earlyStopping only). */
  validationScores: number[] = [];
  bestLoss = Infinity;
  bestValidationScore = -Infinity;
  /** Epochs run. */
  nIter = 0;
  /** Whether training stopped on tol before maxIter. */
  converged = false;
  private lay: Layout | undefined;
  private params: Float64Array | undefined;

  constructor(options: MLPClassifierOptions = {}) {
    this.options = {
      hiddenLayerSizes: [...(options.hiddenLayerSizes ?? [100])],
      activation: options.activation ?? 'relu',
      alpha: options.alpha ?? 1e-4,
      batchSize: options.batchSize ?? 'auto',
      learningRateInit: options.learningRateInit ?? 1e-3,
      maxIter: options.maxIter ?? 200,
      shuffle: options.shuffle ?? true,
      tol: options.tol ?? 1e-4,
      earlyStopping: options.earlyStopping ?? false,
      validationFraction: options.validationFraction ?? 0.1,
      nIterNoChange: options.nIterNoChange ?? 10,
      beta1: options.beta1 ?? 0.9,
      beta2: options.beta2 ?? 0.999,
      epsilon: options.epsilon ?? 1e-8,
      seed: options.seed ?? 0,
    };
    const o = this.options;
    o.hiddenLayerSizes.forEach((s, i) => checkInt(NAME, `hiddenLayerSizes[${i}]`, s, 1));
    checkOneOf(NAME, 'activation', o.activation, ['relu', 'tanh', 'logistic', 'identity']);
    checkPositive(NAME, 'alpha', o.alpha, true);
    if (o.batchSize !== 'auto') checkInt(NAME, 'batchSize', o.batchSize, 1);
    checkPositive(NAME, 'learningRateInit', o.learningRateInit);
    checkInt(NAME, 'maxIter', o.maxIter, 1);
    checkPositive(NAME, 'tol', o.tol, true);
    checkInt(NAME, 'nIterNoChange', o.nIterNoChange, 1);
    if (!(o.validationFraction > 0 && o.validationFraction < 1)) {
      throw new ParamError(`${NAME}: validationFraction must be in (0, 1), got ${o.validationFraction}`);
    }
    for (const [name, v] of [['beta1', o.beta1], ['beta2', o.beta2]] as const) {
      if (!(v >= 0 && v < 1)) throw new ParamError(`${NAME}: ${name} must be in [0, 1), got ${v}`);
    }
    checkPositive(NAME, 'epsilon', o.epsilon);
  }

  get nFeatures(): number | undefined {
    return this.lay?.sizes[0];
  }

  /** Weight matrices per layer (fanIn × fanOut), views into the parameters. */
  get coefs(): Matrix[] {
    const lay = this.lay;
    if (!lay || !this.params) return [];
    return lay.wOff.map((off, l) => new Matrix(lay.sizes[l]!, lay.sizes[l + 1]!, this.params!.subarray(off, lay.bOff[l]!)));
  }

  /** Bias vectors per layer, views into the parameters. */
  get intercepts(): Float64Array[] {
    const lay = this.lay;
    if (!lay || !this.params) return [];
    return lay.bOff.map((off, l) => this.params!.subarray(off, off + lay.sizes[l + 1]!));
  }

  private get outActivation(): OutputActivation {
    return this.classes!.length === 2 ? 'logistic' : 'softmax';
  }

  fit(x: MatrixLike, y: Labels): this {
    const m = fitMatrix(NAME, x);
    const { classes, codes } = encodeLabels(y, m.rows, `${NAME}.fit y`);
    checkTwoClasses(NAME, classes);
    const o = this.options;
    const rng = new Random(o.seed);
    const nOut = classes.length === 2 ? 1 : classes.length;
    const lay = layout([m.cols, ...o.hiddenLayerSizes, nOut]);
    this.classes = classes;
    this.lay = lay;
    this.params = glorotInit(lay, o.activation, rng);
    this.lossCurve = [];
    this.validationScores = [];
    this.bestLoss = Infinity;
    this.bestValidationScore = -Infinity;
    this.converged = false;

    let trainIdx: Int32Array;
    let valIdx: Int32Array | undefined;
    if (o.earlyStopping) [trainIdx, valIdx] = stratifiedSplit(codes, classes.length, o.validationFraction, rng);
    else trainIdx = Int32Array.from({ length: m.rows }, (_, i) => i);
    const n = trainIdx.length;
    if (n === 0) throw new DataError(`${NAME}.fit: no rows left for training after the validation split`);
    const batch = Math.min(o.batchSize === 'auto' ? 200 : o.batchSize, n);
    const ws = new Workspace(lay, batch);
    const targets = new Float64Array(batch * nOut);
    const grad = new Float64Array(lay.total);
    const adam = new Adam(lay.total, o.learningRateInit, o.beta1, o.beta2, o.epsilon);
    const hidden = o.activation;
    const output = this.outActivation;
    const d = m.cols;
    let bestParams: Float64Array | undefined;
    let noImprovement = 0;
    let epoch = 0;
    while (epoch < o.maxIter) {
      epoch++;
      if (o.shuffle) rng.shuffle(trainIdx);
      let accumulated = 0;
      for (let start = 0; start < n; start += batch) {
        const rows = Math.min(batch, n - start);
        const input = ws.acts[0]!;
        targets.fill(0, 0, rows * nOut);
        for (let r = 0; r < rows; r++) {
          const i = trainIdx[start + r]!;
          input.set(m.data.subarray(i * d, (i + 1) * d), r * d);
          const c = codes[i]!;
          if (nOut === 1) targets[r] = c;
          else targets[r * nOut + c] = 1;
        }
        forward(this.params, ws, rows, hidden, output);
        const loss = backward(this.params, grad, ws, rows, targets, hidden, output, o.alpha);
        if (!Number.isFinite(loss)) {
          throw new DataError(`${NAME}.fit: the loss became ${loss} in epoch ${epoch}; scale the features (StandardScaler) or lower learningRateInit`);
        }
        adam.step(this.params, grad);
        accumulated += loss * rows;
      }
      const epochLoss = accumulated / n;
      this.lossCurve.push(epochLoss);
      if (valIdx) {
        const score = this.accuracyOn(m, codes, valIdx);
        this.validationScores.push(score);
        if (score < this.bestValidationScore + o.tol) noImprovement++;
        else noImprovement = 0;
        if (score > this.bestValidationScore) {
          this.bestValidationScore = score;
          bestParams = this.params.slice();
        }
      } else {
        if (epochLoss > this.bestLoss - o.tol) noImprovement++;
        else noImprovement = 0;
        if (epochLoss < this.bestLoss) this.bestLoss = epochLoss;
      }
      if (noImprovement > o.nIterNoChange) {
        this.converged = true;
        break;
      }
    }
    this.nIter = epoch;
    if (bestParams) this.params = bestParams;
    return this;
  }

  /** rows × classes probabilities. */
  predictProba(x: MatrixLike): Matrix {
    const m = predictMatrix(NAME, 'predictProba', x, this.nFeatures);
    const out = this.outputs(m);
    if (out.cols > 1) return out;
    const two = new Float64Array(m.rows * 2);
    for (let i = 0; i < m.rows; i++) {
      two[2 * i] = 1 - out.data[i]!;
      two[2 * i + 1] = out.data[i]!;
    }
    return new Matrix(m.rows, 2, two);
  }

  predict(x: MatrixLike): Label[] {
    const m = predictMatrix(NAME, 'predict', x, this.nFeatures);
    return this.labelsOf(this.outputs(m));
  }

  private labelsOf(out: Matrix): Label[] {
    const labels: Label[] = new Array<Label>(out.rows);
    const k = out.cols;
    for (let i = 0; i < out.rows; i++) {
      labels[i] = this.classes![k === 1 ? (out.data[i]! > 0.5 ? 1 : 0) : argmax(out.data, i * k, k)]!;
    }
    return labels;
  }

  /** Network outputs for every row of m, computed in blocks. */
  private outputs(m: Matrix): Matrix {
    const lay = this.lay!;
    const nOut = lay.sizes[lay.sizes.length - 1]!;
    const ws = new Workspace(lay, Math.min(PREDICT_BLOCK, m.rows));
    const out = new Float64Array(m.rows * nOut);
    for (let start = 0; start < m.rows; start += ws.capacity) {
      const rows = Math.min(ws.capacity, m.rows - start);
      ws.acts[0]!.set(m.data.subarray(start * m.cols, (start + rows) * m.cols));
      forward(this.params!, ws, rows, this.options.activation, this.outActivation);
      out.set(ws.acts[lay.sizes.length - 1]!.subarray(0, rows * nOut), start * nOut);
    }
    return new Matrix(m.rows, nOut, out);
  }

  private accuracyOn(m: Matrix, codes: Int32Array, idx: Int32Array): number {
    const sub = m.takeRows(idx);
    const labels = this.labelsOf(this.outputs(sub));
    let right = 0;
    for (let r = 0; r < idx.length; r++) if (labels[r] === this.classes![codes[idx[r]!]!]) right++;
    return right / idx.length;
  }

  toState(): MLPClassifierState {
    if (!this.params) throw new Error(`${NAME}.toState: the model is not fitted`);
    return {
      options: { ...this.options, hiddenLayerSizes: [...this.options.hiddenLayerSizes] },
      classes: [...this.classes!],
      sizes: [...this.lay!.sizes],
      params: this.params.slice(),
      lossCurve: [...this.lossCurve],
      validationScores: [...this.validationScores],
      bestLoss: this.bestLoss,
      bestValidationScore: this.bestValidationScore,
      nIter: this.nIter,
      converged: this.converged,
    };
  }

  static fromState(state: MLPClassifierState): MLPClassifier {
    const model = new MLPClassifier(state.options);
    model.classes = [...state.classes];
    model.lay = layout(state.sizes);
    model.params = state.params;
    model.lossCurve = [...state.lossCurve];
    model.validationScores = [...state.validationScores];
    model.bestLoss = state.bestLoss;
    model.bestValidationScore = state.bestValidationScore;
    model.nIter = state.nIter;
    model.converged = state.converged;
    return model;
  }
}
registerModel(MLPClassifier);

/** Random split keeping class proportions: ⌈fraction·n⌉ validation rows, allocated by largest remainder. */
function stratifiedSplit(codes: Int32Array, k: number, fraction: number, rng: Random): [Int32Array, Int32Array] {
  const n = codes.length;
  const nVal = Math.ceil(fraction * n);
  const byClass: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) byClass[codes[i]!]!.push(i);
  const exact = byClass.map((rows) => (rows.length * nVal) / n);
  const take = exact.map(Math.floor);
  const order = exact.map((v, c) => [v - Math.floor(v), c] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  let left = nVal - take.reduce((a, b) => a + b, 0);
  for (const [, c] of order) {
    if (left <= 0) break;
    if (take[c]! < byClass[c]!.length) {
      take[c]!++;
      left--;
    }
  }
  const train: number[] = [];
  const val: number[] = [];
  byClass.forEach((rows, c) => {
    rng.shuffle(rows);
    rows.forEach((r, j) => (j < take[c]! ? val : train).push(r));
  });
  return [Int32Array.from(train), Int32Array.from(val)];
}
