/** Regression metrics (scikit-learn semantics). */
import { checkNumericPair } from './labels.js';

/** Mean of squared errors. */
export function mse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkNumericPair('mse', yTrue, yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const d = yTrue[i]! - yPred[i]!;
    s += d * d;
  }
  return s / yTrue.length;
}

/** Square root of {@link mse}, in the units of the target. */
export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkNumericPair('rmse', yTrue, yPred);
  return Math.sqrt(mse(yTrue, yPred));
}

/** Mean of absolute errors. */
export function mae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkNumericPair('mae', yTrue, yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += Math.abs(yTrue[i]! - yPred[i]!);
  return s / yTrue.length;
}

/**
 * Coefficient of determination, 1 - SS_res / SS_tot. Like sklearn: a constant yTrue gives 1 for a
 * perfect prediction and 0 otherwise; fewer than two samples give NaN (undefined).
 */
export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkNumericPair('r2', yTrue, yPred);
  const n = yTrue.length;
  if (n < 2) return Number.NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i]!;
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    const t = yTrue[i]!;
    ssRes += (t - yPred[i]!) ** 2;
    ssTot += (t - mean) ** 2;
  }
  return r2FromSums(ssRes, ssTot);
}

/** @internal */
export function r2FromSums(ssRes: number, ssTot: number): number {
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}
