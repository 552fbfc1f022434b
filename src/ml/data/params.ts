/** Parameter checks shared by the dataset generators; each error names the function and the parameter. */
import { ParamError } from '../core/errors.js';

/** An integer ≥ `min`. */
export function checkInt(fn: string, name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new ParamError(`${fn}: ${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

/** A finite number within [min, max] (bounds optional; `exclusiveMin` makes the lower bound open). */
export function checkNumber(
  fn: string,
  name: string,
  value: number,
  range: { readonly min?: number; readonly max?: number; readonly exclusiveMin?: boolean } = {},
): number {
  const { min, max, exclusiveMin = false } = range;
  const tooLow = min !== undefined && (exclusiveMin ? value <= min : value < min);
  const tooHigh = max !== undefined && value > max;
  if (typeof value !== 'number' || !Number.isFinite(value) || tooLow || tooHigh) {
    const lo = min === undefined ? '' : `${exclusiveMin ? '>' : '≥'} ${min}`;
    const hi = max === undefined ? '' : `≤ ${max}`;
    const bounds = [lo, hi].filter(Boolean).join(' and ');
    throw new ParamError(`${fn}: ${name} must be a finite number${bounds ? ` ${bounds}` : ''}, got ${String(value)}`);
  }
  return value;
}

/** A scalar or a per-feature vector of finite numbers, expanded to `length` values. */
export function perFeature(
  fn: string,
  name: string,
  value: number | ArrayLike<number>,
  length: number,
  check: (v: number, what: string) => void,
): Float64Array {
  if (typeof value === 'number') {
    check(value, name);
    return new Float64Array(length).fill(value);
  }
  if (value.length !== length) {
    throw new ParamError(`${fn}: ${name} has ${value.length} values, expected one per feature (${length})`);
  }
  const out = Float64Array.from(value);
  out.forEach((v, i) => check(v, `${name}[${i}]`));
  return out;
}
