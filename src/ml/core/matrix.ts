/**
 * The dense feature matrix every estimator works on: row-major Float64Array.
 * Estimators accept {@link MatrixLike} (rows of numbers, a Matrix, or a Table of numeric columns)
 * and convert once with {@link toMatrix}, which also validates the values.
 */
import { DataError } from './errors.js';

/** Row-major dense matrix. `data[r * cols + c]`. */
export class Matrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
  /** Optional column names (kept from Tables, used in error messages and signatures). */
  readonly columns: readonly string[] | undefined;

  constructor(rows: number, cols: number, data?: Float64Array, columns?: readonly string[]) {
    if (data && data.length !== rows * cols) {
      throw new DataError(`Matrix: data has ${data.length} values, expected rows × cols = ${rows} × ${cols} = ${rows * cols}`);
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data ?? new Float64Array(rows * cols);
    this.columns = columns;
  }

  get(r: number, c: number): number {
    return this.data[r * this.cols + c]!;
  }

  set(r: number, c: number, v: number): void {
    this.data[r * this.cols + c] = v;
  }

  /** A view of row r (no copy). */
  row(r: number): Float64Array {
    return this.data.subarray(r * this.cols, (r + 1) * this.cols);
  }

  /** A copy of column c. */
  column(c: number): Float64Array {
    const out = new Float64Array(this.rows);
    for (let r = 0; r < this.rows; r++) out[r] = this.data[r * this.cols + c]!;
    return out;
  }

  /** Rows at the given indices, copied into a new matrix. */
  takeRows(indices: ArrayLike<number>): Matrix {
    const out = new Float64Array(indices.length * this.cols);
    for (let i = 0; i < indices.length; i++) {
      const r = indices[i]!;
      out.set(this.data.subarray(r * this.cols, (r + 1) * this.cols), i * this.cols);
    }
    return new Matrix(indices.length, this.cols, out, this.columns);
  }

  toRows(): number[][] {
    const out: number[][] = [];
    for (let r = 0; r < this.rows; r++) out.push(Array.from(this.row(r)));
    return out;
  }

  static fromRows(rows: readonly (readonly number[] | ArrayLike<number>)[], what = 'X'): Matrix {
    if (rows.length === 0) return new Matrix(0, 0);
    const cols = rows[0]!.length;
    const data = new Float64Array(rows.length * cols);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      if (row.length !== cols) {
        throw new DataError(`${what}: row ${r} has ${row.length} values, expected ${cols} like row 0`);
      }
      for (let c = 0; c < cols; c++) {
        const v = row[c];
        if (typeof v !== 'number') {
          throw new DataError(`${what}: row ${r}, column ${c} is ${typeof v} ${JSON.stringify(v)}, expected a number`);
        }
        data[r * cols + c] = v;
      }
    }
    return new Matrix(rows.length, cols, data);
  }
}

/** Anything with named numeric columns that can become a Matrix (the ml Table implements it). */
export interface ColumnSource {
  readonly numRows: number;
  readonly columnNames: readonly string[];
  /** The column as numbers; throws a DataError naming the column if it is not numeric. */
  numericColumn(name: string): Float64Array;
}

export type MatrixLike = Matrix | readonly (readonly number[])[] | ColumnSource;

function isColumnSource(x: unknown): x is ColumnSource {
  return typeof x === 'object' && x !== null && 'numericColumn' in x && 'columnNames' in x;
}

export interface ToMatrixOptions {
  /** Name used in error messages, e.g. `LogisticRegression.fit X`. */
  readonly what?: string;
  /** Allow NaN (missing values) — for imputers and histogram trees. Infinity is never allowed. */
  readonly allowNaN?: boolean;
  /** Allow zero rows (default false: an empty dataset is an error). */
  readonly allowEmpty?: boolean;
}

/** Converts and validates. Returns the same Matrix instance when no conversion is needed. */
export function toMatrix(x: MatrixLike, options: ToMatrixOptions = {}): Matrix {
  const what = options.what ?? 'X';
  let m: Matrix;
  if (x instanceof Matrix) m = x;
  else if (isColumnSource(x)) {
    const names = x.columnNames;
    const data = new Float64Array(x.numRows * names.length);
    names.forEach((name, c) => {
      const col = x.numericColumn(name);
      for (let r = 0; r < x.numRows; r++) data[r * names.length + c] = col[r]!;
    });
    m = new Matrix(x.numRows, names.length, data, names);
  } else if (Array.isArray(x)) m = Matrix.fromRows(x, what);
  else throw new DataError(`${what}: expected rows of numbers, a Matrix or a Table, got ${typeof x}`);
  if (m.rows === 0 && !options.allowEmpty) throw new DataError(`${what}: the dataset is empty (0 rows)`);
  const data = m.data;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v) && !(options.allowNaN && Number.isNaN(v))) {
      const r = Math.floor(i / m.cols);
      const c = i % m.cols;
      const col = m.columns?.[c] !== undefined ? `column '${m.columns[c]}'` : `column ${c}`;
      throw new DataError(
        `${what}: row ${r}, ${col} is ${v}; ${Number.isNaN(v) ? 'impute missing values first (SimpleImputer)' : 'infinite values are not allowed'}`,
      );
    }
  }
  return m;
}

/** Validates a numeric target vector against the number of rows. */
export function toVector(y: ArrayLike<number>, rows: number, what = 'y'): Float64Array {
  if (y.length !== rows) throw new DataError(`${what}: has ${y.length} values but X has ${rows} rows`);
  const out = y instanceof Float64Array ? y : Float64Array.from(y as ArrayLike<number>);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]!)) throw new DataError(`${what}: value at row ${i} is ${out[i]}, expected a finite number`);
  }
  return out;
}
