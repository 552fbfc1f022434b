/**
 * k-means clustering — scikit-learn's `KMeans` with Lloyd iterations, greedy k-means++ seeding,
 * several seeded restarts (`nInit`) keeping the lowest inertia, and a tolerance relative to the
 * data's variance.
 */
import { DataError, ParamError } from '../core/errors.js';
import { registerModel } from '../core/estimator.js';
import { Matrix, toMatrix, type MatrixLike } from '../core/matrix.js';
import { Random } from '../core/random.js';
import { sqDist } from '../linear/kernels.js';
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
    const rng = new Random(this.options.seed);
    let best: Run | undefined;
    for (let r = 0; r < nInit; r++) {
      const runRng = rng.fork();
      const init = explicit
        ? explicit.data.slice()
        : this.options.init === 'random'
          ? randomInit(m, k, runRng)
          : kMeansPlusPlus(m, k, runRng);
      const run = lloyd(m, init, k, this.options.maxIter, tol);
      if (!best || run.inertia < best.inertia) best = run;
    }
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
  while (iter < maxIter) {
    iter++;
    assign(m, centers, k, labels, dist);
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
  // Labels were computed against the previous centres; refresh them (a no-op after strict convergence).
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
