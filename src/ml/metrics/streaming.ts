/**
 * Metric accumulators for out-of-core evaluation: feed predictions chunk by chunk with `update`,
 * combine accumulators from parallel tasks with `merge`, read the totals with `result`.
 * Results equal the batch metrics on the concatenated data.
 */
import { DataError } from '../core/errors.js';
import { registerModel, type Label } from '../core/estimator.js';
import type { Matrix } from '../core/matrix.js';
import {
  averageScores,
  balancedFromCounts,
  perClassFromSums,
  sumsFromCounts,
  type ConfusionMatrix,
  type PerClassScores,
} from './classification.js';
import { checkLabelPair, checkNumericPair, compareLabels, formatLabels } from './labels.js';
import { LOG_LOSS_EPS, logLoss } from './probabilistic.js';
import { r2FromSums } from './regression.js';

export interface StreamingClassificationOptions {
  /** Column order of the probabilities passed to `update` (the model's `classes`). Needed for log loss. */
  readonly classes?: readonly Label[];
  /** Log-loss clipping. Default {@link LOG_LOSS_EPS}. */
  readonly eps?: number;
}

export interface AveragedScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface StreamingClassificationResult {
  /** Samples seen. */
  readonly n: number;
  readonly accuracy: number;
  readonly balancedAccuracy: number;
  /** Mean log loss, or undefined when no probabilities were given. */
  readonly logLoss: number | undefined;
  /** Over the sorted labels seen in yTrue or yPred. */
  readonly confusion: ConfusionMatrix;
  readonly perClass: PerClassScores;
  readonly macro: AveragedScores;
  readonly weighted: AveragedScores;
  readonly micro: AveragedScores;
}

export interface StreamingClassificationState {
  readonly classes: Label[] | null;
  readonly eps: number;
  readonly labels: Label[];
  readonly counts: number[][];
  readonly n: number;
  readonly lossSum: number;
  readonly probaRows: number;
}

/** Accumulates accuracy, balanced accuracy, precision/recall/F1, confusion matrix and log loss. */
export class StreamingClassificationMetrics {
  private readonly classes: Label[] | undefined;
  private readonly eps: number;
  /** Labels in order of first appearance; counts[i][j] = true labels[i] predicted labels[j]. */
  private labels: Label[] = [];
  private readonly index = new Map<Label, number>();
  private counts: number[][] = [];
  private n = 0;
  private lossSum = 0;
  private probaRows = 0;

  constructor(options: StreamingClassificationOptions = {}) {
    this.classes = options.classes ? [...options.classes] : undefined;
    this.eps = options.eps ?? LOG_LOSS_EPS;
  }

  /** Adds one chunk. `proba` (rows × classes, or P(classes[1]) for two classes) enables log loss. */
  update(yTrue: ArrayLike<Label>, yPred: ArrayLike<Label>, proba?: Matrix | ArrayLike<number>): this {
    const what = 'StreamingClassificationMetrics.update';
    checkLabelPair(what, yTrue, yPred);
    if (this.n > 0 && (proba !== undefined) !== (this.probaRows > 0)) {
      throw new DataError(
        `${what}: proba was ${proba ? 'not given' : 'given'} for earlier chunks but ${proba ? 'is' : 'not'} for this one; pass it for every chunk or none`,
      );
    }
    let loss = 0;
    if (proba !== undefined) {
      if (!this.classes) {
        throw new DataError(`${what}: proba given but the accumulator has no classes; construct it with { classes: model.classes }`);
      }
      loss = logLoss(yTrue, proba, { classes: this.classes, eps: this.eps, normalize: false });
    }
    if (this.labels.length > 0 && typeof yTrue[0] !== typeof this.labels[0]) {
      throw new DataError(`${what}: this chunk has ${typeof yTrue[0]} labels but earlier chunks had ${typeof this.labels[0]} labels`);
    }
    for (let r = 0; r < yTrue.length; r++) {
      const i = this.slot(yTrue[r]!);
      const j = this.slot(yPred[r]!);
      this.counts[i]![j]!++;
    }
    this.n += yTrue.length;
    if (proba !== undefined) {
      this.lossSum += loss;
      this.probaRows += yTrue.length;
    }
    return this;
  }

  /** Adds the counts of another accumulator (e.g. from a parallel task). */
  merge(other: StreamingClassificationMetrics): this {
    if (other.n === 0) return this;
    if (this.n > 0 && this.probaRows > 0 !== other.probaRows > 0) {
      throw new DataError('StreamingClassificationMetrics.merge: one accumulator has probabilities and the other has none');
    }
    for (let i = 0; i < other.labels.length; i++) {
      for (let j = 0; j < other.labels.length; j++) {
        const c = other.counts[i]![j]!;
        if (c > 0) this.counts[this.slot(other.labels[i]!)]![this.slot(other.labels[j]!)]! += c;
      }
    }
    this.n += other.n;
    this.lossSum += other.lossSum;
    this.probaRows += other.probaRows;
    return this;
  }

  private slot(label: Label): number {
    let i = this.index.get(label);
    if (i === undefined) {
      i = this.labels.length;
      this.labels.push(label);
      this.index.set(label, i);
      for (const row of this.counts) row.push(0);
      this.counts.push(new Array<number>(i + 1).fill(0));
    }
    return i;
  }

