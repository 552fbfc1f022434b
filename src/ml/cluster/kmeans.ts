/**
 * k-means clustering — scikit-learn's `KMeans` with Lloyd iterations, greedy k-means++ seeding,
 * several seeded restarts (`nInit`) keeping the lowest inertia, and a tolerance relative to the
 * data's variance.
 */
import { DataError, ParamError } from '../core/errors.js';
import { registerModel } from '../core/estimator.js';
import { Matrix, toMatrix, type MatrixLike } from '../core/matrix.js';
import { Random } from '../core/random.js';
import { dot4, rowNorms, sqDist } from '../linear/kernels.js';
import { checkInt, checkPositive, fitMatrix, predictMatrix } from '../linear/validate.js';

export interface KMeansOptions {
  /** Number of clusters. Default 8. */
  readonly nClusters?: number;
  /** 'k-means++' (default), 'random' (k distinct rows), or the initial centres as rows. */
  readonly init?: 'k-means++' | 'random' | readonly (readonly number[])[];
  /** Restarts; 'auto' = 1 for k-means++ or given centres, 10 for 'random' (scikit-learn ≥ 1.4). */
  readonly nInit?: number | 'auto';
  /** Lloyd iterations per run. Default 300. */
  readonly maxIter?: number;
  /** Converged when the squared centre shift ≤ tol × mean feature variance. Default 1e-4. */
  readonly tol?: number;
  readonly seed?: number;
}

type Resolved = Required<KMeansOptions>;

export interface KMeansState {
  readonly options: Resolved;
  readonly centers: Float64Array;
  readonly nFeatures: number;
  readonly labels: Int32Array;
  readonly inertia: number;
  readonly nIter: number;
}

const NAME = 'KMeans';

interface Run {
  centers: Float64Array;
  labels: Int32Array;
  inertia: number;
  nIter: number;
}

/** k-means clustering. */
export class KMeans {
  readonly options: Resolved;
  /** nClusters × features. */
  clusterCenters: Matrix | undefined;
  /** Cluster of each training row. */
  labels: Int32Array | undefined;
  /** Sum of squared distances of training rows to their centre. */
  inertia = NaN;
  /** Lloyd iterations of the best run. */
  nIter = 0;

  constructor(options: KMeansOptions = {}) {
    this.options = {
      nClusters: options.nClusters ?? 8,
      init: options.init ?? 'k-means++',
      nInit: options.nInit ?? 'auto',
      maxIter: options.maxIter ?? 300,
      tol: options.tol ?? 1e-4,
      seed: options.seed ?? 0,
    };
    const o = this.options;
    checkInt(NAME, 'nClusters', o.nClusters, 1);
    checkInt(NAME, 'maxIter', o.maxIter, 1);
    checkPositive(NAME, 'tol', o.tol, true);
    if (o.nInit !== 'auto') checkInt(NAME, 'nInit', o.nInit, 1);
    if (typeof o.init === 'string' && o.init !== 'k-means++' && o.init !== 'random') {
      throw new ParamError(`${NAME}: init must be 'k-means++', 'random' or an array of centres, got ${JSON.stringify(o.init)}`);
    }
    if (Array.isArray(o.init) && o.init.length !== o.nClusters) {
      throw new ParamError(`${NAME}: init has ${o.init.length} centres but nClusters is ${o.nClusters}`);
    }
  }

  get nFeatures(): number | undefined {
    return this.clusterCenters?.cols;
  }

