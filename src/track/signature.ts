/**
 * A model's input signature (column names and types, in order), inferred from an example input
 * when the caller gives none. Understands tables (`schema()`), matrices (`rows`/`cols`), arrays of
 * row objects, column objects (`{ age: Float64Array, city: string[] }`) and arrays of numbers.
 */
import type { ModelSignature } from '../store/tracking/types.js';

function typeOfValue(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float64';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'bigint') return 'int64';
  if (value instanceof Date) return 'date';
  if (value === null || value === undefined) return 'unknown';
  return Array.isArray(value) ? 'array' : 'object';
}

function typeOfColumn(column: unknown): string {
  if (ArrayBuffer.isView(column) && !(column instanceof DataView)) {
    const name = column.constructor.name;
    return name.replace(/Array$/, '').replace('Float', 'float').replace('Int', 'int').replace('Uint', 'uint');
  }
  if (Array.isArray(column)) {
    const first = column.find((v) => v !== null && v !== undefined);
    return typeOfValue(first);
  }
  return typeOfValue(column);
}

/** The signature of an example input, or null when its shape is not recognised. */
export function inferSignature(example: unknown): ModelSignature | null {
  if (example === null || typeof example !== 'object') return null;
  const value = example as Record<string, unknown>;
  if (typeof value.schema === 'function' && Array.isArray(value.columnNames)) {
    const schema = (value.schema as () => readonly { name: string; type: string }[])();
    return { inputs: schema.map((c) => ({ name: c.name, type: String(c.type) })) };
  }
  if (typeof value.rows === 'number' && typeof value.cols === 'number') {
    return { inputs: Array.from({ length: value.cols }, (_, j) => ({ name: `x${j}`, type: 'float64' })) };
  }
  if (Array.isArray(example)) {
    const first = example[0] as unknown;
    if (first !== null && typeof first === 'object' && !Array.isArray(first) && !ArrayBuffer.isView(first)) {
      return { inputs: Object.entries(first as Record<string, unknown>).map(([name, v]) => ({ name, type: typeOfValue(v) })) };
    }
    if (Array.isArray(first) || ArrayBuffer.isView(first)) {
      const width = (first as ArrayLike<unknown>).length;
      return { inputs: Array.from({ length: width }, (_, j) => ({ name: `x${j}`, type: typeOfValue((first as ArrayLike<unknown>)[j]) })) };
    }
    return null;
  }
  if (ArrayBuffer.isView(example)) return null;
  const entries = Object.entries(value);
  if (entries.length === 0) return null;
  return { inputs: entries.map(([name, column]) => ({ name, type: typeOfColumn(column) })) };
}

/** Throws naming the problem when a given signature is malformed. */
export function checkSignature(signature: unknown, model: string): asserts signature is ModelSignature {
  const inputs = (signature as { inputs?: unknown } | null)?.inputs;
  if (!Array.isArray(inputs) || inputs.some((c) => typeof (c as { name?: unknown })?.name !== 'string' || typeof (c as { type?: unknown })?.type !== 'string')) {
    throw new TypeError(`model '${model}': signature must be { inputs: [{ name, type }, ...] } (column names and types, in order)`);
  }
}
