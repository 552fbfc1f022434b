/**
 * Synthetic datasets with the same meaning as scikit-learn's `make_classification`,
 * `make_regression` and `make_blobs` (same algorithm, not the same random stream).
 *
 * Every generator is deterministic in `seed` (default 0). Each phase (structure, features,
 * label noise, shuffling) draws from its own stream forked from the seed, so changing e.g.
 * `flipY` leaves X and the row order unchanged.
 */
import { ParamError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { Random } from '../core/random.js';
import { checkInt, checkNumber, perFeature } from './params.js';

export interface MakeClassificationOptions {
  /** Number of rows. Default 100. */
  readonly nSamples?: number;
  /** Total number of features. Default 20. */
  readonly nFeatures?: number;
  /** Features that carry the class signal (clusters live on a hypercube in this subspace). Default 2. */
  readonly nInformative?: number;
  /** Random linear combinations of the informative features. Default 2. */
  readonly nRedundant?: number;
  /** Copies of informative/redundant features, drawn with replacement. Default 0. */
  readonly nRepeated?: number;
  /** Default 2. */
  readonly nClasses?: number;
  /** Gaussian clusters per class. Default 2. */
  readonly nClustersPerClass?: number;
  /**
   * Class proportions: `nClasses` values, or `nClasses - 1` with the last inferred as 1 − sum.
   * Values are normalised to sum to 1. Default: balanced.
   */
  readonly weights?: readonly number[];
  /** Fraction of rows whose label is replaced by a uniformly random class (may equal the original). Default 0.01. */
  readonly flipY?: number;
  /** Half the hypercube side; larger is easier. Default 1. */
  readonly classSep?: number;
  /** Clusters on hypercube vertices (true) or on a random polytope (false). Default true. */
  readonly hypercube?: boolean;
  /** Added to every feature (scalar or per feature); `null` draws one per feature in [−classSep, classSep]. Default 0. */
  readonly shift?: number | ArrayLike<number> | null;
  /** Multiplies every feature after shifting; `null` draws one per feature in [1, 101). Default 1. */
  readonly scale?: number | ArrayLike<number> | null;
  /** Shuffle rows and columns. Default true. Without it columns are [informative, redundant, repeated, noise]. */
  readonly shuffle?: boolean;
  /** Default 0. */
  readonly seed?: number;
}

export interface ClassificationData {
  readonly x: Matrix;
  /** Class index 0..nClasses-1 per row. */
  readonly y: Int32Array;
}

const MC = 'makeClassification';

/**
 * A random n-class classification problem (Guyon's Madelon design, as in scikit-learn):
 * Gaussian clusters with random covariance around hypercube vertices, plus redundant,
 * repeated and pure-noise features, and `flipY` label noise.
 */
export function makeClassification(options: MakeClassificationOptions = {}): ClassificationData {
  const nSamples = checkInt(MC, 'nSamples', options.nSamples ?? 100, 1);
  const nFeatures = checkInt(MC, 'nFeatures', options.nFeatures ?? 20, 1);
  const nInformative = checkInt(MC, 'nInformative', options.nInformative ?? 2, 1);
  const nRedundant = checkInt(MC, 'nRedundant', options.nRedundant ?? 2, 0);
  const nRepeated = checkInt(MC, 'nRepeated', options.nRepeated ?? 0, 0);
  const nClasses = checkInt(MC, 'nClasses', options.nClasses ?? 2, 1);
  const nClustersPerClass = checkInt(MC, 'nClustersPerClass', options.nClustersPerClass ?? 2, 1);
  const flipY = checkNumber(MC, 'flipY', options.flipY ?? 0.01, { min: 0, max: 1 });
  const classSep = checkNumber(MC, 'classSep', options.classSep ?? 1, { min: 0, exclusiveMin: true });
  const hypercube = options.hypercube ?? true;
  const seed = options.seed ?? 0;

  if (nInformative + nRedundant + nRepeated > nFeatures) {
    throw new ParamError(
      `${MC}: nInformative + nRedundant + nRepeated = ${nInformative} + ${nRedundant} + ${nRepeated} = ` +
        `${nInformative + nRedundant + nRepeated} exceeds nFeatures = ${nFeatures}`,
    );
  }
  const nClusters = nClasses * nClustersPerClass;
  // log2 avoids overflowing 2 ** nInformative.
  if (nInformative < Math.log2(nClusters)) {
    throw new ParamError(
      `${MC}: nClasses × nClustersPerClass = ${nClasses} × ${nClustersPerClass} = ${nClusters} clusters need ` +
        `at least ${Math.ceil(Math.log2(nClusters))} informative features (2^nInformative hypercube vertices), got nInformative = ${nInformative}`,
    );
  }
  const weights = classWeights(options.weights, nClasses);

  const root = new Random(seed);
  const structureRng = root.fork();
  const featureRng = root.fork();
  const flipRng = root.fork();
  const shuffleRng = root.fork();

  // Samples per cluster (cluster k belongs to class k % nClasses); leftovers go round-robin.
  const perCluster = new Array<number>(nClusters);
  let assigned = 0;
  for (let k = 0; k < nClusters; k++) {
    // The epsilon keeps 1 − 0.9 = 0.0999… from losing a row to floating-point error.
    perCluster[k] = Math.floor((nSamples * weights[k % nClasses]!) / nClustersPerClass + 1e-9);
    assigned += perCluster[k]!;
  }
  for (let i = 0; i < nSamples - assigned; i++) perCluster[i % nClusters]!++;

  const centroids = hypercubeVertices(nClusters, nInformative, structureRng);
  for (let i = 0; i < centroids.length; i++) centroids[i] = centroids[i]! * 2 * classSep - classSep;
  if (!hypercube) {
    const rowFactor = Array.from({ length: nClusters }, () => structureRng.random());
    const colFactor = Array.from({ length: nInformative }, () => structureRng.random());
    for (let k = 0; k < nClusters; k++) {
      for (let j = 0; j < nInformative; j++) centroids[k * nInformative + j]! *= rowFactor[k]! * colFactor[j]!;
    }
  }

  const x = new Float64Array(nSamples * nFeatures);
  const y = new Int32Array(nSamples);
  const z = new Float64Array(nInformative);
  let row = 0;
  for (let k = 0; k < nClusters; k++) {
    // Random covariance: informative features of the cluster are N(0, I) · A, A uniform in [−1, 1].
    const a = uniformMatrix(nInformative, nInformative, structureRng);
    for (let n = 0; n < perCluster[k]!; n++, row++) {
      y[row] = k % nClasses;
      for (let j = 0; j < nInformative; j++) z[j] = featureRng.normal();
      const base = row * nFeatures;
      for (let j = 0; j < nInformative; j++) {
        let s = centroids[k * nInformative + j]!;
        for (let i = 0; i < nInformative; i++) s += z[i]! * a[i * nInformative + j]!;
        x[base + j] = s;
      }
    }
  }

  if (nRedundant > 0) {
    const b = uniformMatrix(nInformative, nRedundant, structureRng);
    for (let r = 0; r < nSamples; r++) {
      const base = r * nFeatures;
      for (let j = 0; j < nRedundant; j++) {
        let s = 0;
        for (let i = 0; i < nInformative; i++) s += x[base + i]! * b[i * nRedundant + j]!;
        x[base + nInformative + j] = s;
      }
    }
  }

  if (nRepeated > 0) {
    const n = nInformative + nRedundant;
    const source = Array.from({ length: nRepeated }, () => Math.floor((n - 1) * structureRng.random() + 0.5));
    for (let r = 0; r < nSamples; r++) {
      const base = r * nFeatures;
      for (let j = 0; j < nRepeated; j++) x[base + n + j] = x[base + source[j]!]!;
    }
  }

  const firstUseless = nInformative + nRedundant + nRepeated;
  for (let r = 0; r < nSamples; r++) {
    for (let j = firstUseless; j < nFeatures; j++) x[r * nFeatures + j] = featureRng.normal();
  }

  if (flipY > 0) {
    for (let r = 0; r < nSamples; r++) {
      if (flipRng.random() < flipY) y[r] = flipRng.int(nClasses);
    }
  }

  const shift =
    options.shift === null
      ? Float64Array.from({ length: nFeatures }, () => (2 * structureRng.random() - 1) * classSep)
      : perFeature(MC, 'shift', options.shift ?? 0, nFeatures, (v, what) => checkNumber(MC, what, v));
  const scale =
    options.scale === null
      ? Float64Array.from({ length: nFeatures }, () => 1 + 100 * structureRng.random())
      : perFeature(MC, 'scale', options.scale ?? 1, nFeatures, (v, what) =>
          checkNumber(MC, what, v, { min: 0, exclusiveMin: true }),
        );
  for (let r = 0; r < nSamples; r++) {
    for (let j = 0; j < nFeatures; j++) {
      const i = r * nFeatures + j;
      x[i] = (x[i]! + shift[j]!) * scale[j]!;
    }
  }

  if (options.shuffle ?? true) return shuffled(x, y, nSamples, nFeatures, shuffleRng);
  return { x: new Matrix(nSamples, nFeatures, x), y };
}

/** Normalised class weights from the user's `weights` (nClasses or nClasses − 1 values). */
function classWeights(weights: readonly number[] | undefined, nClasses: number): number[] {
  if (weights === undefined) return new Array<number>(nClasses).fill(1 / nClasses);
  if (weights.length !== nClasses && weights.length !== nClasses - 1) {
    throw new ParamError(
      `${MC}: weights has ${weights.length} values, expected nClasses (${nClasses}) or nClasses − 1 (${nClasses - 1})`,
    );
  }
  weights.forEach((w, i) => checkNumber(MC, `weights[${i}]`, w, { min: 0 }));
  const full = [...weights];
  if (full.length === nClasses - 1) {
    const rest = 1 - full.reduce((s, w) => s + w, 0);
    if (rest < -1e-12) {
      throw new ParamError(`${MC}: weights sum to ${1 - rest} > 1, so the inferred last class weight would be negative`);
    }
    full.push(Math.max(0, rest));
  }
  const total = full.reduce((s, w) => s + w, 0);
  if (total <= 0) throw new ParamError(`${MC}: weights sum to 0; at least one class needs a positive weight`);
  return full.map((w) => w / total);
}

/**
 * `count` distinct vertices of the unit hypercube in `dims` dimensions, row-major 0/1 values.
 * Beyond 30 dimensions the extra coordinates are random bits (distinctness comes from the last 30).
 */
function hypercubeVertices(count: number, dims: number, rng: Random): Float64Array {
  const out = new Float64Array(count * dims);
  const low = Math.min(dims, 30);
  const high = dims - low;
  const chosen = sampleWithoutReplacement(2 ** low, count, rng);
  for (let k = 0; k < count; k++) {
    for (let j = 0; j < high; j++) out[k * dims + j] = rng.int(2);
    const code = chosen[k]!;
    // Most significant bit first, like numpy's unpackbits.
    for (let j = 0; j < low; j++) out[k * dims + high + j] = Math.floor(code / 2 ** (low - 1 - j)) % 2;
  }
  return out;
}

/** `k` distinct integers from [0, n) in random order (Floyd's algorithm: O(k) memory). */
function sampleWithoutReplacement(n: number, k: number, rng: Random): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (let j = n - k; j < n; j++) {
    const t = rng.int(j + 1);
    const pick = seen.has(t) ? j : t;
    seen.add(pick);
    out.push(pick);
  }
  return rng.shuffle(out);
}

