/**
 * Dense least-squares solvers for small numbers of features: Householder QR (stable, no normal
 * equations), an SVD fallback for rank-deficient problems (minimum-norm solution, like numpy's
 * lstsq), and Cholesky for symmetric positive-definite systems (ridge).
 */
import { Matrix as MlMatrix, SingularValueDecomposition } from 'ml-matrix';
import { axpyRow, dotRow } from './kernels.js';

export interface LeastSquaresSolution {
  readonly coef: Float64Array;
  /** Numerical rank of X (columns when full rank). */
  readonly rank: number;
}

/**
 * Minimises ‖X·w − y‖² for row-major X (n × d). Uses QR when X has full column rank, else the
 * minimum-norm solution from the SVD of R (rank cut-off max(n, d)·eps·σ_max, as numpy).
 */
export function leastSquares(x: Float64Array, n: number, d: number, y: Float64Array): LeastSquaresSolution {
  if (n < d) return svdSolve(rowsOf(x, n, d), Array.from(y), Math.max(n, d));
  // Column-major copy: Householder works down columns. Transposed in blocks of rows so the
  // writes stay within a few cache lines per column (a plain loop misses on nearly every write).
  const a = new Float64Array(n * d);
  for (let i0 = 0; i0 < n; i0 += 64) {
    const i1 = Math.min(n, i0 + 64);
    for (let j = 0; j < d; j++) {
      const col = j * n;
      for (let i = i0; i < i1; i++) a[col + i] = x[i * d + j]!;
    }
  }
  const b = Float64Array.from(y);
  const diag = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const col = j * n;
    const norm2 = dotRow(a, col + j, a, col + j, n - j);
    const norm = Math.sqrt(norm2);
    if (norm === 0) {
      diag[j] = 0;
      continue;
    }
    const ajj = a[col + j]!;
    const alpha = ajj > 0 ? -norm : norm;
    a[col + j] = ajj - alpha; // v = column below the diagonal, with v0 = ajj - alpha
    const vNorm2 = norm2 - ajj * ajj + (ajj - alpha) * (ajj - alpha);
    diag[j] = alpha;
    if (vNorm2 === 0) continue;
    const len = n - j;
    for (let c = j + 1; c < d; c++) {
      const cc = c * n;
      axpyRow(a, cc + j, (-2 * dotRow(a, col + j, a, cc + j, len)) / vNorm2, a, col + j, len);
    }
    axpyRow(b, j, (-2 * dotRow(a, col + j, b, j, len)) / vNorm2, a, col + j, len);
  }
  let maxDiag = 0;
  for (let j = 0; j < d; j++) maxDiag = Math.max(maxDiag, Math.abs(diag[j]!));
  const cutoff = maxDiag * Math.max(n, d) * Number.EPSILON;
  let fullRank = maxDiag > 0;
  for (let j = 0; j < d; j++) if (Math.abs(diag[j]!) <= cutoff) fullRank = false;
  // R: diagonal in `diag`, strictly upper part in a[c*n + j] for c > j.
  if (!fullRank) {
    const r: number[][] = [];
    for (let j = 0; j < d; j++) {
      const row = new Array<number>(d).fill(0);
      row[j] = diag[j]!;
      for (let c = j + 1; c < d; c++) row[c] = a[c * n + j]!;
      r.push(row);
    }
    return svdSolve(r, Array.from(b.subarray(0, d)), Math.max(n, d));
  }
  const coef = new Float64Array(d);
  for (let j = d - 1; j >= 0; j--) {
    let s = b[j]!;
    for (let c = j + 1; c < d; c++) s -= a[c * n + j]! * coef[c]!;
    coef[j] = s / diag[j]!;
  }
  return { coef, rank: d };
}

function rowsOf(x: Float64Array, n: number, d: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(x.subarray(i * d, (i + 1) * d)));
  return rows;
}

function svdSolve(rows: number[][], rhs: number[], cutoffScale: number): LeastSquaresSolution {
  const d = rows[0]?.length ?? 0;
  if (rows.length === 0 || d === 0) return { coef: new Float64Array(d), rank: 0 };
  const svd = new SingularValueDecomposition(new MlMatrix(rows), { autoTranspose: true });
  const s = svd.diagonal;
  const u = svd.leftSingularVectors;
  const v = svd.rightSingularVectors;
  const cutoff = (s[0] ?? 0) * cutoffScale * Number.EPSILON;
  const coef = new Float64Array(d);
  let rank = 0;
  for (let k = 0; k < s.length; k++) {
    const sk = s[k]!;
    if (!(sk > cutoff)) continue;
    rank++;
    let proj = 0;
    for (let i = 0; i < rhs.length; i++) proj += u.get(i, k) * rhs[i]!;
    const f = proj / sk;
    for (let j = 0; j < d; j++) coef[j]! += f * v.get(j, k);
  }
  return { coef, rank };
}

/**
 * Solves A·w = b for symmetric positive-definite A (d × d row-major, only read, lower half used).
 * Returns undefined when A is not positive definite.
 */
export function choleskySolve(aIn: Float64Array, d: number, b: Float64Array): Float64Array | undefined {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = aIn[i * d + j]!;
      for (let k = 0; k < j; k++) s -= l[i * d + k]! * l[j * d + k]!;
      if (i === j) {
        if (!(s > 0)) return undefined;
        l[i * d + i] = Math.sqrt(s);
      } else {
        l[i * d + j] = s / l[j * d + j]!;
      }
    }
  }
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * d + k]! * z[k]!;
    z[i] = s / l[i * d + i]!;
  }
  const w = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < d; k++) s -= l[k * d + i]! * w[k]!;
    w[i] = s / l[i * d + i]!;
  }
  return w;
}
