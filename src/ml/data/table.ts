/**
 * A small immutable columnar table: named columns of float64 / int32 numbers or nullable strings.
 *
 * Operations return new Tables. Columns are shared, not copied, when an operation keeps them
 * whole (select, drop, withColumn), so treat the arrays returned by {@link Table.column} as read-only.
 */
import { DataError } from '../core/errors.js';
import { Matrix, type ColumnSource } from '../core/matrix.js';
import {
  columnType,
  concatColumns,
  describeCell,
  emptyColumn,
  sliceColumn,
  takeColumn,
  toColumn,
  type CellValue,
  type Column,
  type ColumnInput,
  type ColumnType,
} from './column.js';
import { describeColumn, type ColumnSummary } from './describe.js';

/** One column of a {@link TableSchema}. */
export interface ColumnSchema {
  readonly name: string;
  readonly type: ColumnType;
}

/** Column names and types in order: plain JSON, usable as a model signature. */
export type TableSchema = readonly ColumnSchema[];

/** A row as a plain object. Missing numbers are NaN, missing strings null. */
export type Row = Record<string, CellValue>;

export interface FromRowsOptions {
  /** Column order (and the columns to keep). Default: keys in first-seen order. */
  readonly columns?: readonly string[];
  /** Force column types; other columns are inferred (numbers/booleans → float64, any string → string). */
  readonly types?: Readonly<Record<string, ColumnType>>;
}

export class Table implements ColumnSource {
  readonly numRows: number;
  readonly columnNames: readonly string[];
  private readonly columns: ReadonlyMap<string, Column>;

  private constructor(names: readonly string[], columns: readonly Column[], numRows: number) {
    this.columnNames = Object.freeze([...names]);
    this.columns = new Map(names.map((n, i) => [n, columns[i]!]));
    this.numRows = numRows;
  }

  /**
   * Builds a table from named columns (object key order is column order). Typed arrays are kept
   * without copying. All columns must have the same length.
   */
  static fromColumns(columns: Readonly<Record<string, ColumnInput>>, types?: Readonly<Record<string, ColumnType>>): Table {
    const names = Object.keys(columns);
    const cols = names.map((n) => toColumn(n, columns[n]!, types?.[n]));
    return Table.build(names, cols);
  }

  /** Builds a table from [name, values] pairs; unlike an object, keeps integer-like names in the given order. */
  static fromEntries(entries: readonly (readonly [string, ColumnInput])[], types?: Readonly<Record<string, ColumnType>>): Table {
    return Table.build(
      entries.map(([n]) => n),
      entries.map(([n, values]) => toColumn(n, values, types?.[n])),
    );
  }

  /** Builds a table from plain objects; a key missing from a row is a missing value. */
  static fromRows(rows: readonly Readonly<Record<string, unknown>>[], options: FromRowsOptions = {}): Table {
    let names = options.columns;
    if (names === undefined) {
      const seen = new Set<string>();
      for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
      names = [...seen];
    }
    const cols = names.map((name) => {
      const values = rows.map((row) => row[name]);
      return toColumn(name, values, options.types?.[name]);
    });
    if (names.length === 0 && rows.length > 0) {
      throw new DataError('Table.fromRows: the rows have no keys, so the table would have no columns');
    }
    return Table.build(names, cols, rows.length);
  }

  /** A table with the given schema and no rows. */
  static empty(schema: TableSchema): Table {
    return Table.build(
      schema.map((c) => c.name),
      schema.map((c) => emptyColumn(c.type, 0)),
      0,
    );
  }

  /** Checks lengths and names; `numRows` is needed only when there are no columns. */
  private static build(names: readonly string[], cols: readonly Column[], numRows?: number): Table {
    const seen = new Set<string>();
    for (const n of names) {
      if (typeof n !== 'string' || n === '') throw new DataError(`Table: column names must be non-empty strings, got ${JSON.stringify(n)}`);
      if (seen.has(n)) throw new DataError(`Table: column '${n}' appears twice; column names must be unique`);
      seen.add(n);
    }
    const rows = cols[0]?.length ?? numRows ?? 0;
    cols.forEach((c, i) => {
      if (c.length !== rows) {
        const lengths = names.map((n, j) => `${n}: ${cols[j]!.length}`).join(', ');
        throw new DataError(`Table: column '${names[i]}' has ${c.length} values but '${names[0]}' has ${rows}; all columns need the same length (${lengths})`);
      }
    });
    return new Table(names, cols, rows);
  }