  /** Metrics over everything seen so far. */
  result(): StreamingClassificationResult {
    if (this.n === 0) throw new DataError('StreamingClassificationMetrics.result: no samples yet; call update() first');
    const labels = [...this.labels].sort(compareLabels);
    const k = labels.length;
    const counts = new Float64Array(k * k);
    const matrix: number[][] = [];
    let hits = 0;
    for (let i = 0; i < k; i++) {
      const si = this.index.get(labels[i]!)!;
      const row: number[] = [];
      for (let j = 0; j < k; j++) {
        const c = this.counts[si]![this.index.get(labels[j]!)!]!;
        counts[i * k + j] = c;
        row.push(c);
      }
      hits += row[i]!;
      matrix.push(row);
    }
    const sums = sumsFromCounts(counts, k);
    const avg = (how: 'macro' | 'weighted' | 'micro'): AveragedScores => {
      const s = averageScores(labels, sums, how, 1, 0);
      return { precision: s.precision, recall: s.recall, f1: s.fscore };
    };
    return {
      n: this.n,
      accuracy: hits / this.n,
      balancedAccuracy: balancedFromCounts(counts, k, false),
      logLoss: this.probaRows > 0 ? this.lossSum / this.probaRows : undefined,
      confusion: { labels, matrix },
      perClass: perClassFromSums(labels, sums, 1, 0),
      macro: avg('macro'),
      weighted: avg('weighted'),
      micro: avg('micro'),
    };
  }

  toState(): StreamingClassificationState {
    return {
      classes: this.classes ?? null,
      eps: this.eps,
      labels: [...this.labels],
      counts: this.counts.map((r) => [...r]),
      n: this.n,
      lossSum: this.lossSum,
      probaRows: this.probaRows,
    };
  }

  static fromState(state: StreamingClassificationState): StreamingClassificationMetrics {
    const m = new StreamingClassificationMetrics({ eps: state.eps, ...(state.classes ? { classes: state.classes } : {}) });
    if (state.counts.length !== state.labels.length) {
      throw new DataError(`StreamingClassificationMetrics.fromState: ${state.labels.length} labels (${formatLabels(state.labels)}) but ${state.counts.length} count rows`);
    }
    state.labels.forEach((l) => m.slot(l));
    m.counts = state.counts.map((r) => [...r]);
    m.n = state.n;
    m.lossSum = state.lossSum;
    m.probaRows = state.probaRows;
    return m;
  }
}
registerModel(StreamingClassificationMetrics);

export interface StreamingRegressionResult {
  readonly n: number;
  readonly mse: number;
  readonly rmse: number;
  readonly mae: number;
  /** NaN with fewer than two samples, like sklearn. */
  readonly r2: number;
}

export interface StreamingRegressionState {
  readonly n: number;
  readonly meanTrue: number;
  readonly m2True: number;
  readonly sse: number;
  readonly sae: number;
}

/** Accumulates MSE, RMSE, MAE and R² (target variance merged with Chan's parallel formula). */
export class StreamingRegressionMetrics {
  private n = 0;
  private meanTrue = 0;
  private m2True = 0;
  private sse = 0;
  private sae = 0;

  update(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): this {
    checkNumericPair('StreamingRegressionMetrics.update', yTrue, yPred);
    const nb = yTrue.length;
    let mean = 0;
    for (let i = 0; i < nb; i++) mean += yTrue[i]!;
    mean /= nb;
    let m2 = 0;
    for (let i = 0; i < nb; i++) {
      const t = yTrue[i]!;
      const d = t - yPred[i]!;
      m2 += (t - mean) ** 2;
      this.sse += d * d;
      this.sae += Math.abs(d);
    }
    this.combine(nb, mean, m2);
    return this;
  }

  private combine(nb: number, meanB: number, m2B: number): void {
    const n = this.n + nb;
    const delta = meanB - this.meanTrue;
    this.m2True += m2B + (delta * delta * this.n * nb) / n;
    this.meanTrue += (delta * nb) / n;
    this.n = n;
  }

  merge(other: StreamingRegressionMetrics): this {
    if (other.n === 0) return this;
    this.sse += other.sse;
    this.sae += other.sae;
    this.combine(other.n, other.meanTrue, other.m2True);
    return this;
  }

  result(): StreamingRegressionResult {
    if (this.n === 0) throw new DataError('StreamingRegressionMetrics.result: no samples yet; call update() first');
    const mse = this.sse / this.n;
    return { n: this.n, mse, rmse: Math.sqrt(mse), mae: this.sae / this.n, r2: this.n < 2 ? Number.NaN : r2FromSums(this.sse, this.m2True) };
  }

  toState(): StreamingRegressionState {
    return { n: this.n, meanTrue: this.meanTrue, m2True: this.m2True, sse: this.sse, sae: this.sae };
  }

  static fromState(state: StreamingRegressionState): StreamingRegressionMetrics {
    const m = new StreamingRegressionMetrics();
    Object.assign(m, { n: state.n, meanTrue: state.meanTrue, m2True: state.m2True, sse: state.sse, sae: state.sae });
    return m;
  }
}
registerModel(StreamingRegressionMetrics);
