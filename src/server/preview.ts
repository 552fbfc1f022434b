/**
 * Artifact previews: a decoded value turned into a small, JSON-safe description the UI renders
 * as text. Scalars as they are; tables as their first rows; typed and numeric arrays as a
 * summary (length, min, max, mean, NaN count) with their first values; anything else as bounded
 * pretty JSON. Nothing here produces markup: the UI renders every string as text.
 */
import { Table } from '../ml/data/table.js';

/** A number JSON can carry: non-finite values become the strings 'NaN', 'Infinity', '-Infinity'. */
export type JsonNumber = number | string;

export type Preview =
  | { readonly kind: 'scalar'; readonly type: string; readonly value: string | number | boolean | null }
  | { readonly kind: 'text'; readonly length: number; readonly text: string; readonly truncated: boolean }
  | { readonly kind: 'json'; readonly type: string; readonly text: string; readonly truncated: boolean }
  | {
      readonly kind: 'table';
      readonly rows: number;
      readonly columns: readonly { readonly name: string; readonly type: string }[];
      readonly head: readonly (readonly (string | JsonNumber | null)[])[];
    }
  | {
      readonly kind: 'numbers';
      readonly type: string;
      readonly length: number;
      readonly min: JsonNumber | null;
      readonly max: JsonNumber | null;
      readonly mean: JsonNumber | null;
      readonly std: JsonNumber | null;
      readonly nan: number;
      readonly head: readonly JsonNumber[];
    }
  | { readonly kind: 'unavailable'; readonly reason: string };

/** Limits of a preview. */
export interface PreviewLimits {
  /** Table rows and array values shown. */
  readonly rows: number;
  /** Longest string shown. */
  readonly stringChars: number;
  /** Longest JSON text. */
  readonly jsonChars: number;
  /** Deepest nesting shown in JSON. */
  readonly depth: number;
  /** Entries per array/object/map shown in JSON. */
  readonly entries: number;
}

export const DEFAULT_LIMITS: PreviewLimits = { rows: 20, stringChars: 20_000, jsonChars: 64 * 1024, depth: 6, entries: 100 };

/** `NaN`, `Infinity`, `-Infinity` as strings; finite numbers as they are. */
export function jsonNumber(x: number): JsonNumber {
  return Number.isFinite(x) ? x : String(x);
}

type NumericArray = ArrayLike<number> & { readonly constructor: { readonly name: string } };

function isNumericTypedArray(value: unknown): value is NumericArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array);
}

function isNumberArray(value: unknown): value is number[] {
  if (!Array.isArray(value) || value.length < 8) return false;
  for (const v of value) if (typeof v !== 'number') return false;
  return true;
}

/** Length, min, max, mean, standard deviation and NaN count of numbers, plus the first few. */
export function summarizeNumbers(values: ArrayLike<number>, type: string, shown: number): Preview {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let count = 0;
  let nan = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) {
      nan++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    count++;
  }
  const mean = count > 0 ? sum / count : NaN;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) squares += (v - mean) * (v - mean);
  }
  const head: JsonNumber[] = [];
  for (let i = 0; i < Math.min(shown, values.length); i++) head.push(jsonNumber(values[i]!));
  return {
    kind: 'numbers',
    type,
    length: values.length,
    min: count > 0 ? jsonNumber(min) : null,
    max: count > 0 ? jsonNumber(max) : null,
    mean: count > 0 ? jsonNumber(mean) : null,
    std: count > 0 ? jsonNumber(Math.sqrt(squares / count)) : null,
    nan,
    head,
  };
}

function tablePreview(table: Table, shown: number): Preview {
  const schema = table.schema();
  const rows = Math.min(shown, table.numRows);
  const columns = schema.map(({ name, type }) => ({ name, type }));
  const head: (string | JsonNumber | null)[][] = [];
  const data = schema.map(({ name }) => table.column(name));
  for (let r = 0; r < rows; r++) {
    head.push(
      data.map((column) => {
        const cell = column[r];
        return typeof cell === 'number' ? jsonNumber(cell) : (cell ?? null);
      }),
    );
  }
  return { kind: 'table', rows: table.numRows, columns, head };
}

/** Short name of a value's type for the JSON preview header. */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (value instanceof Map) return `Map(${value.size})`;
  if (value instanceof Set) return `Set(${value.size})`;
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name && name !== 'Object' ? name : 'object';
  }
  return typeof value;
}

