/** Reading categorical columns for the encoders: values, missing markers, sorted categories. */
import { DataError, ParamError } from '../core/errors.js';
import { toFrame, type TabularInput } from './frame.js';

/** A category value. `null` stands for missing (null, undefined or NaN in the input). */
export type Category = string | number | boolean | null;

/** Numbers ascending, booleans false < true, strings by code unit, missing last. */
export function compareCategories(a: Category, b: Category): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** How a category appears in feature names and messages: missing is 'nan', as in sklearn. */
export function formatCategory(c: Category): string {
  return c === null ? 'nan' : String(c);
}

function quote(c: Category): string {
  return typeof c === 'string' ? `'${c}'` : formatCategory(c);
}

/** Comma-separated categories for error messages (at most 10). */
export function listCategories(cats: readonly Category[]): string {
  const shown = cats.slice(0, 10).map(quote).join(', ');
  return cats.length > 10 ? `${shown}, … (${cats.length} in all)` : shown;
}

export { quote as quoteCategory };

export interface CategoricalColumns {
  readonly rows: number;
  readonly names: string[];
  readonly named: boolean;
  readonly columns: Category[][];
}

/** Reads every column of the input as categories, normalizing missing values to null. */
export function readCategorical(x: TabularInput, what: string): CategoricalColumns {
  const frame = toFrame(x, what);
  if (frame.numRows === 0) throw new DataError(`${what}: the dataset is empty (0 rows)`);
  const columns: Category[][] = [];
  frame.columnNames.forEach((name, c) => {
    const raw = frame.values(c);
    const out = new Array<Category>(raw.length);
    let kind: string | undefined;
    for (let r = 0; r < raw.length; r++) {
      let v = raw[r];
      if (typeof v === 'bigint') v = Number(v);
      if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
        out[r] = null;
        continue;
      }
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        throw new DataError(`${what}: column '${name}', row ${r} is ${typeof v}; categories must be strings, numbers or booleans`);
      }
      if (typeof v === 'number' && !Number.isFinite(v)) throw new DataError(`${what}: column '${name}', row ${r} is ${v}; categories must be finite`);
      if (kind === undefined) kind = typeof v;
      else if (typeof v !== kind) {
        throw new DataError(`${what}: column '${name}' mixes ${kind}s and ${typeof v}s (row ${r} is ${quote(v)}); convert the column to one type`);
      }
      out[r] = v;
    }
    columns.push(out);
  });
  return { rows: frame.numRows, names: [...frame.columnNames], named: frame.named, columns };
}

/** Sorted distinct values (missing last). */
export function uniqueCategories(values: readonly Category[]): Category[] {
  return [...new Set(values)].sort(compareCategories);
}

/** Validates user-given categories: one list per column, no duplicates. */
export function checkGivenCategories(what: string, given: readonly (readonly Category[])[], names: readonly string[]): Category[][] {
  if (given.length !== names.length) {
    throw new ParamError(`${what}: categories has ${given.length} lists but X has ${names.length} columns (${names.join(', ')})`);
  }
  return given.map((list, c) => {
    if (new Set(list).size !== list.length) throw new ParamError(`${what}: categories for column '${names[c]}' contain duplicates`);
    return [...list];
  });
}
