/**
 * Classification metrics from predicted labels (scikit-learn semantics): accuracy, balanced
 * accuracy, confusion matrix, precision / recall / F-beta with binary, macro, weighted and micro
 * averaging.
 */
import { DataError, ParamError } from '../core/errors.js';
import type { Label } from '../core/estimator.js';
import { checkLabelPair, formatLabels, uniqueLabels, type LabelArray } from './labels.js';

/** Fraction (or, with `normalize: false`, count) of exact matches. */
export function accuracy(yTrue: LabelArray, yPred: LabelArray, options: { readonly normalize?: boolean } = {}): number {
  checkLabelPair('accuracy', yTrue, yPred);
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return options.normalize === false ? hits : hits / yTrue.length;
}

/**
 * Mean recall over the classes present in `yTrue`. With `adjusted`, rescaled so that chance is 0
 * and perfect is 1.
 */
export function balancedAccuracy(yTrue: LabelArray, yPred: LabelArray, options: { readonly adjusted?: boolean } = {}): number {
  checkLabelPair('balancedAccuracy', yTrue, yPred);
  const { labels, counts } = countMatrix(yTrue, yPred, uniqueLabels(yTrue, yPred));
  return balancedFromCounts(counts, labels.length, options.adjusted ?? false);
}

/** @internal Balanced accuracy from a k×k count matrix (rows = true). */
export function balancedFromCounts(counts: Float64Array, k: number, adjusted: boolean): number {
  let sum = 0;
  let present = 0;
  for (let i = 0; i < k; i++) {
    let row = 0;
    for (let j = 0; j < k; j++) row += counts[i * k + j]!;
    if (row > 0) {
      sum += counts[i * k + i]! / row;
      present++;
    }
  }
  let score = sum / present;
  if (adjusted) {
    const chance = 1 / present;
    score = (score - chance) / (1 - chance);
  }
  return score;
}

/** A confusion matrix: `matrix[i][j]` counts samples of true class `labels[i]` predicted as `labels[j]`. */
export interface ConfusionMatrix {
  readonly labels: Label[];
  readonly matrix: number[][];
}

export interface ConfusionMatrixOptions {
  /** Row/column order; samples whose true or predicted label is not listed are ignored. Default: sorted union. */
  readonly labels?: readonly Label[];
  /** Normalize over true rows, predicted columns, or all cells. */
  readonly normalize?: 'true' | 'pred' | 'all';
}

/** Counts of (true, predicted) label pairs. */
export function confusionMatrix(yTrue: LabelArray, yPred: LabelArray, options: ConfusionMatrixOptions = {}): ConfusionMatrix {
  checkLabelPair('confusionMatrix', yTrue, yPred);
  let labels: Label[];
  if (options.labels !== undefined) {
    labels = [...options.labels];
    if (labels.length === 0) throw new ParamError('confusionMatrix: labels is empty; pass at least one label or omit it');
    const present = new Set<Label>(Array.from(yTrue));
    if (!labels.some((l) => present.has(l))) {
      throw new DataError(`confusionMatrix: none of labels (${formatLabels(labels)}) occurs in yTrue`);
    }
  } else labels = uniqueLabels(yTrue, yPred);
  const k = labels.length;
  const { counts } = countMatrix(yTrue, yPred, labels);
  const matrix: number[][] = [];
  for (let i = 0; i < k; i++) matrix.push(Array.from(counts.subarray(i * k, (i + 1) * k)));
  if (options.normalize) normalizeMatrix(matrix, options.normalize);
  return { labels, matrix };
}

function normalizeMatrix(m: number[][], how: 'true' | 'pred' | 'all'): void {
  const k = m.length;
  const rowSums = m.map((row) => row.reduce((a, b) => a + b, 0));
  const colSums = m[0]!.map((_, j) => m.reduce((s, row) => s + row[j]!, 0));
  const total = rowSums.reduce((a, b) => a + b, 0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const d = how === 'true' ? rowSums[i]! : how === 'pred' ? colSums[j]! : total;
      // Empty rows/columns stay zero (sklearn turns the 0/0 into 0).
      if (d !== 0) m[i]![j] = m[i]![j]! / d;
    }
  }
}