function uniformMatrix(rows: number, cols: number, rng: Random): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = 2 * rng.random() - 1;
  return out;
}

/** Permutes rows (x and y together) and columns. */
function shuffled(x: Float64Array, y: Int32Array, rows: number, cols: number, rng: Random): ClassificationData {
  const rowOrder = rng.permutation(rows);
  const colOrder = rng.permutation(cols);
  const outX = new Float64Array(rows * cols);
  const outY = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const src = rowOrder[r]!;
    outY[r] = y[src]!;
    for (let c = 0; c < cols; c++) outX[r * cols + c] = x[src * cols + colOrder[c]!]!;
  }
  return { x: new Matrix(rows, cols, outX), y: outY };
}

export interface MakeRegressionOptions {
  /** Default 100. */
  readonly nSamples?: number;
  /** Default 100. */
  readonly nFeatures?: number;
  /** Features with a non-zero coefficient (capped at nFeatures). Default 10. */
  readonly nInformative?: number;
  /** Default 1. */
  readonly nTargets?: number;
  /** Intercept added to every target. Default 0. */
  readonly bias?: number;
  /** Standard deviation of Gaussian noise added to y. Default 0. */
  readonly noise?: number;
  /** Shuffle rows and columns (coef follows the columns). Default true. */
  readonly shuffle?: boolean;
  /** Default 0. */
  readonly seed?: number;
}

