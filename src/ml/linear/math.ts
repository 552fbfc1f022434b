/** Numerically stable scalar helpers for log-loss models. */

/** 1 / (1 + e^-z) without overflow. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** log(1 + e^z) without overflow or loss of precision. */
export function log1pexp(z: number): number {
  if (z > 0) return z + Math.log1p(Math.exp(-z));
  return Math.log1p(Math.exp(z));
}

/**
 * Replaces `v[offset .. offset+k)` by its softmax and returns log Σ e^v (the log-partition),
 * so a caller can get the log-likelihood as `v_y - logSumExp` before the overwrite.
 */
export function softmaxInPlace(v: Float64Array, offset: number, k: number): number {
  let max = -Infinity;
  for (let c = 0; c < k; c++) if (v[offset + c]! > max) max = v[offset + c]!;
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(v[offset + c]! - max);
    v[offset + c] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let c = 0; c < k; c++) v[offset + c]! *= inv;
  return max + Math.log(sum);
}
