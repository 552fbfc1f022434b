import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deserialize, serialize } from 'node:v8';
import { MLError, ParamError } from '../../../src/ml/core/errors.js';
import type { Label } from '../../../src/ml/core/estimator.js';
import { Matrix } from '../../../src/ml/core/matrix.js';
import { makePipeline, StandardScaler } from '../../../src/ml/preprocess/index.js';
import { Random } from '../../../src/ml/core/random.js';
import {
  aggregateResults,
  choice,
  crossValidate,
  fitAndScore,
  flattenResults,
  GridSearch,
  KFold,
  logUniform,
  parameterGrid,
  randInt,
  RandomSearch,
  rankScores,
  sampleParameters,
  uniform,
} from '../../../src/ml/selection/index.js';

/** Predicts 1 when x ≥ threshold; fit only records the classes and the training size. */
class ThresholdClassifier {
  classes: Label[] | undefined;
  nTrain = 0;
  constructor(readonly threshold: number) {}
  fit(x: number[][], y: readonly Label[]): this {
    this.classes = [...new Set(y)].sort();
    this.nTrain = x.length;
    return this;
  }
  predict(x: number[][]): number[] {
    return x.map((row) => (row[0]! >= this.threshold ? 1 : 0));
  }
}

/** Predicts the mean of the training targets. */
class MeanRegressor {
  mean = 0;
  fit(_x: number[][], y: ArrayLike<number>): this {
    this.mean = Array.from(y).reduce((a, b) => a + b, 0) / y.length;
    return this;
  }
  predict(x: number[][] | Matrix): Float64Array {
    return new Float64Array(x instanceof Matrix ? x.rows : x.length).fill(this.mean);
  }
}

// 20 samples, x = 0..19, class 1 from x = 7: threshold 7 is perfect.
const x = Array.from({ length: 20 }, (_, i) => [i]);
const y = x.map(([v]) => (v! >= 7 ? 1 : 0));
const makeEstimator = (p: { threshold: number }): ThresholdClassifier => new ThresholdClassifier(p.threshold);

void describe('parameter spaces', () => {
  void it('parameterGrid: sorted names, the last varying fastest; lists of grids in order', () => {
    assert.deepEqual(parameterGrid({ b: [1, 2], a: ['x', 'y', 'z'] }), [
      { a: 'x', b: 1 },
      { a: 'x', b: 2 },
      { a: 'y', b: 1 },
      { a: 'y', b: 2 },
      { a: 'z', b: 1 },
      { a: 'z', b: 2 },
    ]);
    assert.equal(parameterGrid([{ k: [1, 2, 3] }, { k: [9], m: [true, false] }]).length, 5);
    assert.throws(() => parameterGrid({ k: [] }), (e: unknown) => e instanceof ParamError && /parameter 'k' needs a non-empty list/.test(e.message));
  });

  void it('sampleParameters draws from distributions within range, reproducibly', () => {
    const space = { lr: logUniform(1e-4, 1e-1), depth: randInt(2, 5), frac: uniform(0.5, 1), kind: choice(['gini', 'entropy']) };
    const a = sampleParameters(space, 50, 42);
    assert.deepEqual(a, sampleParameters(space, 50, 42));
    for (const p of a) {
      assert.ok((p.lr as number) >= 1e-4 && (p.lr as number) < 1e-1);
      assert.ok([2, 3, 4].includes(p.depth as number));
      assert.ok((p.frac as number) >= 0.5 && (p.frac as number) < 1);
      assert.ok(['gini', 'entropy'].includes(p.kind as string));
    }
    assert.deepEqual(new Set(a.map((p) => p.depth)), new Set([2, 3, 4]));
    assert.ok(logUniform(1, 100).sample(new Random(1)) >= 1);
  });

  void it('sampleParameters samples an all-list space without replacement', () => {
    const picked = sampleParameters({ a: [1, 2, 3], b: ['x', 'y'] }, 4, 1);
    assert.equal(new Set(picked.map((p) => JSON.stringify(p))).size, 4);
    assert.equal(sampleParameters({ a: [1, 2, 3] }, 10).length, 3);
    assert.throws(() => sampleParameters({ a: [1] }, 0), /nIter must be an integer ≥ 1/);
  });
});

