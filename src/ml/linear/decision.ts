/** Linear scores X·Wᵀ + b and the label decoding shared by the linear classifiers. */
import type { Label } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { sigmoid } from './math.js';
import { argmax } from './validate.js';

/** rows × k scores; `coef` is k × d row-major. */
export function linearScores(x: Matrix, coef: Float64Array, intercept: Float64Array, k: number): Matrix {
  const { rows, cols: d, data } = x;
  const out = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) {
    const off = i * d;
    for (let c = 0; c < k; c++) {
      const w = c * d;
      let z = intercept[c]!;
      for (let j = 0; j < d; j++) z += data[off + j]! * coef[w + j]!;
      out[i * k + c] = z;
    }
  }
  return new Matrix(rows, k, out);
}

/** Labels from scores: one column means binary (score > 0 → classes[1]), else argmax. */
export function labelsFromScores(scores: Matrix, classes: readonly Label[]): Label[] {
  const out: Label[] = new Array<Label>(scores.rows);
  const k = scores.cols;
  for (let i = 0; i < scores.rows; i++) {
    out[i] = k === 1 ? classes[scores.data[i]! > 0 ? 1 : 0]! : classes[argmax(scores.data, i * k, k)]!;
  }
  return out;
}

/** One-vs-rest probabilities: sigmoid per class, normalised per row (binary: [1-p, p]). */
export function ovrProbabilities(scores: Matrix): Matrix {
  const k = scores.cols;
  const rows = scores.rows;
  if (k === 1) {
    const out = new Float64Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      const p = sigmoid(scores.data[i]!);
      out[2 * i] = 1 - p;
      out[2 * i + 1] = p;
    }
    return new Matrix(rows, 2, out);
  }
  const out = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const p = sigmoid(scores.data[i * k + c]!);
      out[i * k + c] = p;
      sum += p;
    }
    for (let c = 0; c < k; c++) out[i * k + c] = sum > 0 ? out[i * k + c]! / sum : 1 / k;
  }
  return new Matrix(rows, k, out);
}