/** @internal k×k counts (row-major) over `labels`; pairs with an unlisted label are skipped. */
export function countMatrix(yTrue: LabelArray, yPred: LabelArray, labels: readonly Label[]): { labels: readonly Label[]; counts: Float64Array } {
  const k = labels.length;
  const index = new Map<Label, number>(labels.map((l, i) => [l, i]));
  const counts = new Float64Array(k * k);
  for (let n = 0; n < yTrue.length; n++) {
    const i = index.get(yTrue[n]!);
    const j = index.get(yPred[n]!);
    if (i !== undefined && j !== undefined) counts[i * k + j]!++;
  }
  return { labels, counts };
}

export type Average = 'binary' | 'macro' | 'weighted' | 'micro';

export interface PrfOptions {
  /** How to combine per-class scores. Default 'binary' (needs at most two labels). */
  readonly average?: Average;
  /** The positive class for average 'binary'. Default 1. */
  readonly posLabel?: Label;
  /** Classes to include (and their order for per-class results). Default: sorted union of yTrue and yPred. */
  readonly labels?: readonly Label[];
  /** Value used when a ratio is 0/0 (no predicted or no true samples). Default 0. */
  readonly zeroDivision?: number;
}

/** Per-class precision, recall, F-beta and support (number of true samples), in `labels` order. */
export interface PerClassScores {
  readonly labels: Label[];
  readonly precision: number[];
  readonly recall: number[];
  readonly fscore: number[];
  readonly support: number[];
}

/**
 * Per-class precision/recall/F-beta/support, as sklearn's `precision_recall_fscore_support(average=None)`.
 */
export function precisionRecallFscoreSupport(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: { readonly labels?: readonly Label[]; readonly beta?: number; readonly zeroDivision?: number } = {},
): PerClassScores {
  const metric = 'precisionRecallFscoreSupport';
  checkLabelPair(metric, yTrue, yPred);
  const labels = options.labels ? [...options.labels] : uniqueLabels(yTrue, yPred);
  const s = sums(yTrue, yPred, labels);
  return perClassFromSums(labels, s, options.beta ?? 1, options.zeroDivision ?? 0);
}

/** @internal True positives, predicted counts and true counts per label (counted over all samples). */
export interface ClassSums {
  readonly tp: Float64Array;
  readonly pred: Float64Array;
  readonly true: Float64Array;
}

function sums(yTrue: LabelArray, yPred: LabelArray, labels: readonly Label[]): ClassSums {
  const index = new Map<Label, number>(labels.map((l, i) => [l, i]));
  const k = labels.length;
  const tp = new Float64Array(k);
  const pred = new Float64Array(k);
  const tru = new Float64Array(k);
  for (let n = 0; n < yTrue.length; n++) {
    const t = index.get(yTrue[n]!);
    const p = index.get(yPred[n]!);
    if (t !== undefined) tru[t]!++;
    if (p !== undefined) pred[p]!++;
    if (t !== undefined && t === p) tp[t]!++;
  }
  return { tp, pred, true: tru };
}

/** @internal Class sums from a k×k count matrix (rows true, columns predicted). */
export function sumsFromCounts(counts: Float64Array, k: number): ClassSums {
  const tp = new Float64Array(k);
  const pred = new Float64Array(k);
  const tru = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const c = counts[i * k + j]!;
      tru[i]! += c;
      pred[j]! += c;
    }
    tp[i] = counts[i * k + i]!;
  }
  return { tp, pred, true: tru };
}

function ratio(num: number, den: number, zeroDivision: number): number {
  return den === 0 ? zeroDivision : num / den;
}

