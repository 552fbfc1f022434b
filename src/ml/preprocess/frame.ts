/**
 * One view over every input shape preprocessing accepts: a Matrix, rows of values, or a table with
 * named columns (the ml Table, or anything with `column(name)`). Encoders read raw column values;
 * numeric transformers read numbers. Defined here so preprocessing does not depend on ml/data.
 */
import { DataError } from '../core/errors.js';
import { Matrix, type ColumnSource, type MatrixLike } from '../core/matrix.js';

/** A table with named columns of strings and/or numbers (the ml Table satisfies it). */
export interface CategoricalSource {
  readonly numRows: number;
  readonly columnNames: readonly string[];
  /** The column's values: strings, numbers, null / NaN for missing. */
  column(name: string): ArrayLike<unknown>;
}

/** What transformers in this module accept. */
export type TabularInput = MatrixLike | CategoricalSource | readonly (readonly unknown[])[];

/** Names given to the columns of inputs without names, as sklearn does. */
export function defaultNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `x${i}`);
}

/**
 * A column-wise view of an input. It is both a {@link ColumnSource} (so `toMatrix` accepts it)
 * and a {@link CategoricalSource}, and can be narrowed to some columns with {@link Frame.select}.
 */
export class Frame implements ColumnSource, CategoricalSource {
  constructor(
    readonly numRows: number,
    readonly columnNames: readonly string[],
    /** True when the names came from the input; false when generated (`x0`, `x1`, ...). */
    readonly named: boolean,
    private readonly read: (c: number) => ArrayLike<unknown>,
    private readonly readNumeric: (c: number) => Float64Array,
    private readonly what: string,
  ) {}

  indexOf(name: string): number {
    const i = this.columnNames.indexOf(name);
    if (i < 0) {
      throw new DataError(`${this.what}: no column '${name}'; the input has columns ${this.columnNames.map((n) => `'${n}'`).join(', ')}`);
    }
    return i;
  }

  /** Raw values of column `c` (by position). */
  values(c: number): ArrayLike<unknown> {
    return this.read(c);
  }

  column(name: string): ArrayLike<unknown> {
    return this.read(this.indexOf(name));
  }

  numericColumn(name: string): Float64Array {
    return this.readNumeric(this.indexOf(name));
  }

  /** A view of the columns at `indices`, in that order. */
  select(indices: readonly number[]): Frame {
    return new Frame(
      this.numRows,
      indices.map((i) => this.columnNames[i]!),
      this.named,
      (c) => this.read(indices[c]!),
      (c) => this.readNumeric(indices[c]!),
      this.what,
    );
  }
}

function isCategoricalSource(x: unknown): x is CategoricalSource {
  return typeof x === 'object' && x !== null && typeof (x as CategoricalSource).column === 'function' && 'columnNames' in x;
}

function isColumnSource(x: unknown): x is ColumnSource {
  return typeof x === 'object' && x !== null && typeof (x as ColumnSource).numericColumn === 'function' && 'columnNames' in x;
}

/** Converts raw values to numbers: null/undefined → NaN, numeric strings parsed; other strings are an error. */
export function numbersOf(values: ArrayLike<unknown>, column: string, what: string): Float64Array {
  if (values instanceof Float64Array) return values;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number') out[i] = v;
    else if (v === null || v === undefined) out[i] = Number.NaN;
    else if (typeof v === 'boolean') out[i] = v ? 1 : 0;
    else {
      const parsed = typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
      if (Number.isNaN(parsed)) {
        throw new DataError(
          `${what}: column '${column}' is not numeric (row ${i} is ${JSON.stringify(v) ?? String(v)}); encode it first (OneHotEncoder / OrdinalEncoder) or leave it out`,
        );
      }
      out[i] = parsed;
    }
  }
  return out;
}

/** Wraps any accepted input as a {@link Frame}. */
export function toFrame(x: TabularInput, what: string): Frame {
  if (x instanceof Frame) return x;
  if (x instanceof Matrix) {
    const names = x.columns ?? defaultNames(x.cols);
    return new Frame(x.rows, names, x.columns !== undefined, (c) => x.column(c), (c) => x.column(c), what);
  }
  if (isCategoricalSource(x)) {
    const src = x;
    const numeric = isColumnSource(x) ? x : undefined;
    return new Frame(
      src.numRows,
      src.columnNames,
      true,
      (c) => src.column(src.columnNames[c]!),
      (c) => (numeric ? numeric.numericColumn(src.columnNames[c]!) : numbersOf(src.column(src.columnNames[c]!), src.columnNames[c]!, what)),
      what,
    );
  }
  if (isColumnSource(x)) {
    const src = x;
    const read = (c: number): Float64Array => src.numericColumn(src.columnNames[c]!);
    return new Frame(src.numRows, src.columnNames, true, read, read, what);
  }
  if (Array.isArray(x)) {
    const rows = x as readonly (readonly unknown[])[];
    const cols = rows.length > 0 ? rows[0]!.length : 0;
    rows.forEach((row, r) => {
      if (!Array.isArray(row) || row.length !== cols) {
        throw new DataError(`${what}: row ${r} has ${Array.isArray(row) ? row.length : 'no'} values, expected ${cols} like row 0`);
      }
    });
    const names = defaultNames(cols);
    const read = (c: number): unknown[] => rows.map((row) => row[c]);
    return new Frame(rows.length, names, false, read, (c) => numbersOf(read(c), names[c]!, what), what);
  }
  throw new DataError(`${what}: expected a Matrix, rows of values or a Table, got ${x === null ? 'null' : typeof x}`);
}

/** The input's column names and whether they are real (not generated). */
export function featureNames(m: Matrix): { names: string[]; named: boolean } {
  return { names: m.columns ? [...m.columns] : defaultNames(m.cols), named: m.columns !== undefined };
}

/**
 * Checks that data passed to transform has the columns the transformer was fitted on:
 * the same count, and the same names in the same order when both inputs have names.
 */
export function checkFeatures(what: string, fitted: readonly string[], fittedNamed: boolean, names: readonly string[], named: boolean): void {
  if (names.length !== fitted.length) {
    throw new DataError(`${what}: X has ${names.length} columns, but the transformer was fitted on ${fitted.length} (${fitted.join(', ')})`);
  }
  if (fittedNamed && named) {
    for (let i = 0; i < names.length; i++) {
      if (names[i] !== fitted[i]) {
        throw new DataError(`${what}: column ${i} is '${names[i]}', but the transformer was fitted with '${fitted[i]}' there (columns: ${fitted.join(', ')})`);
      }
    }
  }
}
