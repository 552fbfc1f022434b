import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, ParamError } from '../../../src/ml/core/errors.js';
import { Matrix } from '../../../src/ml/core/matrix.js';
import {
  applySplit,
  GroupKFold,
  KFold,
  StratifiedKFold,
  takeLabels,
  takeRows,
  TimeSeriesSplit,
  trainTestSplit,
  type Fold,
} from '../../../src/ml/selection/index.js';

const arr = (fold: Fold): { train: number[]; test: number[] } => ({ train: Array.from(fold.train), test: Array.from(fold.test) });

function classCounts(y: readonly number[], idx: Int32Array): Record<number, number> {
  const out: Record<number, number> = {};
  for (const i of idx) out[y[i]!] = (out[y[i]!] ?? 0) + 1;
  return out;
}

void describe('KFold', () => {
  void it('cuts contiguous folds, the first n % k one larger', () => {
    const folds = new KFold({ nSplits: 3 }).split(10).map(arr);
    assert.deepEqual(folds.map((f) => f.test), [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    assert.deepEqual(folds[1]!.train, [0, 1, 2, 3, 7, 8, 9]);
  });

  void it('with shuffle, puts every sample in exactly one test fold, the same way for the same seed', () => {
    const a = new KFold({ nSplits: 4, shuffle: true, seed: 3 }).split(10);
    const seen = a.flatMap((f) => Array.from(f.test)).sort((x, y) => x - y);
    assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(a.map(arr), new KFold({ nSplits: 4, shuffle: true, seed: 3 }).split(10).map(arr));
    assert.notDeepEqual(a.map(arr), new KFold({ nSplits: 4 }).split(10).map(arr));
  });

  void it('names nSplits when it is invalid', () => {
    assert.throws(() => new KFold({ nSplits: 1 }), (e: unknown) => e instanceof ParamError && /KFold: nSplits must be an integer ≥ 2/.test(e.message));
    assert.throws(() => new KFold({ nSplits: 5 }).split(3), (e: unknown) => e instanceof ParamError && /nSplits=5 is greater than the number of samples n=3/.test(e.message));
  });
});

void describe('StratifiedKFold', () => {
  void it('matches sklearn on its documentation example', () => {
    assert.deepEqual(new StratifiedKFold({ nSplits: 2 }).split(4, [0, 0, 1, 1]).map(arr), [
      { train: [1, 3], test: [0, 2] },
      { train: [0, 2], test: [1, 3] },
    ]);
  });

  void it('deals each class round-robin: per-fold class counts differ by at most one', () => {
    const y = [1, 1, 1, 0, 0, 0, 0, 0, 0, 1];
    const folds = new StratifiedKFold({ nSplits: 3 }).split(10, y);
    // By hand (sklearn's allocation): class 1 → folds [0, 0, 1, 2], class 0 → [0, 0, 1, 1, 2, 2].
    assert.deepEqual(folds.map((f) => Array.from(f.test)), [[0, 1, 3, 4], [2, 5, 6], [7, 8, 9]]);
    assert.deepEqual(folds.map((f) => classCounts(y, f.test)), [{ 0: 2, 1: 2 }, { 0: 2, 1: 1 }, { 0: 2, 1: 1 }]);
  });

  void it('keeps balanced class counts with shuffle and string labels', () => {
    const y = Array.from({ length: 23 }, (_, i) => (i % 3 === 0 ? 'a' : i % 3 === 1 ? 'b' : 'c'));
    const folds = new StratifiedKFold({ nSplits: 4, shuffle: true, seed: 7 }).split(23, y);
    for (const cls of ['a', 'b', 'c']) {
      const counts = folds.map((f) => Array.from(f.test).filter((i) => y[i] === cls).length);
      assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `class ${cls}: ${counts.join(', ')}`);
    }
    assert.equal(folds.reduce((n, f) => n + f.test.length, 0), 23);
  });

  void it('needs y and enough members', () => {
    assert.throws(() => new StratifiedKFold().split(10), (e: unknown) => e instanceof DataError && /y is required/.test(e.message));
    assert.throws(() => new StratifiedKFold({ nSplits: 3 }).split(4, [0, 0, 1, 1]), /nSplits=3 is greater than the number of members of every class/);
  });
});

void describe('GroupKFold', () => {
  const groups = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'd'];

  void it('never splits a group and balances fold sizes (largest groups first)', () => {
    const folds = new GroupKFold({ nSplits: 2 }).split(10, undefined, groups);
    // a (4) → fold 0, b (3) → fold 1, c (2) → fold 1 (3 < 4), d (1) → fold 0: sizes 5 and 5.
    assert.deepEqual(folds.map((f) => Array.from(f.test)), [[0, 1, 2, 3, 9], [4, 5, 6, 7, 8]]);
    for (const f of folds) {
      const trainGroups = new Set(Array.from(f.train, (i) => groups[i]));
      for (const i of f.test) assert.ok(!trainGroups.has(groups[i]!), `group ${groups[i]} on both sides`);
    }
  });

  void it('refuses more splits than groups', () => {
    assert.throws(() => new GroupKFold({ nSplits: 5 }).split(10, undefined, groups), (e: unknown) => e instanceof ParamError && /nSplits=5 is greater than the number of groups \(4\)/.test(e.message));
    assert.throws(() => new GroupKFold().split(3), /groups is required/);
  });
});