  get numColumns(): number {
    return this.columnNames.length;
  }

  has(name: string): boolean {
    return this.columns.has(name);
  }

  /** The column's storage (read-only by convention). Throws a DataError listing the available columns. */
  column(name: string): Column {
    const col = this.columns.get(name);
    if (col === undefined) throw this.unknownColumn(name);
    return col;
  }

  columnType(name: string): ColumnType {
    return columnType(this.column(name));
  }

  /**
   * The column as numbers. float64 columns are returned as they are (no copy); int32 is converted;
   * string columns are parsed (null and '' become NaN) and a DataError names the first row that is not a number.
   */
  numericColumn(name: string): Float64Array {
    const col = this.column(name);
    if (col instanceof Float64Array) return col;
    if (col instanceof Int32Array) return Float64Array.from(col);
    const out = new Float64Array(col.length);
    for (let i = 0; i < col.length; i++) {
      const v = col[i]!;
      if (v === null || v.trim() === '') {
        out[i] = NaN;
        continue;
      }
      const num = Number(v);
      if (Number.isNaN(num) && v.trim() !== 'NaN') {
        throw new DataError(
          `column '${name}' is not numeric: row ${i} is ${describeCell(v)}; encode it first (OneHotEncoder / OrdinalEncoder) or drop the column`,
        );
      }
      out[i] = num;
    }
    return out;
  }

  /** Column names and types, in order. */
  schema(): TableSchema {
    return this.columnNames.map((name) => ({ name, type: columnType(this.columns.get(name)!) }));
  }

  /** The listed columns, in the listed order. */
  select(names: readonly string[]): Table {
    return Table.build(names, names.map((n) => this.column(n)), this.numRows);
  }

  /** All columns except the listed ones (each must exist). */
  drop(names: readonly string[]): Table {
    for (const n of names) this.column(n);
    const dropped = new Set(names);
    const keep = this.columnNames.filter((n) => !dropped.has(n));
    return Table.build(keep, keep.map((n) => this.columns.get(n)!), this.numRows);
  }

  /** Rows where the predicate (given the row index) is true, or where the mask is truthy. */
  filter(predicate: ((row: number) => boolean) | ArrayLike<boolean | number>): Table {
    const indices: number[] = [];
    if (typeof predicate === 'function') {
      for (let i = 0; i < this.numRows; i++) if (predicate(i)) indices.push(i);
    } else {
      if (predicate.length !== this.numRows) {
        throw new DataError(`Table.filter: mask has ${predicate.length} entries but the table has ${this.numRows} rows`);
      }
      for (let i = 0; i < this.numRows; i++) if (predicate[i]) indices.push(i);
    }
    return this.takeUnchecked(indices);
  }

  /** Rows at the given indices, in that order (repeats allowed). */
  take(indices: ArrayLike<number>): Table {
    for (let i = 0; i < indices.length; i++) {
      const r = indices[i]!;
      if (!Number.isInteger(r) || r < 0 || r >= this.numRows) {
        throw new DataError(`Table.take: index ${r} at position ${i} is out of range; the table has ${this.numRows} rows (0..${this.numRows - 1})`);
      }
    }
    return this.takeUnchecked(indices);
  }

  private takeUnchecked(indices: ArrayLike<number>): Table {
    return Table.build(this.columnNames, this.columnNames.map((n) => takeColumn(this.columns.get(n)!, indices)), indices.length);
  }

  /** Rows [start, end), with Array.prototype.slice semantics (negative indices count from the end). */
  slice(start = 0, end = this.numRows): Table {
    const s = clampIndex(start, this.numRows);
    const e = Math.max(s, clampIndex(end, this.numRows));
    return Table.build(this.columnNames, this.columnNames.map((n) => sliceColumn(this.columns.get(n)!, s, e)), e - s);
  }

  /** The first n rows (default 5). */
  head(n = 5): Table {
    return this.slice(0, Math.max(0, n));
  }

  /** This table's rows followed by `other`'s; both must have the same column names, order and types. */
  concat(other: Table): Table {
    const mine = this.schema();
    const theirs = other.schema();
    const fmt = (s: TableSchema): string => s.map((c) => `${c.name}:${c.type}`).join(', ');
    if (mine.length !== theirs.length || mine.some((c, i) => c.name !== theirs[i]!.name || c.type !== theirs[i]!.type)) {
      throw new DataError(`Table.concat: schemas differ; this table has [${fmt(mine)}], the other has [${fmt(theirs)}]`);
    }
    return Table.build(
      this.columnNames,
      this.columnNames.map((n) => concatColumns(this.columns.get(n)!, other.columns.get(n)!)),
      this.numRows + other.numRows,
    );
  }

