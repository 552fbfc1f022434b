/**
 * Reading MLflow requests: GET parameters come from the query string (repeated keys and
 * `key[]` make lists), every other method sends a JSON body. Readers name the parameter that is
 * missing or malformed, as MLflow does.
 */
import type { Context } from 'hono';
import { MlflowError } from './errors.js';

/** The request's parameters as one object. */
export type Params = Readonly<Record<string, unknown>>;

export async function readParams(c: Context): Promise<Params> {
  if (c.req.method === 'GET') {
    const out: Record<string, unknown> = {};
    for (const [rawKey, values] of Object.entries(c.req.queries())) {
      const key = rawKey.replace(/\[\d*\]$/, '');
      const list = [...((out[key] as string[] | undefined) ?? []), ...values];
      out[key] = rawKey !== key || list.length > 1 ? list : list[0];
    }
    return out;
  }
  const text = await c.req.text();
  if (text.trim() === '') return Object.fromEntries(Object.entries(c.req.queries()).map(([k, v]) => [k, v.length > 1 ? v : v[0]]));
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new MlflowError('BAD_REQUEST', `request body is not valid JSON: ${(error as Error).message}`);
  }
  // Older clients double-encode their JSON as a string.
  if (typeof body === 'string') body = JSON.parse(body) as unknown;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new MlflowError('BAD_REQUEST', 'request body must be a JSON object');
  return body as Params;
}

const missing = (name: string): MlflowError =>
  new MlflowError('INVALID_PARAMETER_VALUE', `Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);
const invalid = (name: string, value: unknown, expected: string): MlflowError =>
  new MlflowError('INVALID_PARAMETER_VALUE', `Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied: expected ${expected}.`);

export function requiredString(params: Params, name: string): string {
  const value = params[name];
  if (value === undefined || value === null || value === '') throw missing(name);
  if (typeof value !== 'string') throw invalid(name, value, 'a string');
  return value;
}

export function optionalString(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(name, value, 'a string');
  return value;
}

/** Integers may arrive as numbers or (query strings, int64 in JSON) as strings. */
export function optionalInt(params: Params, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw invalid(name, value, 'an integer');
  return n;
}

export function requiredInt(params: Params, name: string): number {
  const n = optionalInt(params, name);
  if (n === undefined) throw missing(name);
  return n;
}

/** A double: a JSON number, or a string (including 'NaN', 'Infinity', '-Infinity', as protobuf's JSON mapping writes them). */
export function requiredDouble(params: Params, name: string): number {
  const value = params[name];
  if (value === undefined || value === null || value === '') throw missing(name);
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const n = value === 'NaN' ? NaN : value === 'Infinity' ? Infinity : value === '-Infinity' ? -Infinity : Number(value);
    if (!Number.isNaN(n) || value === 'NaN') return n;
  }
  throw invalid(name, value, 'a number');
}

export function optionalStrings(params: Params, name: string): string[] | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (list.some((v) => typeof v !== 'string')) throw invalid(name, value, 'a list of strings');
  return list as string[];
}

/** A list of objects (`metrics`, `params`, `tags` of a batch). */
export function optionalObjects(params: Params, name: string): Record<string, unknown>[] {
  const value = params[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => v === null || typeof v !== 'object')) throw invalid(name, value, 'a list of objects');
  return value as Record<string, unknown>[];
}

/** `[{ key, value }]` → entries, checking each has a string key and value (errors name e.g. `tags[2].value`). */
export function keyValues(params: Params, name: string): { key: string; value: string }[] {
  return optionalObjects(params, name).map((item, i) => {
    const field = (f: 'key' | 'value'): string => {
      const value = item[f];
      if (value === undefined || value === null || (f === 'key' && value === '')) throw missing(`${name}[${i}].${f}`);
      if (typeof value !== 'string') throw invalid(`${name}[${i}].${f}`, value, 'a string');
      return value;
    };
    return { key: field('key'), value: field('value') };
  });
}