void describe('TimeSeriesSplit', () => {
  void it('equals sklearn documented example (6 samples, 5 splits)', () => {
    assert.deepEqual(new TimeSeriesSplit().split(6).map(arr), [
      { train: [0], test: [1] },
      { train: [0, 1], test: [2] },
      { train: [0, 1, 2], test: [3] },
      { train: [0, 1, 2, 3], test: [4] },
      { train: [0, 1, 2, 3, 4], test: [5] },
    ]);
  });

  void it('equals sklearn documented examples with testSize 2, with and without a gap', () => {
    assert.deepEqual(new TimeSeriesSplit({ nSplits: 3, testSize: 2 }).split(12).map(arr), [
      { train: [0, 1, 2, 3, 4, 5], test: [6, 7] },
      { train: [0, 1, 2, 3, 4, 5, 6, 7], test: [8, 9] },
      { train: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], test: [10, 11] },
    ]);
    assert.deepEqual(new TimeSeriesSplit({ nSplits: 3, testSize: 2, gap: 2 }).split(12).map(arr), [
      { train: [0, 1, 2, 3], test: [6, 7] },
      { train: [0, 1, 2, 3, 4, 5], test: [8, 9] },
      { train: [0, 1, 2, 3, 4, 5, 6, 7], test: [10, 11] },
    ]);
  });

  void it('caps the training window with maxTrainSize', () => {
    assert.deepEqual(new TimeSeriesSplit({ nSplits: 3, maxTrainSize: 2 }).split(8).map(arr), [
      { train: [0, 1], test: [2, 3] },
      { train: [2, 3], test: [4, 5] },
      { train: [4, 5], test: [6, 7] },
    ]);
  });

  void it('names the bad parameter', () => {
    assert.throws(() => new TimeSeriesSplit({ nSplits: 5 }).split(5), /TimeSeriesSplit: nSplits=5 needs at least 6 samples/);
    assert.throws(() => new TimeSeriesSplit({ gap: -1 }), /gap must be an integer ≥ 0/);
    assert.throws(() => new TimeSeriesSplit({ nSplits: 3, testSize: 3, gap: 2 }).split(10), /too many for 10 samples with testSize=3 and gap=2/);
  });
});

void describe('trainTestSplit', () => {
  void it('sizes like sklearn: test = ceil(testSize·n), train = the rest', () => {
    const s = trainTestSplit(10, { testSize: 0.25, seed: 1 });
    assert.equal(s.test.length, 3);
    assert.equal(s.train.length, 7);
    assert.deepEqual([...s.train, ...s.test].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(arr(trainTestSplit(5, { testSize: 2, shuffle: false })), { train: [0, 1, 2], test: [3, 4] });
  });

  void it('stratifies: both sides keep the class proportions', () => {
    const y = [...new Array<number>(12).fill(0), ...new Array<number>(8).fill(1)];
    const s = trainTestSplit(y, { testSize: 0.25, stratify: y, seed: 5 });
    assert.deepEqual(classCounts(y, s.test), { 0: 3, 1: 2 });
    assert.deepEqual(classCounts(y, s.train), { 0: 9, 1: 6 });
  });

  void it('applies indices to matrices, rows and labels', () => {
    const x = Matrix.fromRows([[0], [10], [20], [30]]);
    const fold = { train: Int32Array.from([3, 1]), test: Int32Array.from([0]) };
    const parts = applySplit(x, Float64Array.from([0, 1, 2, 3]), fold);
    assert.deepEqual(parts.xTrain.toRows(), [[30], [10]]);
    assert.ok(parts.yTrain instanceof Float64Array);
    assert.deepEqual(Array.from(parts.yTrain), [3, 1]);
    assert.deepEqual(takeLabels(['a', 'b', 'c'], [2, 0]), ['c', 'a']);
    assert.deepEqual(takeRows([[1], [2]], [1]), [[2]]);
    assert.throws(() => takeRows(x, [4]), /index 4 at position 0 is outside 0..3/);
  });

  void it('names invalid sizes', () => {
    assert.throws(() => trainTestSplit(10, { testSize: 1.5 }), (e: unknown) => e instanceof ParamError && /testSize must be a fraction/.test(e.message));
    assert.throws(() => trainTestSplit(10, { testSize: 0.5, trainSize: 0.6 }), /more than the 10 samples/);
    assert.throws(() => trainTestSplit(4, { stratify: [0, 0, 0, 1] }), /class 1 has only 1 member/);
  });
});