/**
 * A bounded, JSON-safe copy of a value: depth, entries and string lengths capped (a marker says
 * how much was left out); BigInt as `123n`, Dates as ISO strings, Maps as objects (or entry
 * pairs), Sets and typed arrays as arrays, class instances with a `__type` key.
 */
export function boundedJson(value: unknown, limits: PreviewLimits = DEFAULT_LIMITS): unknown {
  const seen = new Set<unknown>();
  const walk = (v: unknown, depth: number): unknown => {
    switch (typeof v) {
      case 'undefined':
        return null;
      case 'number':
        return jsonNumber(v);
      case 'bigint':
        return `${v}n`;
      case 'string':
        return v.length > limits.stringChars ? `${v.slice(0, limits.stringChars)}… (${v.length} characters)` : v;
      case 'boolean':
        return v;
      case 'function':
      case 'symbol':
        return `<${typeof v}>`;
    }
    if (v === null) return null;
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
    if (v instanceof RegExp) return String(v);
    if (v instanceof Error) return { __type: v.name, message: v.message };
    if (seen.has(v)) return '<circular>';
    if (depth >= limits.depth) return `<${typeName(v)}>`;
    seen.add(v);
    try {
      const list = (items: Iterable<unknown>, size: number): unknown[] => {
        const out: unknown[] = [];
        for (const item of items) {
          if (out.length >= limits.entries) {
            out.push(`… ${size - limits.entries} more`);
            break;
          }
          out.push(walk(item, depth + 1));
        }
        return out;
      };
      if (Array.isArray(v)) return list(v, v.length);
      if (v instanceof Set) return list(v, v.size);
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
        const typed = v as unknown as ArrayLike<unknown>;
        return list(Array.from({ length: Math.min(typed.length, limits.entries + 1) }, (_, i) => typed[i]), typed.length);
      }
      const entries: [string, unknown][] =
        v instanceof Map ? [...v.entries()].map(([k, x]) => [typeof k === 'string' ? k : String(boundedJsonKey(k)), x]) : Object.entries(v as object);
      const out: Record<string, unknown> = {};
      const name = (v as object).constructor?.name;
      if (!(v instanceof Map) && name && name !== 'Object') out.__type = name;
      let count = 0;
      for (const [k, x] of entries) {
        if (count++ >= limits.entries) {
          out['…'] = `${entries.length - limits.entries} more`;
          break;
        }
        out[k] = walk(x, depth + 1);
      }
      return out;
    } finally {
      seen.delete(v);
    }
  };
  return walk(value, 0);
}

function boundedJsonKey(key: unknown): string {
  if (typeof key === 'bigint') return `${key}n`;
  try {
    return JSON.stringify(key) ?? String(key);
  } catch {
    return String(key);
  }
}

/** The preview of a decoded value. */
export function previewValue(value: unknown, limits: PreviewLimits = DEFAULT_LIMITS): Preview {
  if (value === null || value === undefined) return { kind: 'scalar', type: String(value), value: null };
  switch (typeof value) {
    case 'number':
      return { kind: 'scalar', type: 'number', value: jsonNumber(value) };
    case 'boolean':
      return { kind: 'scalar', type: 'boolean', value };
    case 'bigint':
      return { kind: 'scalar', type: 'bigint', value: value.toString() };
    case 'string':
      if (value.length <= 200 && !value.includes('\n')) return { kind: 'scalar', type: 'string', value };
      return { kind: 'text', length: value.length, text: value.slice(0, limits.stringChars), truncated: value.length > limits.stringChars };
  }
  if (value instanceof Date) return { kind: 'scalar', type: 'date', value: Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString() };
  if (value instanceof Table) return tablePreview(value, limits.rows);
  if (isNumericTypedArray(value)) return summarizeNumbers(value, `${value.constructor.name}(${value.length})`, limits.rows);
  if (isNumberArray(value)) return summarizeNumbers(value, `Array(${value.length})`, limits.rows);
  const data = boundedJson(value, limits);
  const text = JSON.stringify(data, null, 2) ?? 'null';
  const truncated = text.length > limits.jsonChars;
  return { kind: 'json', type: typeName(value), text: truncated ? `${text.slice(0, limits.jsonChars)}\n…` : text, truncated };
}
