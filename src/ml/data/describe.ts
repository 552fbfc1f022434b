/** Summary statistics of table columns (what pandas' `describe()` reports). */
import type { Column, ColumnType } from './column.js';

/** Summary of a numeric column. Statistics ignore missing values (NaN); all are NaN when count is 0. */
export interface NumericSummary {
  readonly name: string;
  readonly type: Exclude<ColumnType, 'string'>;
  /** Non-missing values. */
  readonly count: number;
  readonly missing: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1 denominator, like pandas); NaN for fewer than 2 values. */
  readonly std: number;
  readonly min: number;
  /** Quartiles by linear interpolation between order statistics (numpy/pandas default). */
  readonly q25: number;
  readonly median: number;
  readonly q75: number;
  readonly max: number;
}

/** Summary of a string column. */
export interface StringSummary {
  readonly name: string;
  readonly type: 'string';
  /** Non-null values. */
  readonly count: number;
  readonly missing: number;
  /** Distinct non-null values. */
  readonly unique: number;
  /** Most frequent value (first seen wins ties); null when the column has no values. */
  readonly top: string | null;
  /** How often `top` occurs. */
  readonly topCount: number;
}

export type ColumnSummary = NumericSummary | StringSummary;

export function describeColumn(name: string, column: Column): ColumnSummary {
  if (Array.isArray(column)) return describeStrings(name, column);
  return describeNumbers(name, column as Float64Array | Int32Array);
}

function describeNumbers(name: string, column: Float64Array | Int32Array): NumericSummary {
  const values = Float64Array.from(column).filter((v) => !Number.isNaN(v));
  const n = values.length;
  values.sort();
  let sum = 0;
  for (const v of values) sum += v;
  const mean = n > 0 ? sum / n : NaN;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return {
    name,
    type: column instanceof Int32Array ? 'int32' : 'float64',
    count: n,
    missing: column.length - n,
    mean,
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN,
    min: n > 0 ? values[0]! : NaN,
    q25: quantileSorted(values, 0.25),
    median: quantileSorted(values, 0.5),
    q75: quantileSorted(values, 0.75),
    max: n > 0 ? values[n - 1]! : NaN,
  };
}

/** Quantile of sorted values by linear interpolation; NaN when empty. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function describeStrings(name: string, column: readonly (string | null)[]): StringSummary {
  const freq = new Map<string, number>();
  let count = 0;
  for (const v of column) {
    if (v === null) continue;
    count++;
    freq.set(v, (freq.get(v) ?? 0) + 1);
  }
  let top: string | null = null;
  let topCount = 0;
  for (const [v, c] of freq) {
    if (c > topCount) {
      top = v;
      topCount = c;
    }
  }
  return { name, type: 'string', count, missing: column.length - count, unique: freq.size, top, topCount };
}
