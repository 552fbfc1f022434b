/**
 * How tracked values are checked and stored, shared by every backend and by the worker-side
 * logging API (so a bad key fails in the step that logged it, not later in the coordinator).
 *
 * Params keep their type: the store holds the text form (what filters compare and what the
 * MLflow API returns) plus the type needed to give the typed value back. Metric values are
 * doubles; NaN is stored as NULL (SQL REAL cannot hold it) and ±Infinity as itself.
 */
import { StoreError } from '../errors.js';

/** Longest key MLflow guarantees (params, metrics, tags). */
export const MAX_KEY_LENGTH = 250;
/** Longest param value text (MLflow's limit). */
export const MAX_PARAM_LENGTH = 6000;
/** Longest tag value (MLflow's limit). */
export const MAX_TAG_LENGTH = 5000;

/** Letters, digits, `_ - . space /`: what MLflow accepts, and what filters can name unquoted. */
const KEY = /^[\w\-. /]+$/;

/** The type recorded next to a param's text. */
export type ParamType = 'string' | 'number' | 'boolean' | 'null' | 'json';

/** A param as stored: the text every consumer compares, and how to get the typed value back. */
export interface EncodedParam {
  readonly text: string;
  readonly type: ParamType;
}

/** A problem with a tracked key or value (names it and says what is allowed). */
export class TrackingValueError extends StoreError {
  override readonly name: string = 'TrackingValueError';
}

/** Returns a message when `key` is not a valid param/metric/tag key, else undefined. */
export function keyProblem(kind: 'param' | 'metric' | 'tag', key: unknown): string | undefined {
  if (typeof key !== 'string') return `${kind} key must be a string, got ${typeof key}`;
  if (key.length === 0) return `${kind} key must not be empty`;
  if (key.length > MAX_KEY_LENGTH) return `${kind} key '${key.slice(0, 40)}…' is ${key.length} characters; the limit is ${MAX_KEY_LENGTH}`;
  if (!KEY.test(key)) return `${kind} key '${key}' may only contain letters, digits, '_', '-', '.', ' ' and '/'`;
  if (key.includes('..') || key.startsWith('/')) return `${kind} key '${key}' must not contain '..' or start with '/'`;
  return undefined;
}

/** Throws {@link TrackingValueError} for an invalid key. */
export function checkKey(kind: 'param' | 'metric' | 'tag', key: unknown): asserts key is string {
  const problem = keyProblem(kind, key);
  if (problem) throw new TrackingValueError(problem);
}

/** The text and type of a param value; throws naming the key when the value has no stored form. */
export function encodeParam(key: string, value: unknown): EncodedParam {
  let encoded: EncodedParam;
  if (typeof value === 'string') encoded = { text: value, type: 'string' };
  else if (typeof value === 'number') encoded = { text: String(value), type: 'number' };
  else if (typeof value === 'boolean') encoded = { text: String(value), type: 'boolean' };
  else if (value === null) encoded = { text: 'null', type: 'null' };
  else if (typeof value === 'object') {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (error) {
      throw new TrackingValueError(`param '${key}' cannot be stored: ${(error as Error).message}; use a string, number, boolean or plain JSON value`);
    }
    if (text === undefined) throw new TrackingValueError(`param '${key}' has no JSON form; use a string, number, boolean or plain JSON value`);
    encoded = { text, type: 'json' };
  } else {
    throw new TrackingValueError(`param '${key}' is a ${typeof value}; use a string, number, boolean or plain JSON value`);
  }
  if (encoded.text.length > MAX_PARAM_LENGTH) {
    throw new TrackingValueError(`param '${key}' is ${encoded.text.length} characters long; the limit is ${MAX_PARAM_LENGTH} (store big values as artifacts)`);
  }
  return encoded;
}

/** The typed value of a stored param. */
export function decodeParam(text: string, type: string): unknown {
  switch (type) {
    case 'number':
      return Number(text);
    case 'boolean':
      return text === 'true';
    case 'null':
      return null;
    case 'json':
      return JSON.parse(text) as unknown;
    default:
      return text;
  }
}

/** Throws unless `value` is a number (NaN and ±Infinity are fine). */
export function checkMetricValue(key: string, value: unknown): asserts value is number {
  if (typeof value !== 'number') {
    throw new TrackingValueError(`metric '${key}' must be a number, got ${typeof value === 'object' ? JSON.stringify(value) : typeof value}`);
  }
}

/** Throws unless `step` is a safe integer. */
export function checkMetricStep(key: string, step: unknown): asserts step is number {
  if (typeof step !== 'number' || !Number.isSafeInteger(step)) {
    throw new TrackingValueError(`metric '${key}': step ${String(step)} must be an integer`);
  }
}

/** Throws unless a tag value is a string within MLflow's limit. */
export function checkTagValue(key: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new TrackingValueError(`tag '${key}' value must be a string, got ${typeof value}`);
  if (value.length > MAX_TAG_LENGTH) throw new TrackingValueError(`tag '${key}' value is ${value.length} characters; the limit is ${MAX_TAG_LENGTH}`);
}

/** A metric value for a SQL column: NaN becomes NULL. */
export function metricToSql(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

/** A metric value from a SQL column: NULL is NaN (PostgreSQL may hand back strings). */
export function metricFromSql(value: number | string | null): number {
  if (value === null) return NaN;
  return typeof value === 'number' ? value : Number(value);
}

/** Names a model, alias or registry key: what the registry accepts. */
const REGISTRY_NAME = /^[A-Za-z0-9_][\w\-.]*$/;

/** Throws unless `name` is a valid model or alias name. */
export function checkRegistryName(kind: 'model' | 'alias', name: unknown): asserts name is string {
  if (typeof name !== 'string' || !REGISTRY_NAME.test(name) || name.length > 256) {
    throw new TrackingValueError(
      `${kind} name ${JSON.stringify(name)} is not valid: use letters, digits, '_', '-' and '.', starting with a letter, digit or '_' (at most 256 characters)`,
    );
  }
  if (kind === 'alias' && /^v\d+$/i.test(name)) {
    throw new TrackingValueError(`alias name '${name}' looks like a version reference (v<number>); choose another name`);
  }
  if (kind === 'alias' && name.toLowerCase() === 'latest') {
    throw new TrackingValueError(`alias name 'latest' is reserved (models:/name/latest is the newest version); choose another name`);
  }
}