void describe('fitAndScore and crossValidate', () => {
  void it('runs one unit: fit on train rows, score on test rows, plain-data result', () => {
    const r = fitAndScore({
      makeEstimator,
      params: { threshold: 2 },
      x,
      y,
      train: Int32Array.from([0, 1, 2, 3, 10, 11]),
      test: Int32Array.from([4, 5, 6, 7]),
      scoring: ['accuracy', 'f1'],
      returnTrainScore: true,
      fold: 3,
      candidate: 1,
    });
    // Test x = 4, 5, 6, 7 → predicted all 1, true 0, 0, 0, 1.
    assert.deepEqual(r.testScores, { accuracy: 0.25, f1: 2 / 5 });
    assert.deepEqual(r.trainScores, { accuracy: 4 / 6, f1: 2 / 3 });
    assert.equal(r.fold, 3);
    assert.equal(r.candidate, 1);
    assert.equal(r.nTrain, 6);
    assert.ok(r.fitTime >= 0 && r.scoreTime >= 0);
    assert.deepEqual(deserialize(serialize(r)), r);
  });

  void it('records a failing fit with errorScore, or rethrows with raise', () => {
    const failing = (): ThresholdClassifier => {
      throw new ParamError('ThresholdClassifier: threshold must be finite');
    };
    const task = { makeEstimator: failing, params: {}, x, y, train: [0, 1], test: [2], scoring: 'accuracy' } as const;
    const r = fitAndScore(task);
    assert.ok(Number.isNaN(r.testScores.accuracy!));
    assert.match(r.error!, /ParamError: ThresholdClassifier: threshold must be finite/);
    assert.throws(() => fitAndScore({ ...task, errorScore: 'raise' }), ParamError);
    assert.equal(fitAndScore({ ...task, errorScore: 0 }).testScores.accuracy, 0);
  });

  void it('crossValidate: per-fold scores, mean and population std (regression by hand)', () => {
    const ys = [1, 2, 3, 4, 5, 6];
    const res = crossValidate(() => new MeanRegressor(), ys.map((v) => [v]), ys, { cv: 3, scoring: 'neg_mse' });
    // Folds (KFold for a regressor): test [1,2] vs mean 4.5; [3,4] vs 3.5; [5,6] vs 2.5.
    assert.deepEqual(res.testScores.neg_mse, [-9.25, -0.25, -9.25]);
    assert.equal(res.meanTestScore.neg_mse, -6.25);
    assert.equal(res.stdTestScore.neg_mse, Math.sqrt(18));
    assert.equal(res.fitTime.length, 3);
  });

  void it('crossValidate treats a pipeline ending in a regressor as a regressor (KFold, r2)', () => {
    const ys = [1, 2, 3, 4, 5, 6];
    const res = crossValidate(() => makePipeline(new StandardScaler(), new MeanRegressor()), ys.map((v) => [v]), ys, { cv: 3 });
    assert.deepEqual(res.scoring, ['r2']);
    // Fold [1,2] vs 4.5: SS_res 18.5, SS_tot 0.5 → -36; fold [3,4] vs 3.5 → 0; fold [5,6] vs 2.5 → -36.
    assert.deepEqual(res.testScores.r2, [-36, 0, -36]);
  });

  void it('crossValidate defaults to stratified folds and accuracy for classifiers', () => {
    const res = crossValidate(() => new ThresholdClassifier(7), x, y, { cv: 4, returnTrainScore: true });
    assert.deepEqual(res.scoring, ['accuracy']);
    assert.deepEqual(res.testScores.accuracy, [1, 1, 1, 1]);
    assert.deepEqual(res.meanTrainScore, { accuracy: 1 });
    assert.throws(() => crossValidate(() => { throw new Error('boom'); }, x, y), /boom/);
  });
});

