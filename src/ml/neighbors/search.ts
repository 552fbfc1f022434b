/**
 * Brute-force k-nearest-neighbour search: one pass over the training rows per query, keeping the
 * k best in a bounded max-heap (O(n log k) per query, no full sort). Ties in distance go to the
 * lower training index, so results are deterministic.
 */
import { Matrix } from '../core/matrix.js';
import { sqDist } from '../linear/kernels.js';

export interface Neighbours {
  /** queries × k distances, nearest first. */
  readonly distances: Matrix;
  /** queries × k training-row indices, row-major, matching `distances`. */
  readonly indices: Int32Array;
}

/** Minkowski distance to the power p (p = 2: squared Euclidean), the quantity the heap orders by. */
function powDist(a: Float64Array, aOff: number, b: Float64Array, bOff: number, d: number, p: number): number {
  if (p === 2) return sqDist(a, aOff, b, bOff, d);
  let s = 0;
  if (p === 1) {
    for (let j = 0; j < d; j++) s += Math.abs(a[aOff + j]! - b[bOff + j]!);
    return s;
  }
  if (p === Infinity) {
    for (let j = 0; j < d; j++) s = Math.max(s, Math.abs(a[aOff + j]! - b[bOff + j]!));
    return s;
  }
  for (let j = 0; j < d; j++) s += Math.abs(a[aOff + j]! - b[bOff + j]!) ** p;
  return s;
}

function rootP(v: number, p: number): number {
  return p === 2 ? Math.sqrt(v) : p === 1 || p === Infinity ? v : v ** (1 / p);
}

/** The k nearest training rows of every query row. */
export function kNearest(train: Matrix, queries: Matrix, k: number, p: number): Neighbours {
  const n = train.rows;
  const d = train.cols;
  const q = queries.rows;
  const outDist = new Float64Array(q * k);
  const outIdx = new Int32Array(q * k);
  const heapD = new Float64Array(k);
  const heapI = new Int32Array(k);
  const t = train.data;
  const qd = queries.data;
  for (let r = 0; r < q; r++) {
    let size = 0;
    const qOff = r * d;
    for (let i = 0; i < n; i++) {
      const dist = powDist(qd, qOff, t, i * d, d, p);
      if (size < k) {
        // Sift up into the max-heap.
        let c = size++;
        while (c > 0) {
          const parent = (c - 1) >> 1;
          if (heapD[parent]! > dist || (heapD[parent] === dist && heapI[parent]! > i)) break;
          heapD[c] = heapD[parent]!;
          heapI[c] = heapI[parent]!;
          c = parent;
        }
        heapD[c] = dist;
        heapI[c] = i;
      } else if (dist < heapD[0]!) {
        // Replace the worst and sift down (equal distance keeps the earlier index already there).
        let c = 0;
        while (true) {
          const left = 2 * c + 1;
          if (left >= k) break;
          const right = left + 1;
          let worst = left;
          if (right < k && (heapD[right]! > heapD[left]! || (heapD[right] === heapD[left] && heapI[right]! > heapI[left]!))) worst = right;
          if (heapD[worst]! < dist || (heapD[worst] === dist && heapI[worst]! < i)) break;
          heapD[c] = heapD[worst]!;
          heapI[c] = heapI[worst]!;
          c = worst;
        }
        heapD[c] = dist;
        heapI[c] = i;
      }
    }
    // Pop in descending order to fill nearest-first.
    for (let end = size - 1; end >= 0; end--) {
      outDist[r * k + end] = rootP(heapD[0]!, p);
      outIdx[r * k + end] = heapI[0]!;
      const lastD = heapD[end]!;
      const lastI = heapI[end]!;
      let c = 0;
      while (true) {
        const left = 2 * c + 1;
        if (left >= end) break;
        const right = left + 1;
        let worst = left;
        if (right < end && (heapD[right]! > heapD[left]! || (heapD[right] === heapD[left] && heapI[right]! > heapI[left]!))) worst = right;
        if (heapD[worst]! < lastD || (heapD[worst] === lastD && heapI[worst]! < lastI)) break;
        heapD[c] = heapD[worst]!;
        heapI[c] = heapI[worst]!;
        c = worst;
      }
      heapD[c] = lastD;
      heapI[c] = lastI;
    }
  }
  return { distances: new Matrix(q, k, outDist), indices: outIdx };
}

/**
 * Neighbour weights for one query (scikit-learn semantics): 'uniform' → 1; 'distance' → 1/d,
 * except that if any neighbour is at distance 0 only those count (weight 1 each).
 */
export function neighbourWeights(dist: Float64Array, off: number, k: number, weights: 'uniform' | 'distance', out: Float64Array): void {
  if (weights === 'uniform') {
    out.fill(1, 0, k);
    return;
  }
  let anyZero = false;
  for (let j = 0; j < k; j++) if (dist[off + j] === 0) anyZero = true;
  for (let j = 0; j < k; j++) {
    const v = dist[off + j]!;
    out[j] = anyZero ? (v === 0 ? 1 : 0) : 1 / v;
  }
}
