/**
 * Input and parameter checks shared by the models in linear/, neighbors/, naive-bayes/, cluster/
 * and neural/. Each check names the estimator and the parameter or shape that is wrong.
 */
import { DataError, NotFittedError, ParamError } from '../core/errors.js';
import { toMatrix, type Matrix, type MatrixLike } from '../core/matrix.js';

/** Converts X for predict-like methods: requires a fitted model and the feature count seen in fit. */
export function predictMatrix(estimator: string, method: string, x: MatrixLike, nFeatures: number | undefined): Matrix {
  if (nFeatures === undefined) throw new NotFittedError(estimator, method);
  const m = toMatrix(x, { what: `${estimator}.${method} X` });
  if (m.cols !== nFeatures) {
    throw new DataError(`${estimator}.${method}: X has ${m.cols} features, but the model was fitted with ${nFeatures}`);
  }
  return m;
}

/** Converts X for fit. */
export function fitMatrix(estimator: string, x: MatrixLike, method = 'fit'): Matrix {
  const m = toMatrix(x, { what: `${estimator}.${method} X` });
  if (m.cols === 0) throw new DataError(`${estimator}.${method}: X has 0 features; need at least 1`);
  return m;
}

/** Throws a ParamError unless `value` is a finite number > 0 (or ≥ 0 when `allowZero`). */
export function checkPositive(estimator: string, name: string, value: number, allowZero = false): void {
  const ok = Number.isFinite(value) && (allowZero ? value >= 0 : value > 0);
  if (!ok) throw new ParamError(`${estimator}: ${name} must be a finite number ${allowZero ? '≥ 0' : '> 0'}, got ${value}`);
}

/** Throws a ParamError unless `value` is an integer ≥ `min`. */
export function checkInt(estimator: string, name: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min) {
    throw new ParamError(`${estimator}: ${name} must be an integer ≥ ${min}, got ${value}`);
  }
}

/** Throws a ParamError unless `value` is one of `allowed`. */
export function checkOneOf<T extends string | null>(estimator: string, name: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) {
    throw new ParamError(
      `${estimator}: ${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
}

/** Throws a DataError when y has fewer than two classes. */
export function checkTwoClasses(estimator: string, classes: readonly unknown[]): void {
  if (classes.length < 2) {
    throw new DataError(`${estimator}.fit: y has only one class (${String(classes[0])}); need at least 2 classes`);
  }
}

/** Index of the largest value in `row[offset .. offset+k)` (first one on ties, like numpy argmax). */
export function argmax(values: ArrayLike<number>, offset: number, k: number): number {
  let best = 0;
  let bestValue = values[offset]!;
  for (let c = 1; c < k; c++) {
    const v = values[offset + c]!;
    if (v > bestValue) {
      bestValue = v;
      best = c;
    }
  }
  return best;
}