export interface RegressionData {
  /** nSamples × nFeatures, standard normal. */
  readonly x: Matrix;
  /** Targets, row-major nSamples × nTargets (a plain vector when nTargets = 1). */
  readonly y: Float64Array;
  /** True coefficients, row-major nFeatures × nTargets; zero for non-informative features. */
  readonly coef: Float64Array;
}

const MR = 'makeRegression';

/** A random linear regression problem: y = X·coef + bias + N(0, noise²), with `nInformative` non-zero coefficients in [0, 100). */
export function makeRegression(options: MakeRegressionOptions = {}): RegressionData {
  const nSamples = checkInt(MR, 'nSamples', options.nSamples ?? 100, 1);
  const nFeatures = checkInt(MR, 'nFeatures', options.nFeatures ?? 100, 1);
  const nInformative = Math.min(nFeatures, checkInt(MR, 'nInformative', options.nInformative ?? 10, 0));
  const nTargets = checkInt(MR, 'nTargets', options.nTargets ?? 1, 1);
  const bias = checkNumber(MR, 'bias', options.bias ?? 0);
  const noise = checkNumber(MR, 'noise', options.noise ?? 0, { min: 0 });
  const root = new Random(options.seed ?? 0);
  const featureRng = root.fork();
  const coefRng = root.fork();
  const noiseRng = root.fork();
  const shuffleRng = root.fork();

  let x = new Float64Array(nSamples * nFeatures);
  for (let i = 0; i < x.length; i++) x[i] = featureRng.normal();
  let coef = new Float64Array(nFeatures * nTargets);
  for (let i = 0; i < nInformative * nTargets; i++) coef[i] = 100 * coefRng.random();

  let y = new Float64Array(nSamples * nTargets);
  for (let r = 0; r < nSamples; r++) {
    for (let t = 0; t < nTargets; t++) {
      let s = bias;
      for (let j = 0; j < nInformative; j++) s += x[r * nFeatures + j]! * coef[j * nTargets + t]!;
      y[r * nTargets + t] = noise > 0 ? s + noiseRng.normal(0, noise) : s;
    }
  }

  if (options.shuffle ?? true) {
    const rowOrder = shuffleRng.permutation(nSamples);
    const colOrder = shuffleRng.permutation(nFeatures);
    const outX = new Float64Array(x.length);
    const outY = new Float64Array(y.length);
    const outCoef = new Float64Array(coef.length);
    for (let r = 0; r < nSamples; r++) {
      const src = rowOrder[r]!;
      for (let c = 0; c < nFeatures; c++) outX[r * nFeatures + c] = x[src * nFeatures + colOrder[c]!]!;
      outY.set(y.subarray(src * nTargets, (src + 1) * nTargets), r * nTargets);
    }
    for (let c = 0; c < nFeatures; c++) {
      outCoef.set(coef.subarray(colOrder[c]! * nTargets, (colOrder[c]! + 1) * nTargets), c * nTargets);
    }
    x = outX;
    y = outY;
    coef = outCoef;
  }
  return { x: new Matrix(nSamples, nFeatures, x), y, coef };
}

