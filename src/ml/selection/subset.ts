/** Applying index arrays (from splitters) to data: matrices, row arrays, tables, label arrays. */
import { DataError } from '../core/errors.js';
import type { Label } from '../core/estimator.js';
import { Matrix, type ColumnSource } from '../core/matrix.js';
import type { CategoricalSource } from '../preprocess/frame.js';
import type { Fold } from './split.js';

/** A table that can select rows itself (the ml Table does). */
export interface RowTakeable<T> {
  take(indices: ArrayLike<number>): T;
}

function checkIndices(indices: ArrayLike<number>, n: number, what: string): void {
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i]!;
    if (!Number.isInteger(r) || r < 0 || r >= n) throw new DataError(`${what}: index ${r} at position ${i} is outside 0..${n - 1}`);
  }
}

/** Rows of a view-only table (no `take`): a lightweight view with the same columns. */
function takeFromSource(src: Partial<ColumnSource & CategoricalSource> & { numRows: number; columnNames: readonly string[] }, idx: ArrayLike<number>): ColumnSource & CategoricalSource {
  const pick = <T>(values: ArrayLike<T>): T[] => Array.from(idx, (r) => values[r]!);
  return {
    numRows: idx.length,
    columnNames: src.columnNames,
    column: (name) => (src.column ? pick(src.column(name)) : Float64Array.from(pick(src.numericColumn!(name)))),
    numericColumn: (name) => Float64Array.from(pick(src.numericColumn ? src.numericColumn(name) : (src.column!(name) as ArrayLike<number>))),
  };
}

/** The rows of `x` at `indices`, in that order. */
export function takeRows(x: Matrix, indices: ArrayLike<number>): Matrix;
export function takeRows<R>(x: readonly R[], indices: ArrayLike<number>): R[];
export function takeRows<T extends RowTakeable<T>>(x: T, indices: ArrayLike<number>): T;
export function takeRows(x: ColumnSource | CategoricalSource, indices: ArrayLike<number>): ColumnSource & CategoricalSource;
export function takeRows(x: unknown, indices: ArrayLike<number>): unknown;
export function takeRows(x: unknown, indices: ArrayLike<number>): unknown {
  if (x instanceof Matrix) {
    checkIndices(indices, x.rows, 'takeRows');
    return x.takeRows(indices);
  }
  if (Array.isArray(x)) {
    checkIndices(indices, x.length, 'takeRows');
    return Array.from(indices, (r) => x[r]);
  }
  if (typeof x === 'object' && x !== null) {
    if (typeof (x as RowTakeable<unknown>).take === 'function') return (x as RowTakeable<unknown>).take(indices);
    const src = x as { numRows?: unknown; columnNames?: unknown; column?: unknown; numericColumn?: unknown };
    if (typeof src.numRows === 'number' && Array.isArray(src.columnNames) && (typeof src.column === 'function' || typeof src.numericColumn === 'function')) {
      checkIndices(indices, src.numRows, 'takeRows');
      return takeFromSource(src as Parameters<typeof takeFromSource>[0], indices);
    }
  }
  throw new DataError(`takeRows: cannot select rows of ${typeof x}; pass a Matrix, rows, or a Table`);
}

/** The labels (or targets) at `indices`; typed arrays keep their type. */
export function takeLabels<Y extends ArrayLike<Label>>(y: Y, indices: ArrayLike<number>): Y extends Float64Array ? Float64Array : Y extends Int32Array ? Int32Array : Label[];
export function takeLabels(y: ArrayLike<Label>, indices: ArrayLike<number>): ArrayLike<Label> {
  checkIndices(indices, y.length, 'takeLabels');
  if (ArrayBuffer.isView(y)) {
    const ctor = (y as unknown as { constructor: { from(v: ArrayLike<number>): ArrayLike<Label> } }).constructor;
    return ctor.from(Array.from(indices, (r) => y[r] as number));
  }
  return Array.from(indices, (r) => y[r]!);
}

/** Train and test parts of x and y for one split. */
export function applySplit<X, Y extends ArrayLike<Label>>(
  x: X,
  y: Y,
  fold: Fold,
): { xTrain: X; xTest: X; yTrain: ReturnType<typeof takeLabels<Y>>; yTest: ReturnType<typeof takeLabels<Y>> } {
  return {
    xTrain: takeRows(x, fold.train) as X,
    xTest: takeRows(x, fold.test) as X,
    yTrain: takeLabels(y, fold.train),
    yTest: takeLabels(y, fold.test),
  };
}
