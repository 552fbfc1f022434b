/**
 * Column storage for the ml Table: numbers in typed arrays, strings in arrays with `null` for missing.
 * Missing numbers are NaN (float64 only; int32 columns have no missing values).
 */
import { DataError } from '../core/errors.js';

export type StringColumn = (string | null)[];
export type Column = Float64Array | Int32Array | StringColumn;
export type ColumnType = 'float64' | 'int32' | 'string';
/** What callers may pass for a column: typed arrays are kept as they are, plain arrays are converted. */
export type ColumnInput = Column | readonly (number | null | undefined)[] | readonly (string | null | undefined)[];
/** A cell value as seen in rows: numbers (NaN for missing), strings, or null for a missing string. */
export type CellValue = number | string | null;

export function columnType(column: Column): ColumnType {
  if (column instanceof Float64Array) return 'float64';
  if (column instanceof Int32Array) return 'int32';
  return 'string';
}

/** An empty column of the given type and length (NaN / 0 / null filled). */
export function emptyColumn(type: ColumnType, length: number): Column {
  if (type === 'float64') return new Float64Array(length).fill(NaN);
  if (type === 'int32') return new Int32Array(length);
  return new Array<string | null>(length).fill(null);
}

/**
 * Converts user input to a column. Typed arrays are used as they are (not copied). Plain arrays:
 * numbers / booleans (→ 1/0) / missing → float64; strings / missing → string; all missing → float64 of NaN.
 * `type` forces the result type.
 */
export function toColumn(name: string, values: ColumnInput | ArrayLike<unknown>, type?: ColumnType): Column {
  if (values instanceof Float64Array || values instanceof Int32Array) {
    if (type === undefined || type === columnType(values)) return values;
    if (type === 'float64') return Float64Array.from(values);
    if (type === 'string') return Array.from(values, (v) => (Number.isNaN(v) ? null : String(v)));
    return toInt32(name, Array.from(values));
  }
  if (ArrayBuffer.isView(values)) return toColumn(name, Float64Array.from(values as unknown as ArrayLike<number>), type);
  if (!Array.isArray(values)) {
    throw new DataError(`column '${name}': expected an array or a Float64Array/Int32Array, got ${typeof values}`);
  }
  const items = values as readonly unknown[];
  const kind = type ?? inferType(items);
  if (kind === 'string') {
    const out: StringColumn = new Array<string | null>(items.length);
    for (let i = 0; i < items.length; i++) {
      const v = items[i];
      if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) out[i] = null;
      else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[i] = String(v);
      else throw new DataError(`column '${name}': row ${i} is ${describeCell(v)}, expected a string or null`);
    }
    return out;
  }
  if (kind === 'int32') return toInt32(name, items);
  const out = new Float64Array(items.length);
  for (let i = 0; i < items.length; i++) out[i] = toNumber(name, i, items[i]);
  return out;
}

function inferType(items: readonly unknown[]): ColumnType {
  // Any string makes a string column (numbers mixed in are stringified): the same rule as CSV
  // inference. Everything else, including an all-missing column, is float64.
  for (const v of items) if (typeof v === 'string') return 'string';
  return 'float64';
}

function toNumber(name: string, row: number, v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new DataError(`column '${name}': row ${row} is ${describeCell(v)}, expected a number (or null for missing)`);
}

function toInt32(name: string, items: readonly unknown[]): Int32Array {
  const out = new Int32Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const v = toNumber(name, i, items[i]);
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
      throw new DataError(`column '${name}': row ${i} is ${v}, expected a 32-bit integer (int32 columns cannot hold missing values)`);
    }
    out[i] = v;
  }
  return out;
}

/** A short description of a bad cell for error messages. */
export function describeCell(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return Array.isArray(v) ? 'an array' : 'an object';
  return `${typeof v} ${String(v)}`;
}

export function takeColumn(column: Column, indices: ArrayLike<number>): Column {
  const n = indices.length;
  if (column instanceof Float64Array || column instanceof Int32Array) {
    const out = column instanceof Float64Array ? new Float64Array(n) : new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = column[indices[i]!]!;
    return out;
  }
  const out: StringColumn = new Array<string | null>(n);
  for (let i = 0; i < n; i++) out[i] = column[indices[i]!]!;
  return out;
}

export function sliceColumn(column: Column, start: number, end: number): Column {
  return column.slice(start, end);
}

export function concatColumns(a: Column, b: Column): Column {
  if (a instanceof Float64Array || a instanceof Int32Array) {
    const out = a instanceof Float64Array ? new Float64Array(a.length + b.length) : new Int32Array(a.length + b.length);
    out.set(a);
    out.set(b as Float64Array | Int32Array, a.length);
    return out;
  }
  return a.concat(b as StringColumn);
}

/** The cell as a plain value: numbers for numeric columns, string or null for string columns. */
export function cell(column: Column, row: number): CellValue {
  return column[row]!;
}