  /** Adds a column at the end, or replaces an existing one in place. Length must equal numRows. */
  withColumn(name: string, values: ColumnInput, type?: ColumnType): Table {
    const col = toColumn(name, values, type);
    if (this.numColumns > 0 && col.length !== this.numRows) {
      throw new DataError(`Table.withColumn: column '${name}' has ${col.length} values but the table has ${this.numRows} rows`);
    }
    const names = this.has(name) ? this.columnNames : [...this.columnNames, name];
    return Table.build(names, names.map((n) => (n === name ? col : this.columns.get(n)!)), col.length);
  }

  /** Renames columns; names not in the table are an error. */
  rename(mapping: Readonly<Record<string, string>>): Table {
    for (const n of Object.keys(mapping)) this.column(n);
    return Table.build(
      this.columnNames.map((n) => mapping[n] ?? n),
      this.columnNames.map((n) => this.columns.get(n)!),
      this.numRows,
    );
  }

  /** Row i as a plain object. */
  row(i: number): Row {
    if (!Number.isInteger(i) || i < 0 || i >= this.numRows) {
      throw new DataError(`Table.row: row ${i} is out of range; the table has ${this.numRows} rows`);
    }
    const out: Row = {};
    for (const n of this.columnNames) out[n] = this.columns.get(n)![i]!;
    return out;
  }

  /** Iterates rows as plain objects. */
  *rows(): IterableIterator<Row> {
    const cols = this.columnNames.map((n) => [n, this.columns.get(n)!] as const);
    for (let i = 0; i < this.numRows; i++) {
      const out: Row = {};
      for (const [n, c] of cols) out[n] = c[i]!;
      yield out;
    }
  }

  /** Summary statistics for every column (numeric: count/mean/std/quartiles; strings: count/unique/top). */
  describe(): ColumnSummary[] {
    return this.columnNames.map((n) => describeColumn(n, this.columns.get(n)!));
  }

  /**
   * The listed columns (default: all) as a row-major Matrix with column names. NaN is kept
   * (validation happens in estimators via core `toMatrix`); string columns must parse as numbers.
   */
  toMatrix(columns: readonly string[] = this.columnNames): Matrix {
    const cols = columns.map((n) => this.numericColumn(n));
    const k = cols.length;
    const data = new Float64Array(this.numRows * k);
    cols.forEach((col, c) => {
      for (let r = 0; r < this.numRows; r++) data[r * k + c] = col[r]!;
    });
    return new Matrix(this.numRows, k, data, [...columns]);
  }

  /** A Table with columns named like the matrix (or x0, x1, …). */
  static fromMatrix(m: Matrix, names?: readonly string[]): Table {
    const cols = names ?? m.columns ?? Array.from({ length: m.cols }, (_, i) => `x${i}`);
    if (cols.length !== m.cols) throw new DataError(`Table.fromMatrix: ${cols.length} names given for ${m.cols} matrix columns`);
    return Table.build(cols, cols.map((_, c) => m.column(c)), m.rows);
  }

  /** Cell-by-cell equality (NaN equals NaN), including column names and types. */
  equals(other: Table): boolean {
    if (this.numRows !== other.numRows || this.numColumns !== other.numColumns) return false;
    return this.columnNames.every((n, j) => {
      if (other.columnNames[j] !== n) return false;
      const a = this.columns.get(n)!;
      const b = other.columns.get(n)!;
      if (columnType(a) !== columnType(b)) return false;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
      return true;
    });
  }

  toString(): string {
    return `Table(${this.numRows}×${this.numColumns})`;
  }

  private unknownColumn(name: string): DataError {
    const shown = this.columnNames.slice(0, 50).map((n) => `'${n}'`).join(', ');
    const more = this.numColumns > 50 ? `, … (${this.numColumns - 50} more)` : '';
    return new DataError(`unknown column '${name}'; available columns: ${shown || '(none)'}${more}`);
  }
}

function clampIndex(i: number, n: number): number {
  if (!Number.isInteger(i)) throw new DataError(`Table.slice: ${i} is not an integer row index`);
  return i < 0 ? Math.max(0, n + i) : Math.min(i, n);
}