export interface MakeBlobsOptions {
  /** Total rows split evenly across centers, or the number of rows per center. Default 100. */
  readonly nSamples?: number | readonly number[];
  /** Ignored when `centers` gives coordinates. Default 2. */
  readonly nFeatures?: number;
  /** Number of random centers (uniform in `centerBox`) or their coordinates. Default 3 (or one per nSamples entry). */
  readonly centers?: number | readonly (readonly number[])[];
  /** Standard deviation of every blob, or one per center. Default 1. */
  readonly clusterStd?: number | readonly number[];
  /** Bounding box of random centers. Default [−10, 10]. */
  readonly centerBox?: readonly [number, number];
  /** Default true. */
  readonly shuffle?: boolean;
  /** Default 0. */
  readonly seed?: number;
}

export interface BlobsData {
  readonly x: Matrix;
  /** Blob index per row. */
  readonly y: Int32Array;
  /** nCenters × nFeatures. */
  readonly centers: Matrix;
}

const MB = 'makeBlobs';

/** Isotropic Gaussian blobs for clustering and easy classification. */
export function makeBlobs(options: MakeBlobsOptions = {}): BlobsData {
  const samplesOpt = options.nSamples ?? 100;
  const centersOpt = options.centers ?? (typeof samplesOpt === 'number' ? 3 : samplesOpt.length);
  const [boxLow, boxHigh] = options.centerBox ?? [-10, 10];
  checkNumber(MB, 'centerBox[0]', boxLow);
  checkNumber(MB, 'centerBox[1]', boxHigh, { min: boxLow });
  const root = new Random(options.seed ?? 0);
  const centerRng = root.fork();
  const pointRng = root.fork();
  const shuffleRng = root.fork();

  let centers: Matrix;
  if (typeof centersOpt === 'number') {
    const k = checkInt(MB, 'centers', centersOpt, 1);
    const nFeatures = checkInt(MB, 'nFeatures', options.nFeatures ?? 2, 1);
    centers = new Matrix(k, nFeatures);
    for (let i = 0; i < centers.data.length; i++) centers.data[i] = centerRng.uniform(boxLow, boxHigh);
  } else {
    if (centersOpt.length === 0) throw new ParamError(`${MB}: centers is an empty list; give at least one center`);
    centers = Matrix.fromRows(centersOpt, `${MB} centers`);
    centers.data.forEach((v, i) => checkNumber(MB, `centers[${Math.floor(i / centers.cols)}][${i % centers.cols}]`, v));
  }
  const k = centers.rows;
  const nFeatures = centers.cols;

  let counts: number[];
  if (typeof samplesOpt === 'number') {
    const n = checkInt(MB, 'nSamples', samplesOpt, 1);
    counts = Array.from({ length: k }, (_, i) => Math.floor(n / k) + (i < n % k ? 1 : 0));
  } else {
    if (samplesOpt.length !== k) {
      throw new ParamError(`${MB}: nSamples lists ${samplesOpt.length} counts but there are ${k} centers; give one count per center`);
    }
    counts = samplesOpt.map((c, i) => checkInt(MB, `nSamples[${i}]`, c, 0));
  }
  const stds =
    typeof options.clusterStd === 'object'
      ? options.clusterStd
      : new Array<number>(k).fill(options.clusterStd ?? 1);
  if (stds.length !== k) {
    throw new ParamError(`${MB}: clusterStd has ${stds.length} values but there are ${k} centers; give one per center`);
  }
  stds.forEach((s, i) => checkNumber(MB, typeof options.clusterStd === 'object' ? `clusterStd[${i}]` : 'clusterStd', s, { min: 0 }));

  const total = counts.reduce((s, c) => s + c, 0);
  if (total === 0) throw new ParamError(`${MB}: nSamples adds up to 0 rows`);
  const x = new Float64Array(total * nFeatures);
  const y = new Int32Array(total);
  let row = 0;
  for (let c = 0; c < k; c++) {
    for (let n = 0; n < counts[c]!; n++, row++) {
      y[row] = c;
      for (let j = 0; j < nFeatures; j++) x[row * nFeatures + j] = pointRng.normal(centers.get(c, j), stds[c]!);
    }
  }
  if (!(options.shuffle ?? true)) return { x: new Matrix(total, nFeatures, x), y, centers };
  const order = shuffleRng.permutation(total);
  const outX = new Float64Array(x.length);
  const outY = new Int32Array(total);
  for (let r = 0; r < total; r++) {
    outY[r] = y[order[r]!]!;
    outX.set(x.subarray(order[r]! * nFeatures, (order[r]! + 1) * nFeatures), r * nFeatures);
  }
  return { x: new Matrix(total, nFeatures, outX), y: outY, centers };
}
