/**
 * Train/test splitting and cross-validation splitters (scikit-learn semantics). Every splitter
 * returns index arrays, so folds are cheap to send to parallel tasks and to apply to any data.
 */
import { DataError, ParamError } from '../core/errors.js';
import type { Label } from '../core/estimator.js';
import { Random } from '../core/random.js';
import { compareLabels } from '../metrics/labels.js';

/** One train/test split as row indices. */
export interface Fold {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/** A cross-validation strategy. `y` is needed by stratified splitters, `groups` by group splitters. */
export interface Splitter {
  readonly nSplits: number;
  split(n: number, y?: ArrayLike<Label>, groups?: ArrayLike<Label>): Fold[];
}

function checkNSplits(who: string, nSplits: number): void {
  if (!Number.isInteger(nSplits) || nSplits < 2) {
    throw new ParamError(`${who}: nSplits must be an integer ≥ 2 (at least one train/test split), got ${nSplits}`);
  }
}

function checkN(who: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new DataError(`${who}.split: n must be the number of samples (an integer ≥ 0), got ${n}`);
}

function checkLength(who: string, what: string, values: ArrayLike<unknown> | undefined, n: number): ArrayLike<Label> {
  if (values === undefined) throw new DataError(`${who}.split: ${what} is required (one value per sample)`);
  if (values.length !== n) throw new DataError(`${who}.split: ${what} has ${values.length} values but there are ${n} samples`);
  return values as ArrayLike<Label>;
}

/** Folds from one fold number per sample; train and test indices ascending. */
function foldsFromAssignment(assignment: Int32Array, nSplits: number): Fold[] {
  const n = assignment.length;
  const sizes = new Int32Array(nSplits);
  for (let i = 0; i < n; i++) sizes[assignment[i]!]!++;
  const tests = Array.from(sizes, (size) => new Int32Array(size));
  const trains = Array.from(sizes, (size) => new Int32Array(n - size));
  const at = new Int32Array(nSplits);
  const trainAt = new Int32Array(nSplits);
  for (let i = 0; i < n; i++) {
    const f = assignment[i]!;
    tests[f]![at[f]!++] = i;
    for (let g = 0; g < nSplits; g++) if (g !== f) trains[g]![trainAt[g]!++] = i;
  }
  return tests.map((test, f) => ({ train: trains[f]!, test }));
}

export interface KFoldOptions {
  /** Number of folds, ≥ 2. Default 5. */
  readonly nSplits?: number;
  /** Shuffle samples before cutting folds. Default false (contiguous folds). */
  readonly shuffle?: boolean;
  /** Seed for the shuffle. Default 0. */
  readonly seed?: number;
}

/** K contiguous folds (the first n % k folds one sample larger), optionally after a shuffle. */
export class KFold implements Splitter {
  readonly nSplits: number;
  readonly shuffle: boolean;
  readonly seed: number;

  constructor(options: KFoldOptions = {}) {
    this.nSplits = options.nSplits ?? 5;
    checkNSplits('KFold', this.nSplits);
    this.shuffle = options.shuffle ?? false;
    this.seed = options.seed ?? 0;
  }

  split(n: number): Fold[] {
    checkN('KFold', n);
    if (this.nSplits > n) {
      throw new ParamError(`KFold: nSplits=${this.nSplits} is greater than the number of samples n=${n}; use nSplits ≤ ${n}`);
    }
    const order = this.shuffle ? new Random(this.seed).permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
    const assignment = new Int32Array(n);
    let start = 0;
    for (let k = 0; k < this.nSplits; k++) {
      const size = Math.floor(n / this.nSplits) + (k < n % this.nSplits ? 1 : 0);
      for (let i = start; i < start + size; i++) assignment[order[i]!] = k;
      start += size;
    }
    return foldsFromAssignment(assignment, this.nSplits);
  }
}

/** Class codes by order of first appearance (sklearn encodes StratifiedKFold classes this way). */
function encodeByFirstAppearance(y: ArrayLike<Label>): { codes: Int32Array; counts: number[] } {
  const sorted = [...new Set(Array.from(y))].sort(compareLabels);
  const firstSeen = new Map<Label, number>();
  for (let i = 0; i < y.length; i++) if (!firstSeen.has(y[i]!)) firstSeen.set(y[i]!, i);
  const byAppearance = [...sorted].sort((a, b) => firstSeen.get(a)! - firstSeen.get(b)!);
  const code = new Map<Label, number>(byAppearance.map((c, i) => [c, i]));
  const codes = Int32Array.from(Array.from(y), (v) => code.get(v)!);
  const counts = new Array<number>(byAppearance.length).fill(0);
  for (const c of codes) counts[c]!++;
  return { codes, counts };
}

/**
 * K folds that keep the class proportions of `y`: each class's samples are dealt to the folds in
 * turn, so per-fold class counts differ by at most one (sklearn's allocation, identical without shuffle).
 */
export class StratifiedKFold implements Splitter {
  readonly nSplits: number;
  readonly shuffle: boolean;
  readonly seed: number;

