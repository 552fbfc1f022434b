/** Turns columns of text cells (from CSV) into typed columns: all-numeric → float64, otherwise strings. */
import { DataError } from '../../core/errors.js';
import type { Column, ColumnType, StringColumn } from '../column.js';

export interface InferContext {
  /** The file, for error messages. */
  readonly source: string;
  /** Cells that mean "missing" (default just the empty cell). */
  readonly missing: ReadonlySet<string>;
  /** The 1-based file line of data row i, for error messages. */
  readonly lineOf: (row: number) => number;
}

/** Parses a cell as a number; undefined when it is not one. 'NaN' is a number (NaN). */
function parseNumber(cell: string): number | undefined {
  const v = Number(cell);
  if (!Number.isNaN(v)) return cell.trim() === '' ? undefined : v;
  return cell.trim() === 'NaN' ? NaN : undefined;
}

/** A typed column from text cells, inferred or forced to `type`. */
export function columnFromCells(name: string, cells: readonly string[], ctx: InferContext, type?: ColumnType): Column {
  const where = (row: number): string => `${ctx.source} line ${ctx.lineOf(row)} (row ${row}), column '${name}'`;
  if (type === 'string') return cells.map((c) => (ctx.missing.has(c) ? null : c)) satisfies StringColumn;
  if (type === 'int32') {
    const out = new Int32Array(cells.length);
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i]!;
      const v = ctx.missing.has(c) ? undefined : parseNumber(c);
      if (v === undefined || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
        const what = ctx.missing.has(c) ? 'is missing' : `is ${JSON.stringify(c)}`;
        throw new DataError(`${where(i)} ${what}; the column was declared int32, which needs a 32-bit integer in every row`);
      }
      out[i] = v;
    }
    return out;
  }
  const out = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i]!;
    if (ctx.missing.has(c)) {
      out[i] = NaN;
      continue;
    }
    const v = parseNumber(c);
    if (v === undefined) {
      if (type === 'float64') {
        throw new DataError(`${where(i)} is ${JSON.stringify(c)}, not a number; the column was declared float64`);
      }
      return cells.map((cell) => (ctx.missing.has(cell) ? null : cell));
    }
    out[i] = v;
  }
  return out;
}
