/**
 * Brute-force k-nearest-neighbour search: one pass over the training rows per query, keeping the
 * k best in a bounded max-heap (O(n log k) per query, no full sort). Ties in distance go to the
 * lower training index, so results are deterministic.
 *
 * Euclidean search (p = 2) ranks by ‖t‖² − 2·q·t, computed four queries at a time (each training
 * row is loaded once per four queries), then recomputes the k winners' distances exactly. Callers
 * centre the data first so the expansion loses no precision to large offsets.
 */
import { Matrix } from '../core/matrix.js';
import { dot4, rowNorms, sqDist } from '../linear/kernels.js';

export interface Neighbours {
  /** queries × k distances, nearest first. */
  readonly distances: Matrix;
  /** queries × k training-row indices, row-major, matching `distances`. */
  readonly indices: Int32Array;
}

/** A max-heap of the k best (distance, index) pairs seen so far; worse = farther, then higher index. */
class BoundedHeap {
  readonly dist: Float64Array;
  readonly idx: Int32Array;
  size = 0;
  constructor(readonly k: number) {
    this.dist = new Float64Array(k);
    this.idx = new Int32Array(k);
  }

  /** Offers a candidate; indices must arrive in increasing order (so equal distances keep the earlier). */
  push(v: number, i: number): void {
    const { dist, idx, k } = this;
    if (this.size < k) {
      let c = this.size++;
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (dist[parent]! > v || (dist[parent] === v && idx[parent]! > i)) break;
        dist[c] = dist[parent]!;
        idx[c] = idx[parent]!;
        c = parent;
      }
      dist[c] = v;
      idx[c] = i;
    } else if (v < dist[0]!) {
      this.siftDown(v, i, k);
    }
  }

  /** {@link push}, then returns the distance a candidate must beat from now on (∞ until full). */
  offer(v: number, i: number): number {
    this.push(v, i);
    return this.size < this.k ? Infinity : this.dist[0]!;
  }

  /** Places (v, i) at the root and restores the heap over the first `end` slots. */
  private siftDown(v: number, i: number, end: number): void {
    const { dist, idx } = this;
    let c = 0;
    while (true) {
      const left = 2 * c + 1;
      if (left >= end) break;
      const right = left + 1;
      let worst = left;
      if (right < end && (dist[right]! > dist[left]! || (dist[right] === dist[left] && idx[right]! > idx[left]!))) worst = right;
      if (dist[worst]! < v || (dist[worst] === v && idx[worst]! < i)) break;
      dist[c] = dist[worst]!;
      idx[c] = idx[worst]!;
      c = worst;
    }
    dist[c] = v;
    idx[c] = i;
  }

  /** Empties the heap into out[off..off+k) nearest first. */
  drain(outIdx: Int32Array, off: number): void {
    for (let end = this.size - 1; end >= 0; end--) {
      outIdx[off + end] = this.idx[0]!;
      this.siftDown(this.dist[end]!, this.idx[end]!, end);
    }
    this.size = 0;
  }
}

/** Minkowski distance to the power p (p = 2: squared Euclidean), the quantity ranked. */
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

/**
 * The k nearest training rows of every query row. `trainNorms` (squared row norms of `train`)
 * may be passed to avoid recomputing them on every call.
 */
export function kNearest(train: Matrix, queries: Matrix, k: number, p: number, trainNorms?: Float64Array): Neighbours {
  const q = queries.rows;
  const d = train.cols;
  const outIdx = new Int32Array(q * k);
  const heaps = [new BoundedHeap(k), new BoundedHeap(k), new BoundedHeap(k), new BoundedHeap(k)];
  let r = 0;
  if (p === 2) {
    const tn = trainNorms ?? rowNorms(train.data, train.rows, d);
    const q4 = q - (q & 3);
    for (; r < q4; r += 4) {
      euclideanBlock(train.data, tn, train.rows, d, queries.data, r, heaps);
      for (let s = 0; s < 4; s++) heaps[s]!.drain(outIdx, (r + s) * k);
    }
  }
  const heap = heaps[0]!;
  for (; r < q; r++) {
    for (let i = 0; i < train.rows; i++) heap.push(powDist(queries.data, r * d, train.data, i * d, d, p), i);
    heap.drain(outIdx, r * k);
  }
  // Exact distances for the winners (re-ordered if the fast ranking left near-ties out of order).
  const outDist = new Float64Array(q * k);
  for (let row = 0; row < q; row++) {
    const base = row * k;
    for (let j = 0; j < k; j++) outDist[base + j] = rootP(powDist(queries.data, row * d, train.data, outIdx[base + j]! * d, d, p), p);
    for (let j = 1; j < k; j++) {
      const v = outDist[base + j]!;
      const i = outIdx[base + j]!;
      let at = j - 1;
      while (at >= 0 && (outDist[base + at]! > v || (outDist[base + at] === v && outIdx[base + at]! > i))) {
        outDist[base + at + 1] = outDist[base + at]!;
        outIdx[base + at + 1] = outIdx[base + at]!;
        at--;
      }
      outDist[base + at + 1] = v;
      outIdx[base + at + 1] = i;
    }
  }
  return { distances: new Matrix(q, k, outDist), indices: outIdx };
}

/** Ranks every training row for queries r..r+3 by ‖t‖² − 2·q·t (‖q‖² is the same for all t). */
function euclideanBlock(t: Float64Array, tn: Float64Array, n: number, d: number, qd: Float64Array, r: number, heaps: BoundedHeap[]): void {
  const dots = new Float64Array(4);
  const h0 = heaps[0]!;
  const h1 = heaps[1]!;
  const h2 = heaps[2]!;
  const h3 = heaps[3]!;
  // Current k-th best per query, kept in locals: almost every candidate fails this one compare.
  let w0 = Infinity;
  let w1 = Infinity;
  let w2 = Infinity;
  let w3 = Infinity;
  const q0 = r * d;
  for (let i = 0; i < n; i++) {
    dot4(qd, q0, t, i * d, d, dots, 0);
    const ti = tn[i]!;
    const v0 = ti - 2 * dots[0]!;
    const v1 = ti - 2 * dots[1]!;
    const v2 = ti - 2 * dots[2]!;
    const v3 = ti - 2 * dots[3]!;
    if (v0 < w0) w0 = h0.offer(v0, i);
    if (v1 < w1) w1 = h1.offer(v1, i);
    if (v2 < w2) w2 = h2.offer(v2, i);
    if (v3 < w3) w3 = h3.offer(v3, i);
  }
}

/** Column means of an n × d row-major array. */
export function columnMeans(a: Float64Array, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += a[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  return mean;
}

/** A copy of m with `mean` subtracted from every row. */
export function centred(m: Matrix, mean: Float64Array): Matrix {
  const { rows, cols, data } = m;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = data[i * cols + j]! - mean[j]!;
  return new Matrix(rows, cols, out, m.columns);
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