  constructor(options: KFoldOptions = {}) {
    this.nSplits = options.nSplits ?? 5;
    checkNSplits('StratifiedKFold', this.nSplits);
    this.shuffle = options.shuffle ?? false;
    this.seed = options.seed ?? 0;
  }

  split(n: number, y?: ArrayLike<Label>): Fold[] {
    checkN('StratifiedKFold', n);
    const labels = checkLength('StratifiedKFold', 'y', y, n);
    if (this.nSplits > n) {
      throw new ParamError(`StratifiedKFold: nSplits=${this.nSplits} is greater than the number of samples n=${n}`);
    }
    const { codes, counts } = encodeByFirstAppearance(labels);
    if (counts.every((c) => c < this.nSplits)) {
      throw new ParamError(
        `StratifiedKFold: nSplits=${this.nSplits} is greater than the number of members of every class (largest class: ${Math.max(...counts)}); lower nSplits`,
      );
    }
    const k = counts.length;
    // Deal the class-sorted samples round-robin: fold f gets y_sorted[f], y_sorted[f + nSplits], ...
    const yOrder = Int32Array.from(codes).sort();
    const allocation: number[][] = Array.from({ length: this.nSplits }, () => new Array<number>(k).fill(0));
    for (let i = 0; i < yOrder.length; i++) allocation[i % this.nSplits]![yOrder[i]!]!++;
    const rng = new Random(this.seed);
    const foldsForClass: Int32Array[] = [];
    for (let c = 0; c < k; c++) {
      const list = new Int32Array(counts[c]!);
      let j = 0;
      for (let f = 0; f < this.nSplits; f++) for (let r = 0; r < allocation[f]![c]!; r++) list[j++] = f;
      if (this.shuffle) rng.shuffle(list);
      foldsForClass.push(list);
    }
    // The class's samples, in index order, take its fold list in order.
    const next = new Int32Array(k);
    const assignment = new Int32Array(n);
    for (let i = 0; i < n; i++) assignment[i] = foldsForClass[codes[i]!]![next[codes[i]!]!++]!;
    return foldsFromAssignment(assignment, this.nSplits);
  }
}

/**
 * K folds where all samples of a group land in the same test fold; groups are assigned largest
 * first to the fold with the fewest samples so far, balancing fold sizes.
 */
export class GroupKFold implements Splitter {
  readonly nSplits: number;

  constructor(options: { readonly nSplits?: number } = {}) {
    this.nSplits = options.nSplits ?? 5;
    checkNSplits('GroupKFold', this.nSplits);
  }

  split(n: number, _y?: ArrayLike<Label>, groups?: ArrayLike<Label>): Fold[] {
    checkN('GroupKFold', n);
    const g = checkLength('GroupKFold', 'groups', groups, n);
    const unique = [...new Set(Array.from(g))].sort(compareLabels);
    if (this.nSplits > unique.length) {
      throw new ParamError(`GroupKFold: nSplits=${this.nSplits} is greater than the number of groups (${unique.length}); lower nSplits`);
    }
    const index = new Map<Label, number>(unique.map((v, i) => [v, i]));
    const sizes = new Array<number>(unique.length).fill(0);
    for (let i = 0; i < n; i++) sizes[index.get(g[i]!)!]!++;
    // Largest groups first; ties in sorted group order, so the result is deterministic.
    const order = unique.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
    const foldSize = new Array<number>(this.nSplits).fill(0);
    const groupFold = new Int32Array(unique.length);
    for (const gi of order) {
      let lightest = 0;
      for (let f = 1; f < this.nSplits; f++) if (foldSize[f]! < foldSize[lightest]!) lightest = f;
      foldSize[lightest]! += sizes[gi]!;
      groupFold[gi] = lightest;
    }
    const assignment = Int32Array.from({ length: n }, (_, i) => groupFold[index.get(g[i]!)!]!);
    return foldsFromAssignment(assignment, this.nSplits);
  }
}

export interface TimeSeriesSplitOptions {
  /** Number of splits, ≥ 2. Default 5. */
  readonly nSplits?: number;
  /** Keep at most this many of the most recent samples for training. */
  readonly maxTrainSize?: number;
  /** Samples per test set. Default n / (nSplits + 1), rounded down. */
  readonly testSize?: number;
  /** Samples left out between the end of train and the start of test. Default 0. */
  readonly gap?: number;
}

/** Expanding-window splits for ordered data: each test set follows its training set in time. */
export class TimeSeriesSplit implements Splitter {
  readonly nSplits: number;
  readonly maxTrainSize: number | undefined;
  readonly testSize: number | undefined;
  readonly gap: number;

