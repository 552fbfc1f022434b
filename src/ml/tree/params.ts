/**
 * Validation and resolution of tree hyper-parameters shared by trees and forests
 * (scikit-learn semantics: integers are counts, values in (0, 1) are fractions).
 */
import { DataError, ParamError } from '../core/errors.js';
import { toMatrix, type Matrix, type MatrixLike } from '../core/matrix.js';

/**
 * How many features to consider per split: `'sqrt'`, `'log2'`, an integer count ≥ 1, a fraction in
 * (0, 1), or `null` for all features. Unlike Python, `1` means one feature (JS has no 1.0); use
 * `null` for all.
 */
export type MaxFeatures = 'sqrt' | 'log2' | number | null;

export function checkInt(owner: string, name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new ParamError(`${owner}: ${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

export function checkNumber(owner: string, name: string, value: number, min: number, max = Infinity, minInclusive = true): number {
  if (typeof value !== 'number' || Number.isNaN(value) || (minInclusive ? value < min : value <= min) || value > max) {
    const range = `${minInclusive ? '[' : '('}${min}, ${max === Infinity ? '∞)' : `${max}]`}`;
    throw new ParamError(`${owner}: ${name} must be a number in ${range}, got ${String(value)}`);
  }
  return value;
}

/** `null`/`undefined` → Infinity; otherwise an integer ≥ 1. */
export function resolveMaxDepth(owner: string, maxDepth: number | null | undefined): number {
  if (maxDepth === null || maxDepth === undefined) return Infinity;
  return checkInt(owner, 'maxDepth', maxDepth, 1);
}

/** Integer ≥ `minInt`, or a fraction in (0, 1) of `rows` (rounded up). */
export function resolveCountOrFraction(owner: string, name: string, value: number, rows: number, minInt: number): number {
  if (typeof value === 'number' && value > 0 && value < 1) return Math.max(minInt, Math.ceil(value * rows));
  if (!Number.isInteger(value) || value < minInt) {
    throw new ParamError(`${owner}: ${name} must be an integer ≥ ${minInt} or a fraction in (0, 1), got ${String(value)}`);
  }
  return value;
}

/** Resolves {@link MaxFeatures} to a count in [1, nFeatures]. */
export function resolveMaxFeatures(owner: string, maxFeatures: MaxFeatures | undefined, nFeatures: number): number {
  if (maxFeatures === null || maxFeatures === undefined) return nFeatures;
  if (maxFeatures === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(nFeatures)));
  if (maxFeatures === 'log2') return Math.max(1, Math.floor(Math.log2(nFeatures)));
  if (typeof maxFeatures === 'number') {
    if (maxFeatures > 0 && maxFeatures < 1) return Math.max(1, Math.floor(maxFeatures * nFeatures));
    if (Number.isInteger(maxFeatures) && maxFeatures >= 1) {
      if (maxFeatures > nFeatures) {
        throw new ParamError(`${owner}: maxFeatures is ${maxFeatures} but X has only ${nFeatures} features`);
      }
      return maxFeatures;
    }
  }
  throw new ParamError(
    `${owner}: maxFeatures must be 'sqrt', 'log2', an integer ≥ 1, a fraction in (0, 1) or null (all), got ${JSON.stringify(maxFeatures)}`,
  );
}

/** Checks that `maxFeatures` has a valid form before the feature count is known. */
export function checkMaxFeatures(owner: string, maxFeatures: MaxFeatures | undefined): void {
  // Any valid form resolves against a huge feature count; the real count is checked at fit.
  resolveMaxFeatures(owner, maxFeatures, Number.MAX_SAFE_INTEGER);
}

export function checkSeed(owner: string, seed: number): number {
  if (!Number.isInteger(seed)) throw new ParamError(`${owner}: seed must be an integer, got ${String(seed)}`);
  return seed;
}

/** Converts prediction input and checks its width against the fitted feature count. */
export function predictInput(owner: string, method: string, x: MatrixLike, nFeatures: number, allowNaN = false): Matrix {
  const m = toMatrix(x, { what: `${owner}.${method} X`, allowNaN });
  if (m.cols !== nFeatures) {
    throw new DataError(`${owner}.${method}: X has ${m.cols} features, but the model was fitted with ${nFeatures}`);
  }
  return m;
}

/** Index of the largest value in `row[offset, offset + k)` (first one on ties, like numpy's argmax). */
export function argmax(values: Float64Array, offset: number, k: number): number {
  let best = 0;
  let bestValue = values[offset]!;
  for (let j = 1; j < k; j++) {
    const v = values[offset + j]!;
    if (v > bestValue) {
      bestValue = v;
      best = j;
    }
  }
  return best;
}
