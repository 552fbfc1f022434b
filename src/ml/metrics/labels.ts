/**
 * Shared input checks for metrics: every metric names itself in its errors, rejects empty input
 * and mismatched lengths, and accepts labels that are all numbers or all strings.
 */
import { DataError } from '../core/errors.js';
import type { Label } from '../core/estimator.js';

/** Class labels as metrics accept them: numbers or strings (arrays, typed arrays). */
export type LabelArray = ArrayLike<Label>;

/** Orders labels like `encodeLabels`: numbers ascending, strings by code unit. */
export function compareLabels(a: Label, b: Label): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Throws unless both arrays are non-empty and of equal length. */
export function checkLengths(metric: string, yTrue: ArrayLike<unknown>, other: ArrayLike<unknown>, otherName = 'yPred'): void {
  if (yTrue.length === 0) throw new DataError(`${metric}: yTrue is empty; a metric needs at least one sample`);
  if (other.length !== yTrue.length) {
    throw new DataError(`${metric}: yTrue has ${yTrue.length} values but ${otherName} has ${other.length}; they must have one value per sample`);
  }
}

/** 'number' or 'string'; throws if the array mixes kinds or holds non-finite numbers. */
export function labelKind(metric: string, name: string, y: LabelArray): 'number' | 'string' | undefined {
  if (y.length === 0) return undefined;
  const kind = typeof y[0];
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (typeof v !== kind || (typeof v !== 'number' && typeof v !== 'string') || (typeof v === 'number' && !Number.isFinite(v))) {
      throw new DataError(`${metric}: ${name}[${i}] is ${JSON.stringify(v) ?? String(v)}; labels must be all finite numbers or all strings`);
    }
  }
  return kind as 'number' | 'string';
}

/** Validates a pair of label arrays (length, kind, same kind on both sides). */
export function checkLabelPair(metric: string, yTrue: LabelArray, yPred: LabelArray): void {
  checkLengths(metric, yTrue, yPred);
  const a = labelKind(metric, 'yTrue', yTrue);
  const b = labelKind(metric, 'yPred', yPred);
  if (a !== b) throw new DataError(`${metric}: yTrue holds ${a} labels but yPred holds ${b} labels; use one label type`);
}

/** Validates a pair of numeric target arrays (length, finite values). */
export function checkNumericPair(metric: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>): void {
  checkLengths(metric, yTrue, yPred);
  checkFinite(metric, 'yTrue', yTrue);
  checkFinite(metric, 'yPred', yPred);
}

export function checkFinite(metric: string, name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new DataError(`${metric}: ${name}[${i}] is ${String(v)}; expected a finite number`);
    }
  }
}

/** Sorted distinct labels of all given arrays. */
export function uniqueLabels(...arrays: LabelArray[]): Label[] {
  const set = new Set<Label>();
  for (const a of arrays) for (let i = 0; i < a.length; i++) set.add(a[i]!);
  return [...set].sort(compareLabels);
}

/** Short list for error messages: at most `max` labels, then an ellipsis. */
export function formatLabels(labels: readonly unknown[], max = 10): string {
  const shown = labels.slice(0, max).map((l) => JSON.stringify(l) ?? String(l));
  return shown.join(', ') + (labels.length > max ? `, … (${labels.length} in all)` : '');
}