void describe('GridSearch and RandomSearch', () => {
  void it('GridSearch picks the perfect threshold, ranks ties with the lowest rank, and refits', () => {
    const search = new GridSearch({ makeEstimator, space: { threshold: [2, 7, 12] }, scoring: 'accuracy' }).fit(x, y);
    const r = search.results!;
    // Equal fold sizes (4): the mean accuracy is the overall accuracy. Thresholds 2 and 12 miss 5 of 20.
    assert.deepEqual(r.candidates.map((c) => c.meanTestScore), [0.75, 1, 0.75]);
    assert.deepEqual(r.candidates.map((c) => c.rankTestScore), [2, 1, 2]);
    assert.deepEqual(search.bestParams, { threshold: 7 });
    assert.equal(search.bestScore, 1);
    assert.equal(search.bestIndex, 1);
    const best = search.bestEstimator as ThresholdClassifier;
    assert.equal(best.threshold, 7);
    assert.equal(best.nTrain, 20);
    assert.deepEqual(search.predict([[6], [7]]), [0, 1]);
  });

  void it('plan + runUnit fanned out and gathered in any order aggregate to the same table', () => {
    const search = new GridSearch({ makeEstimator, space: { threshold: [2, 7, 12] }, cv: new KFold({ nSplits: 4, shuffle: true, seed: 1 }) });
    const units = search.plan(x, y);
    assert.equal(units.length, 12);
    // Simulate foreach tasks: units and their results cross a process boundary as structured clones.
    const outputs = units.map((u) => deserialize(serialize(search.runUnit(deserialize(serialize(u)) as typeof u, x, y))) as ReturnType<typeof search.runUnit>);
    const table = aggregateResults(outputs.reverse());
    const direct = new GridSearch({ makeEstimator, space: { threshold: [2, 7, 12] }, cv: new KFold({ nSplits: 4, shuffle: true, seed: 1 }) }).fit(x, y).results!;
    assert.deepEqual(table.candidates.map((c) => c.splitTest), direct.candidates.map((c) => c.splitTest));
    assert.deepEqual(table.bestParams, { threshold: 7 });
    const rows = flattenResults(table);
    assert.equal(rows[1]!.param_threshold, 7);
    assert.equal(rows[1]!.mean_test_accuracy, 1);
    assert.equal(rows[1]!.rank_test_accuracy, 1);
    assert.ok('split3_test_accuracy' in rows[0]!);
    assert.equal(search.finish(outputs).bestEstimator, undefined);
  });

  void it('multi-metric search ranks by the refit metric', () => {
    const search = new GridSearch({ makeEstimator, space: { threshold: [0, 7, 19] }, scoring: ['f1', 'accuracy'], refit: 'accuracy', returnTrainScore: true }).fit(x, y);
    assert.equal(search.results!.refitMetric, 'accuracy');
    assert.deepEqual(search.bestParams, { threshold: 7 });
    assert.ok(search.results!.candidates[0]!.meanTrain!.f1! > 0);
    assert.throws(() => new GridSearch({ makeEstimator, space: { threshold: [1] }, scoring: ['f1'], refit: 'accuracy' }), /refit 'accuracy' is not one of the scorers/);
  });

  void it('RandomSearch over a list covering the grid finds the best value', () => {
    const search = new RandomSearch({ makeEstimator, space: { threshold: Array.from({ length: 20 }, (_, i) => i) }, nIter: 20, seed: 3, refit: false }).fit(x, y);
    assert.equal(search.results!.candidates.length, 20);
    assert.deepEqual(search.bestParams, { threshold: 7 });
    assert.equal(search.bestEstimator, undefined);
  });

  void it('aggregateResults explains when every candidate failed', () => {
    const failing = (): ThresholdClassifier =>
      Object.assign(new ThresholdClassifier(1), {
        fit: () => {
          throw new Error('no memory');
        },
      });
    assert.throws(
      () => new GridSearch({ makeEstimator: failing, space: { threshold: [1, 2] }, scoring: 'accuracy', cv: 2 }).fit(x, y),
      (e: unknown) => e instanceof MLError && /no candidate has a accuracy score; the first error was fold 0: Error: no memory/.test(e.message),
    );
  });

  void it('rankScores: highest first, ties share the lowest rank, NaN last', () => {
    assert.deepEqual(rankScores([0.5, 0.9, Number.NaN, 0.9, 0.1]), [3, 1, 5, 1, 4]);
  });
});