  fit(x: MatrixLike): this {
    const m = fitMatrix(NAME, x);
    const k = this.options.nClusters;
    if (m.rows < k) throw new DataError(`${NAME}.fit: X has ${m.rows} rows but nClusters is ${k}; need at least as many rows as clusters`);
    const explicit = typeof this.options.init === 'string' ? undefined : toMatrix(this.options.init as number[][], { what: `${NAME} init` });
    if (explicit && explicit.cols !== m.cols) {
      throw new ParamError(`${NAME}: init centres have ${explicit.cols} features but X has ${m.cols}`);
    }
    const nInit = this.options.nInit === 'auto' ? (this.options.init === 'random' ? 10 : 1) : this.options.nInit;
    const tol = this.options.tol * meanVariance(m);
    // Work on centred data, as scikit-learn does: the fast distance expansion in Lloyd's steps
    // then loses no precision to large offsets. Centres get the mean back at the end.
    const mean = columnMeans(m);
    const xc = centre(m, mean);
    const rng = new Random(this.options.seed);
    let best: Run | undefined;
    for (let r = 0; r < nInit; r++) {
      const runRng = rng.fork();
      const init = explicit
        ? centre(explicit, mean).data
        : this.options.init === 'random'
          ? randomInit(xc, k, runRng)
          : kMeansPlusPlus(xc, k, runRng);
      const run = lloyd(xc, init, k, this.options.maxIter, tol);
      if (!best || run.inertia < best.inertia) best = run;
    }
    const d = m.cols;
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) best!.centers[c * d + j]! += mean[j]!;
    this.clusterCenters = new Matrix(k, m.cols, best!.centers);
    this.labels = best!.labels;
    this.inertia = best!.inertia;
    this.nIter = best!.nIter;
    return this;
  }

  /** Index of the nearest centre for each row. */
  predict(x: MatrixLike): Int32Array {
    const m = predictMatrix(NAME, 'predict', x, this.nFeatures);
    return assign(m, this.clusterCenters!.data, this.options.nClusters, new Int32Array(m.rows)).labels;
  }

  fitPredict(x: MatrixLike): Int32Array {
    return this.fit(x).labels!;
  }

  /** Euclidean distance of each row to each centre (rows × nClusters). */
  transform(x: MatrixLike): Matrix {
    const m = predictMatrix(NAME, 'transform', x, this.nFeatures);
    const k = this.options.nClusters;
    const out = new Float64Array(m.rows * k);
    const c = this.clusterCenters!.data;
    for (let i = 0; i < m.rows; i++) for (let j = 0; j < k; j++) out[i * k + j] = Math.sqrt(sqDist(m.data, i * m.cols, c, j * m.cols, m.cols));
    return new Matrix(m.rows, k, out);
  }

  /** Negative inertia of x under the fitted centres (higher is better, as scikit-learn's score). */
  score(x: MatrixLike): number {
    const m = predictMatrix(NAME, 'score', x, this.nFeatures);
    return -assign(m, this.clusterCenters!.data, this.options.nClusters, new Int32Array(m.rows)).inertia;
  }

  toState(): KMeansState {
    if (!this.clusterCenters) throw new Error(`${NAME}.toState: the model is not fitted`);
    const init = this.options.init;
    return {
      options: { ...this.options, init: typeof init === 'string' ? init : init.map((row) => [...row]) },
      centers: this.clusterCenters.data.slice(),
      nFeatures: this.clusterCenters.cols,
      labels: this.labels!.slice(),
      inertia: this.inertia,
      nIter: this.nIter,
    };
  }

  static fromState(state: KMeansState): KMeans {
    const model = new KMeans(state.options);
    model.clusterCenters = new Matrix(state.options.nClusters, state.nFeatures, state.centers);
    model.labels = state.labels;
    model.inertia = state.inertia;
    model.nIter = state.nIter;
    return model;
  }
}
registerModel(KMeans);

function columnMeans(m: Matrix): Float64Array {
  const { rows: n, cols: d, data } = m;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += data[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  return mean;
}

function centre(m: Matrix, mean: Float64Array): Matrix {
  const { rows: n, cols: d, data } = m;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = data[i * d + j]! - mean[j]!;
  return new Matrix(n, d, out);
}

function meanVariance(m: Matrix): number {
  const { rows: n, cols: d, data } = m;
  let total = 0;
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += data[i * d + j]!;
    const mu = s / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (data[i * d + j]! - mu) ** 2;
    total += v / n;
  }
  return total / d;
}

/** Nearest centre of every row; also the squared distances and their sum. */
function assign(m: Matrix, centers: Float64Array, k: number, labels: Int32Array, dist?: Float64Array): { labels: Int32Array; inertia: number } {
  const { rows: n, cols: d, data } = m;
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestD = Infinity;
    for (let c = 0; c < k; c++) {
      const v = sqDist(data, i * d, centers, c * d, d);
      if (v < bestD) {
        bestD = v;
        best = c;
      }
    }
    labels[i] = best;
    if (dist) dist[i] = bestD;
    inertia += bestD;
  }
  return { labels, inertia };
}

/**
 * Nearest centre of every row by ‖c‖² − 2·x·c, four rows at a time (each centre load serves four
 * rows); `dist` gets the squared distances (approximate, for empty-cluster relocation).
 */
function assignFast(m: Matrix, xNorms: Float64Array, centers: Float64Array, k: number, labels: Int32Array, dist: Float64Array): void {
  const { rows: n, cols: d, data } = m;
  const cNorms = rowNorms(centers, k, d);
  const dots = new Float64Array(4);
  const n4 = n - (n & 3);
  // The leftover rows first: code after the hot loop would lack type feedback when V8 compiles it.
  for (let r = n4; r < n; r++) {
    let best = Infinity;
    let label = 0;
    for (let c = 0; c < k; c++) {
      const v = sqDist(data, r * d, centers, c * d, d);
      if (v < best) {
        best = v;
        label = c;
      }
    }
    labels[r] = label;
    dist[r] = best;
  }
  for (let r = 0; r < n4; r += 4) {
    let b0 = Infinity;
    let b1 = Infinity;
    let b2 = Infinity;
    let b3 = Infinity;
    let l0 = 0;
    let l1 = 0;
    let l2 = 0;
    let l3 = 0;
    for (let c = 0; c < k; c++) {
      dot4(data, r * d, centers, c * d, d, dots, 0);
      const cn = cNorms[c]!;
      const v0 = cn - 2 * dots[0]!;
      const v1 = cn - 2 * dots[1]!;
      const v2 = cn - 2 * dots[2]!;
      const v3 = cn - 2 * dots[3]!;
      if (v0 < b0) {
        b0 = v0;
        l0 = c;
      }
      if (v1 < b1) {
        b1 = v1;
        l1 = c;
      }
      if (v2 < b2) {
        b2 = v2;
        l2 = c;
      }
      if (v3 < b3) {
        b3 = v3;
        l3 = c;
      }
    }
    labels[r] = l0;
    labels[r + 1] = l1;
    labels[r + 2] = l2;
    labels[r + 3] = l3;
    dist[r] = Math.max(0, xNorms[r]! + b0);
    dist[r + 1] = Math.max(0, xNorms[r + 1]! + b1);
    dist[r + 2] = Math.max(0, xNorms[r + 2]! + b2);
    dist[r + 3] = Math.max(0, xNorms[r + 3]! + b3);
  }
}

