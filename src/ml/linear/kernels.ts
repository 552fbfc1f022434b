/**
 * Inner loops over row-major Float64Array data, unrolled by four with independent accumulators
 * (V8 does not vectorise; breaking the add dependency chain roughly halves the time).
 */

/** Σ_j x[off+j]·w[wOff+j] for j < d. */
export function dotRow(x: Float64Array, off: number, w: Float64Array, wOff: number, d: number): number {
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  let z3 = 0;
  const d4 = d - (d & 3);
  let j = 0;
  for (; j < d4; j += 4) {
    z0 += x[off + j]! * w[wOff + j]!;
    z1 += x[off + j + 1]! * w[wOff + j + 1]!;
    z2 += x[off + j + 2]! * w[wOff + j + 2]!;
    z3 += x[off + j + 3]! * w[wOff + j + 3]!;
  }
  for (; j < d; j++) z0 += x[off + j]! * w[wOff + j]!;
  return z0 + z1 + (z2 + z3);
}

/** g[gOff+j] += r·x[off+j] for j < d. */
export function axpyRow(g: Float64Array, gOff: number, r: number, x: Float64Array, off: number, d: number): void {
  const d4 = d - (d & 3);
  let j = 0;
  for (; j < d4; j += 4) {
    g[gOff + j]! += r * x[off + j]!;
    g[gOff + j + 1]! += r * x[off + j + 1]!;
    g[gOff + j + 2]! += r * x[off + j + 2]!;
    g[gOff + j + 3]! += r * x[off + j + 3]!;
  }
  for (; j < d; j++) g[gOff + j]! += r * x[off + j]!;
}

/** Squared Euclidean distance between a[aOff..aOff+d) and b[bOff..bOff+d). */
export function sqDist(a: Float64Array, aOff: number, b: Float64Array, bOff: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  const d2 = d - (d & 1);
  let j = 0;
  for (; j < d2; j += 2) {
    const u = a[aOff + j]! - b[bOff + j]!;
    const v = a[aOff + j + 1]! - b[bOff + j + 1]!;
    s0 += u * u;
    s1 += v * v;
  }
  if (j < d) {
    const u = a[aOff + j]! - b[bOff + j]!;
    s0 += u * u;
  }
  return s0 + s1;
}

/**
 * Dot products of four consecutive rows of `a` (starting at offset a0, row length d) with one
 * vector b[bOff..bOff+d), written to out[outOff..outOff+4). Sharing each load of b between four
 * rows and running four independent sums is what makes distance and matrix loops fast in V8.
 */
export function dot4(a: Float64Array, a0: number, b: Float64Array, bOff: number, d: number, out: Float64Array, outOff: number): void {
  const a1 = a0 + d;
  const a2 = a1 + d;
  const a3 = a2 + d;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let j = 0; j < d; j++) {
    const v = b[bOff + j]!;
    s0 += a[a0 + j]! * v;
    s1 += a[a1 + j]! * v;
    s2 += a[a2 + j]! * v;
    s3 += a[a3 + j]! * v;
  }
  out[outOff] = s0;
  out[outOff + 1] = s1;
  out[outOff + 2] = s2;
  out[outOff + 3] = s3;
}

/** Squared Euclidean norm of each row of an n × d row-major array. */
export function rowNorms(a: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = dotRow(a, i * d, a, i * d, d);
  return out;
}
