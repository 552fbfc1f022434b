/**
 * Hyper-parameter spaces: exhaustive grids and random samples. Candidates are plain objects, so a
 * flow can fan them out as foreach items and store them as artifacts.
 */
import { ParamError } from '../core/errors.js';
import { Random } from '../core/random.js';

/** One candidate: parameter name → value. */
export type ParamSet = Record<string, unknown>;

/** Parameter name → the values to try. A list of grids is searched one after another. */
export type ParamGrid = Readonly<Record<string, readonly unknown[]>>;

/** A random distribution of parameter values. */
export interface Distribution<T = unknown> {
  readonly kind: string;
  sample(rng: Random): T;
}

/** Uniform on [low, high). */
export function uniform(low: number, high: number): Distribution<number> {
  if (!(Number.isFinite(low) && Number.isFinite(high) && low < high)) throw new ParamError(`uniform: needs finite low < high, got ${low}, ${high}`);
  return { kind: 'uniform', sample: (rng) => rng.uniform(low, high) };
}

/** Log-uniform on [low, high): uniform in log space (learning rates, regularization strengths). */
export function logUniform(low: number, high: number): Distribution<number> {
  if (!(low > 0 && Number.isFinite(high) && low < high)) throw new ParamError(`logUniform: needs 0 < low < high, got ${low}, ${high}`);
  const a = Math.log(low);
  const b = Math.log(high);
  return { kind: 'logUniform', sample: (rng) => Math.exp(rng.uniform(a, b)) };
}

/** Uniform integer in [low, high) (high excluded, like scipy's randint). */
export function randInt(low: number, high: number): Distribution<number> {
  if (!(Number.isInteger(low) && Number.isInteger(high) && low < high)) throw new ParamError(`randInt: needs integers low < high, got ${low}, ${high}`);
  return { kind: 'randInt', sample: (rng) => low + rng.int(high - low) };
}

/** One of the values, each equally likely. */
export function choice<T>(values: readonly T[]): Distribution<T> {
  if (values.length === 0) throw new ParamError('choice: needs at least one value');
  return { kind: 'choice', sample: (rng) => values[rng.int(values.length)]! };
}

function isDistribution(v: unknown): v is Distribution {
  return typeof v === 'object' && v !== null && typeof (v as Distribution).sample === 'function';
}

function asGrids<T>(space: T | readonly T[], what: string): readonly T[] {
  const grids = Array.isArray(space) ? (space as readonly T[]) : [space as T];
  if (grids.length === 0) throw new ParamError(`${what}: the parameter space is empty`);
  grids.forEach((g, i) => {
    if (typeof g !== 'object' || g === null || Array.isArray(g)) throw new ParamError(`${what}: grid ${i} must be an object of parameter → values`);
  });
  return grids;
}

/**
 * Every combination of the grid's values. Deterministic order, as sklearn's ParameterGrid: names
 * sorted, the last name varying fastest; a list of grids is expanded in order.
 */
export function parameterGrid<P extends ParamSet = ParamSet>(space: ParamGrid | readonly ParamGrid[]): P[] {
  const out: P[] = [];
  for (const grid of asGrids(space, 'parameterGrid')) {
    const keys = Object.keys(grid).sort();
    for (const k of keys) {
      const values = grid[k];
      if (!Array.isArray(values) || values.length === 0) {
        throw new ParamError(`parameterGrid: parameter '${k}' needs a non-empty list of values, got ${JSON.stringify(values)}`);
      }
    }
    const counters = new Array<number>(keys.length).fill(0);
    for (;;) {
      const params: ParamSet = {};
      keys.forEach((k, i) => (params[k] = grid[k]![counters[i]!]));
      out.push(params as P);
      let i = keys.length - 1;
      while (i >= 0 && ++counters[i]! === grid[keys[i]!]!.length) counters[i--] = 0;
      if (i < 0) break;
    }
  }
  return out;
}

/** Parameter name → a list (sampled uniformly) or a {@link Distribution}. */
export type ParamDistributions = Readonly<Record<string, readonly unknown[] | Distribution>>;

/**
 * `nIter` random candidates, as sklearn's ParameterSampler: when every parameter is a list, samples
 * the grid without replacement (all of it if smaller than nIter); otherwise draws each parameter
 * independently (names in sorted order) for every candidate.
 */
export function sampleParameters<P extends ParamSet = ParamSet>(
  space: ParamDistributions | readonly ParamDistributions[],
  nIter: number,
  seed = 0,
): P[] {
  if (!Number.isInteger(nIter) || nIter < 1) throw new ParamError(`sampleParameters: nIter must be an integer ≥ 1, got ${nIter}`);
  const grids = asGrids(space, 'sampleParameters');
  const rng = new Random(seed);
  const allLists = grids.every((g) => Object.values(g).every((v) => Array.isArray(v)));
  if (allLists) {
    const grid = parameterGrid<P>(grids as readonly ParamGrid[]);
    const picked = rng.permutation(grid.length).subarray(0, Math.min(nIter, grid.length));
    return Array.from(picked, (i) => grid[i]!);
  }
  const out: P[] = [];
  for (let it = 0; it < nIter; it++) {
    const grid = grids[grids.length === 1 ? 0 : rng.int(grids.length)]!;
    const params: ParamSet = {};
    for (const k of Object.keys(grid).sort()) {
      const v = grid[k]!;
      if (isDistribution(v)) params[k] = v.sample(rng);
      else if (Array.isArray(v) && v.length > 0) params[k] = v[rng.int(v.length)];
      else throw new ParamError(`sampleParameters: parameter '${k}' needs a non-empty list or a distribution (uniform, logUniform, randInt, choice)`);
    }
    out.push(params as P);
  }
  return out;
}
