/**
 * Chunks of one fixed classification problem, each chunk drawn from its own seed.
 *
 * `makeClassification` draws the problem itself (cluster centres, covariances, column order) from
 * its seed, so chunks made with different seeds would be different problems and a model could not
 * learn across them. Here the problem comes from `problemSeed` and each chunk's rows from the
 * chunk's seed: the same design (Gaussian clusters on hypercube vertices with random covariance,
 * redundant linear combinations, noise features, label noise), split into structure and samples.
 * Features get very different offsets and scales, so a model needs the scaler.
 */
import { Matrix, Random } from 'sluice/ml';

export interface ProblemOptions {
  readonly nFeatures: number;
  /** Features carrying the class signal. */
  readonly nInformative: number;
  /** Random linear combinations of the informative features. */
  readonly nRedundant: number;
  /** Half the distance between class centres along each differing axis. */
  readonly classSep: number;
  /** Fraction of labels replaced by a random class. */
  readonly flipY: number;
}

/** The structure shared by every chunk (plain data, so it can be an artifact). */
export interface Problem extends ProblemOptions {
  /** 2 × nInformative class centres. */
  readonly centres: Float64Array;
  /** Per class, nInformative × nInformative mixing matrix (the cluster's covariance is AᵀA). */
  readonly mixing: Float64Array;
  /** nInformative × nRedundant. */
  readonly redundant: Float64Array;
  readonly shift: Float64Array;
  readonly scale: Float64Array;
}

/** The problem the example trains on: 6 informative and 4 redundant features, the rest noise. */
export function problemOptions(nFeatures: number): ProblemOptions {
  return { nFeatures, nInformative: 6, nRedundant: 4, classSep: 1.5, flipY: 0.03 };
}

export function makeProblem(seed: number, options: ProblemOptions): Problem {
  const { nFeatures, nInformative, nRedundant, classSep } = options;
  if (nInformative < 1 || nInformative + nRedundant > nFeatures) {
    throw new Error(`makeProblem: nInformative (${nInformative}) + nRedundant (${nRedundant}) must be between 1 and nFeatures (${nFeatures})`);
  }
  const rng = new Random(seed);
  const uniform = (n: number, low: number, high: number): Float64Array => Float64Array.from({ length: n }, () => rng.uniform(low, high));
  // Two distinct hypercube vertices, mapped to ±classSep.
  const centres = new Float64Array(2 * nInformative);
  do {
    for (let i = 0; i < centres.length; i++) centres[i] = rng.int(2) === 1 ? classSep : -classSep;
  } while (centres.subarray(0, nInformative).every((v, j) => v === centres[nInformative + j]));
  return {
    ...options,
    centres,
    mixing: uniform(2 * nInformative * nInformative, -1, 1),
    redundant: uniform(nInformative * nRedundant, -1, 1),
    shift: uniform(nFeatures, -50, 50),
    // Scales between 1 and 1000, log-uniform.
    scale: Float64Array.from({ length: nFeatures }, () => 10 ** rng.uniform(0, 3)),
  };
}

/** `rows` balanced rows of the problem, drawn from `seed` alone. */
export function sampleChunk(problem: Problem, rows: number, seed: number): { x: Matrix; y: Int32Array } {
  const { nFeatures: d, nInformative: k, nRedundant: r, centres, mixing, redundant, shift, scale } = problem;
  const rng = new Random(seed);
  const x = new Float64Array(rows * d);
  const y = new Int32Array(rows);
  const z = new Float64Array(k);
  for (let row = 0; row < rows; row++) {
    const cls = row % 2;
    y[row] = rng.random() < problem.flipY ? rng.int(2) : cls;
    const base = row * d;
    for (let j = 0; j < k; j++) z[j] = rng.normal();
    const a = cls * k * k;
    for (let j = 0; j < k; j++) {
      let s = centres[cls * k + j]!;
      for (let i = 0; i < k; i++) s += z[i]! * mixing[a + i * k + j]!;
      x[base + j] = s;
    }
    for (let j = 0; j < r; j++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += x[base + i]! * redundant[i * r + j]!;
      x[base + k + j] = s;
    }
    for (let j = k + r; j < d; j++) x[base + j] = rng.normal();
    for (let j = 0; j < d; j++) x[base + j] = (x[base + j]! + shift[j]!) * scale[j]!;
  }
  // Rows alternate classes as generated; shuffle so every slice of a chunk is mixed.
  const order = rng.permutation(rows);
  const xs = new Float64Array(rows * d);
  const ys = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const src = order[i]!;
    ys[i] = y[src]!;
    xs.set(x.subarray(src * d, src * d + d), i * d);
  }
  return { x: new Matrix(rows, d, xs), y: ys };
}