  constructor(options: TimeSeriesSplitOptions = {}) {
    this.nSplits = options.nSplits ?? 5;
    checkNSplits('TimeSeriesSplit', this.nSplits);
    this.maxTrainSize = options.maxTrainSize;
    this.testSize = options.testSize;
    this.gap = options.gap ?? 0;
    for (const [name, v, min] of [
      ['maxTrainSize', this.maxTrainSize, 1],
      ['testSize', this.testSize, 1],
      ['gap', this.gap, 0],
    ] as const) {
      if (v !== undefined && (!Number.isInteger(v) || v < min)) throw new ParamError(`TimeSeriesSplit: ${name} must be an integer ≥ ${min}, got ${v}`);
    }
  }

  split(n: number): Fold[] {
    checkN('TimeSeriesSplit', n);
    const nFolds = this.nSplits + 1;
    if (nFolds > n) throw new ParamError(`TimeSeriesSplit: nSplits=${this.nSplits} needs at least ${nFolds} samples, got ${n}`);
    const testSize = this.testSize ?? Math.floor(n / nFolds);
    if (n - this.gap - testSize * this.nSplits <= 0) {
      throw new ParamError(`TimeSeriesSplit: nSplits=${this.nSplits} is too many for ${n} samples with testSize=${testSize} and gap=${this.gap}`);
    }
    const range = (from: number, to: number): Int32Array => Int32Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
    const folds: Fold[] = [];
    for (let testStart = n - this.nSplits * testSize; testStart < n; testStart += testSize) {
      const trainEnd = testStart - this.gap;
      const trainStart = this.maxTrainSize !== undefined && this.maxTrainSize < trainEnd ? trainEnd - this.maxTrainSize : 0;
      folds.push({ train: range(trainStart, trainEnd), test: range(testStart, testStart + testSize) });
    }
    return folds;
  }
}

/**
 * sklearn's `_approximate_mode`: splits `draws` among classes proportionally to `counts`, giving
 * leftover draws to the largest remainders (random among ties).
 */
function approximateMode(counts: readonly number[], draws: number, rng: Random): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const continuous = counts.map((c) => (c / total) * draws);
  const floored = continuous.map(Math.floor);
  let need = draws - floored.reduce((a, b) => a + b, 0);
  const remainders = continuous.map((c, i) => c - floored[i]!);
  const values = [...new Set(remainders)].sort((a, b) => b - a);
  for (const value of values) {
    if (need <= 0) break;
    const candidates = rng.shuffle(remainders.flatMap((r, i) => (r === value ? [i] : [])));
    for (const i of candidates.slice(0, need)) floored[i]!++;
    need -= Math.min(need, candidates.length);
  }
  return floored;
}

export interface TrainTestSplitOptions {
  /** Fraction in (0, 1) or an absolute count ≥ 1. Default 0.25 (or the complement of trainSize). */
  readonly testSize?: number;
  /** Fraction in (0, 1) or an absolute count ≥ 1. Default: everything not in test. */
  readonly trainSize?: number;
  /** Labels to stratify by: both sets keep the class proportions. */
  readonly stratify?: ArrayLike<Label>;
  /** Default true. Without shuffle, train is the first rows and test the next ones. */
  readonly shuffle?: boolean;
  readonly seed?: number;
}