/** Lloyd iterations until labels stop changing or the squared centre shift ≤ tol. */
function lloyd(m: Matrix, init: Float64Array, k: number, maxIter: number, tol: number): Run {
  const { rows: n, cols: d, data } = m;
  let centers: Float64Array = init;
  let next: Float64Array = new Float64Array(k * d);
  const labels = new Int32Array(n);
  const previous = new Int32Array(n).fill(-1);
  const dist = new Float64Array(n);
  const counts = new Float64Array(k);
  let iter = 0;
  const xNorms = rowNorms(data, n, d);
  while (iter < maxIter) {
    iter++;
    assignFast(m, xNorms, centers, k, labels, dist);
    next.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      counts[c]!++;
      for (let j = 0; j < d; j++) next[c * d + j]! += data[i * d + j]!;
    }
    relocateEmpty(m, labels, dist, next, counts, k);
    let shift = 0;
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) {
        const v = next[c * d + j]! / counts[c]!;
        next[c * d + j] = v;
        shift += (v - centers[c * d + j]!) ** 2;
      }
    }
    [centers, next] = [next, centers];
    let same = true;
    for (let i = 0; i < n; i++) {
      if (labels[i] !== previous[i]) {
        same = false;
        break;
      }
    }
    if (same) break;
    if (shift <= tol) break;
    previous.set(labels);
  }
  // Labels were computed against the previous centres; refresh them with exact distances, which
  // also gives the exact inertia.
  const { inertia } = assign(m, centers, k, labels);
  return { centers, labels, inertia, nIter: iter };
}

/** Gives every empty cluster the row farthest from its own centre (scikit-learn's rule). */
function relocateEmpty(m: Matrix, labels: Int32Array, dist: Float64Array, sums: Float64Array, counts: Float64Array, k: number): void {
  const d = m.cols;
  const empty: number[] = [];
  for (let c = 0; c < k; c++) if (counts[c] === 0) empty.push(c);
  if (empty.length === 0) return;
  const far = Array.from(dist.keys()).sort((a, b) => dist[b]! - dist[a]! || a - b);
  for (let e = 0; e < empty.length; e++) {
    const i = far[e]!;
    const c = empty[e]!;
    const donor = labels[i]!;
    for (let j = 0; j < d; j++) {
      const v = m.data[i * d + j]!;
      sums[donor * d + j]! -= v;
      sums[c * d + j] = v;
    }
    counts[donor]!--;
    counts[c] = 1;
    labels[i] = c;
    dist[i] = 0;
  }
}

function randomInit(m: Matrix, k: number, rng: Random): Float64Array {
  const perm = rng.permutation(m.rows);
  const out = new Float64Array(k * m.cols);
  for (let c = 0; c < k; c++) out.set(m.row(perm[c]!), c * m.cols);
  return out;
}

/** Greedy k-means++: each new centre is the best of 2 + ⌊ln k⌋ candidates drawn ∝ D². */
function kMeansPlusPlus(m: Matrix, k: number, rng: Random): Float64Array {
  const { rows: n, cols: d, data } = m;
  const centers = new Float64Array(k * d);
  const trials = 2 + Math.floor(Math.log(k));
  const first = rng.int(n);
  centers.set(m.row(first), 0);
  let closest = new Float64Array(n);
  let pot = 0;
  for (let i = 0; i < n; i++) {
    closest[i] = sqDist(data, i * d, data, first * d, d);
    pot += closest[i]!;
  }
  const cumsum = new Float64Array(n);
  let candidate = new Float64Array(n);
  let bestDist = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      acc += closest[i]!;
      cumsum[i] = acc;
    }
    let bestPot = Infinity;
    let bestId = 0;
    for (let t = 0; t < trials; t++) {
      const id = Math.min(searchSorted(cumsum, rng.random() * pot), n - 1);
      let candPot = 0;
      for (let i = 0; i < n; i++) {
        const v = Math.min(closest[i]!, sqDist(data, i * d, data, id * d, d));
        candidate[i] = v;
        candPot += v;
      }
      if (candPot < bestPot) {
        bestPot = candPot;
        bestId = id;
        [bestDist, candidate] = [candidate, bestDist];
      }
    }
    centers.set(m.row(bestId), c * d);
    pot = bestPot;
    [closest, bestDist] = [bestDist, closest];
  }
  return centers;
}

/** First index whose cumulative value is ≥ v (numpy's searchsorted, side 'left'). */
function searchSorted(cumsum: Float64Array, v: number): number {
  let lo = 0;
  let hi = cumsum.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumsum[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