function fbetaOf(tp: number, pred: number, tru: number, beta: number, zeroDivision: number): number {
  // F-beta from counts, (1+b²)tp / ((1+b²)tp + b²fn + fp), as sklearn ≥ 1.3 computes it.
  const b2 = beta * beta;
  const fn = tru - tp;
  const fp = pred - tp;
  return ratio((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp, zeroDivision);
}

/** @internal */
export function perClassFromSums(labels: Label[], s: ClassSums, beta: number, zeroDivision: number): PerClassScores {
  const k = labels.length;
  const precision: number[] = [];
  const recall: number[] = [];
  const fscore: number[] = [];
  const support: number[] = [];
  for (let i = 0; i < k; i++) {
    const tp = s.tp[i]!;
    precision.push(ratio(tp, s.pred[i]!, zeroDivision));
    recall.push(ratio(tp, s.true[i]!, zeroDivision));
    fscore.push(fbetaOf(tp, s.pred[i]!, s.true[i]!, beta, zeroDivision));
    support.push(s.true[i]!);
  }
  return { labels, precision, recall, fscore, support };
}

/** @internal Averages per-class sums into one precision/recall/F-beta triple. */
export function averageScores(
  labels: Label[],
  s: ClassSums,
  average: Exclude<Average, 'binary'>,
  beta: number,
  zeroDivision: number,
): { precision: number; recall: number; fscore: number } {
  if (average === 'micro') {
    let tp = 0;
    let pred = 0;
    let tru = 0;
    for (let i = 0; i < labels.length; i++) {
      tp += s.tp[i]!;
      pred += s.pred[i]!;
      tru += s.true[i]!;
    }
    return { precision: ratio(tp, pred, zeroDivision), recall: ratio(tp, tru, zeroDivision), fscore: fbetaOf(tp, pred, tru, beta, zeroDivision) };
  }
  const per = perClassFromSums(labels, s, beta, zeroDivision);
  let totalWeight = 0;
  const weights = per.support.map((w) => (average === 'weighted' ? w : 1));
  for (const w of weights) totalWeight += w;
  if (totalWeight === 0) return { precision: zeroDivision, recall: zeroDivision, fscore: zeroDivision };
  const mean = (values: number[]): number => values.reduce((acc, v, i) => acc + v * weights[i]!, 0) / totalWeight;
  return { precision: mean(per.precision), recall: mean(per.recall), fscore: mean(per.fscore) };
}

type Which = 'precision' | 'recall' | 'fscore';

function averaged(metric: string, which: Which, yTrue: LabelArray, yPred: LabelArray, options: PrfOptions, beta: number): number {
  checkLabelPair(metric, yTrue, yPred);
  const average = options.average ?? 'binary';
  const zeroDivision = options.zeroDivision ?? 0;
  if (!['binary', 'macro', 'weighted', 'micro'].includes(average)) {
    throw new ParamError(`${metric}: average must be 'binary', 'macro', 'weighted' or 'micro', got ${JSON.stringify(average)}`);
  }
  if (average === 'binary') {
    const present = uniqueLabels(yTrue, yPred);
    const posLabel = options.posLabel ?? 1;
    if (present.length > 2) {
      throw new DataError(
        `${metric}: the target is multiclass (${present.length} labels: ${formatLabels(present)}) but average is 'binary'; choose average 'macro', 'weighted' or 'micro'`,
      );
    }
    if (!present.includes(posLabel) && present.length >= 2) {
      throw new DataError(`${metric}: posLabel ${JSON.stringify(posLabel)} is not a label of the data; it should be one of ${formatLabels(present)}`);
    }
    const s = sums(yTrue, yPred, [posLabel]);
    return perClassFromSums([posLabel], s, beta, zeroDivision)[which][0]!;
  }
  const labels = options.labels ? [...options.labels] : uniqueLabels(yTrue, yPred);
  return averageScores(labels, sums(yTrue, yPred, labels), average, beta, zeroDivision)[which];
}

/** tp / (tp + fp), averaged as `options.average` says (default 'binary' with posLabel 1). */
export function precision(yTrue: LabelArray, yPred: LabelArray, options: PrfOptions = {}): number {
  return averaged('precision', 'precision', yTrue, yPred, options, 1);
}

/** tp / (tp + fn), averaged as `options.average` says (default 'binary' with posLabel 1). */
export function recall(yTrue: LabelArray, yPred: LabelArray, options: PrfOptions = {}): number {
  return averaged('recall', 'recall', yTrue, yPred, options, 1);
}

/** Harmonic mean of precision and recall; macro/weighted average per-class F1 (not F1 of averages). */
export function f1(yTrue: LabelArray, yPred: LabelArray, options: PrfOptions = {}): number {
  return averaged('f1', 'fscore', yTrue, yPred, options, 1);
}

/** F-beta: recall weighted beta times as much as precision. */
export function fbeta(yTrue: LabelArray, yPred: LabelArray, beta: number, options: PrfOptions = {}): number {
  if (!(beta >= 0) || !Number.isFinite(beta)) throw new ParamError(`fbeta: beta must be a finite number ≥ 0, got ${beta}`);
  return averaged('fbeta', 'fscore', yTrue, yPred, options, beta);
}