function sizeOf(name: string, value: number, n: number, round: (v: number) => number): number {
  if (!(value > 0) || !Number.isFinite(value) || (value >= 1 && !Number.isInteger(value))) {
    throw new ParamError(`trainTestSplit: ${name} must be a fraction in (0, 1) or a whole number of samples ≥ 1, got ${value}`);
  }
  if (value >= 1 && value > n) throw new ParamError(`trainTestSplit: ${name}=${value} is more than the ${n} samples`);
  return value < 1 ? round(value * n) : value;
}

/** Row counts of something to split: a count, a Matrix, a table, rows or labels. */
export function numSamples(data: unknown): number {
  if (typeof data === 'number') return data;
  if (typeof data === 'object' && data !== null) {
    if ('rows' in data && typeof data.rows === 'number') return data.rows;
    if ('numRows' in data && typeof data.numRows === 'number') return data.numRows;
    if ('length' in data && typeof data.length === 'number') return data.length;
  }
  throw new DataError(`cannot count the samples of ${typeof data}; pass a number, a Matrix, a Table or an array`);
}

/**
 * Splits n samples (or the rows of `data`) into train and test indices. Apply them with
 * `takeRows` / `takeLabels` / `applySplit`.
 */
export function trainTestSplit(data: unknown, options: TrainTestSplitOptions = {}): Fold {
  const n = numSamples(data);
  checkN('trainTestSplit', n);
  const shuffle = options.shuffle ?? true;
  let nTest: number;
  let nTrain: number;
  if (options.testSize === undefined && options.trainSize !== undefined) {
    nTrain = sizeOf('trainSize', options.trainSize, n, Math.floor);
    nTest = n - nTrain;
  } else {
    nTest = sizeOf('testSize', options.testSize ?? 0.25, n, Math.ceil);
    nTrain = options.trainSize === undefined ? n - nTest : sizeOf('trainSize', options.trainSize, n, Math.floor);
  }
  if (nTrain + nTest > n) throw new ParamError(`trainTestSplit: trainSize (${nTrain}) + testSize (${nTest}) is more than the ${n} samples`);
  if (nTrain <= 0 || nTest <= 0) {
    throw new ParamError(`trainTestSplit: with ${n} samples this gives ${nTrain} train and ${nTest} test samples; both sets must be non-empty`);
  }
  const range = (from: number, to: number): Int32Array => Int32Array.from({ length: to - from }, (_, i) => from + i);
  if (!shuffle) {
    if (options.stratify) throw new ParamError('trainTestSplit: stratify needs shuffle: true');
    return { train: range(0, nTrain), test: range(nTrain, nTrain + nTest) };
  }
  const rng = new Random(options.seed ?? 0);
  if (!options.stratify) {
    const perm = rng.permutation(n);
    return { train: perm.slice(0, nTrain).sort(), test: perm.slice(nTrain, nTrain + nTest).sort() };
  }
  return stratifiedSplit(checkLength('trainTestSplit', 'stratify', options.stratify, n), nTrain, nTest, rng);
}

function stratifiedSplit(y: ArrayLike<Label>, nTrain: number, nTest: number, rng: Random): Fold {
  const classes = [...new Set(Array.from(y))].sort(compareLabels);
  const members = classes.map(() => [] as number[]);
  const index = new Map<Label, number>(classes.map((c, i) => [c, i]));
  for (let i = 0; i < y.length; i++) members[index.get(y[i]!)!]!.push(i);
  const counts = members.map((m) => m.length);
  const smallest = Math.min(...counts);
  if (smallest < 2) {
    const cls = classes[counts.indexOf(smallest)]!;
    throw new DataError(`trainTestSplit: class ${JSON.stringify(cls)} has only 1 member; stratifying needs at least 2 per class`);
  }
  for (const [name, size] of [
    ['train', nTrain],
    ['test', nTest],
  ] as const) {
    if (size < classes.length) {
      throw new ParamError(`trainTestSplit: the ${name} set (${size} samples) is smaller than the number of classes (${classes.length}); stratifying needs one of each`);
    }
  }
  const nI = approximateMode(counts, nTrain, rng);
  const tI = approximateMode(
    counts.map((c, i) => c - nI[i]!),
    nTest,
    rng,
  );
  const train: number[] = [];
  const test: number[] = [];
  members.forEach((m, c) => {
    const shuffled = rng.shuffle([...m]);
    train.push(...shuffled.slice(0, nI[c]!));
    test.push(...shuffled.slice(nI[c]!, nI[c]! + tI[c]!));
  });
  return { train: Int32Array.from(train).sort(), test: Int32Array.from(test).sort() };
}
