import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, NotFittedError, ParamError } from '../../../src/ml/core/errors.js';
import { makeClassification } from '../../../src/ml/data/datasets.js';
import { RandomForestClassifier, RandomForestRegressor } from '../../../src/ml/ensemble/index.js';
import { DecisionTreeClassifier } from '../../../src/ml/tree/index.js';
import { roundTrip, SIX_X, SIX_Y, twoClass } from './helpers.js';

void describe('RandomForestClassifier', () => {
  const data = makeClassification({ nSamples: 300, nFeatures: 8, nInformative: 4, seed: 7 });

  void it('is deterministic for a seed and differs across seeds', () => {
    const a = new RandomForestClassifier({ nEstimators: 10, seed: 1 }).fit(data.x, data.y);
    const b = new RandomForestClassifier({ nEstimators: 10, seed: 1 }).fit(data.x, data.y);
    const c = new RandomForestClassifier({ nEstimators: 10, seed: 2 }).fit(data.x, data.y);
    assert.deepEqual(a.predictProba(data.x).data, b.predictProba(data.x).data);
    assert.notDeepEqual(a.predictProba(data.x).data, c.predictProba(data.x).data);
  });

  void it('builds identical forests with nJobs = 1 and nJobs = 2 (worker threads)', () => {
    const one = new RandomForestClassifier({ nEstimators: 12, seed: 5, nJobs: 1 }).fit(data.x, data.y);
    const two = new RandomForestClassifier({ nEstimators: 12, seed: 5, nJobs: 2 }).fit(data.x, data.y);
    assert.deepEqual(two.trees, one.trees);
    assert.deepEqual(two.predictProba(data.x).data, one.predictProba(data.x).data);
  });

  void it('averages the trees: without bootstrap or feature sampling every tree is the plain CART tree', () => {
    const forest = new RandomForestClassifier({ nEstimators: 3, bootstrap: false, maxFeatures: null, maxDepth: 1 }).fit(SIX_X, SIX_Y);
    const tree = new DecisionTreeClassifier({ maxDepth: 1 }).fit(SIX_X, SIX_Y);
    assert.deepEqual(forest.predictProba(SIX_X).data, tree.predictProba(SIX_X).data);
    // Right leaf (x0 > 3.5) holds labels {1, 1, 0}: probability of class 1 is 2/3.
    assert.ok(Math.abs(forest.predictProba([[5, 0]]).get(0, 1) - 2 / 3) < 1e-12);
  });

  void it('predicts well on a learnable problem, with probabilities summing to 1', () => {
    const { x, y } = twoClass(200, 3);
    const even = (_: unknown, i: number): boolean => i % 2 === 0;
    const odd = (_: unknown, i: number): boolean => i % 2 === 1;
    const rf = new RandomForestClassifier({ nEstimators: 30, seed: 0 }).fit(x.filter(even), y.filter(even));
    const yTest = y.filter(odd);
    const pred = rf.predict(x.filter(odd));
    const acc = pred.filter((p, i) => p === yTest[i]).length / pred.length;
    // 10% of the labels are flipped, so ~0.9 is the ceiling.
    assert.ok(acc >= 0.8, `accuracy ${acc}`);
    const proba = rf.predictProba(x.filter(odd));
    for (let r = 0; r < proba.rows; r++) assert.ok(Math.abs(proba.get(r, 0) + proba.get(r, 1) - 1) < 1e-12);
    const imp = rf.featureImportances;
    assert.ok(Math.abs(imp.reduce((s, v) => s + v, 0) - 1) < 1e-12);
    // x2 carries no signal: it gets the smallest importance.
    assert.ok(imp[2]! < imp[0]! && imp[2]! < imp[1]!);
  });

  void it('round-trips through the artifact codecs with identical predictions', () => {
    const rf = new RandomForestClassifier({ nEstimators: 5, seed: 3 }).fit(data.x, data.y);
    const loaded = roundTrip(rf);
    assert.ok(loaded instanceof RandomForestClassifier);
    assert.deepEqual(loaded.predictProba(data.x).data, rf.predictProba(data.x).data);
    assert.deepEqual(loaded.predict(data.x), rf.predict(data.x));
  });

  void it('reports bad input and parameters', () => {
    assert.throws(() => new RandomForestClassifier().predict(SIX_X), NotFittedError);
    const rf = new RandomForestClassifier({ nEstimators: 2 }).fit(SIX_X, SIX_Y);
    assert.throws(() => rf.predictProba([[1]]), (e: Error) => e instanceof DataError && /1 features.*fitted with 2/.test(e.message));
    assert.throws(() => new RandomForestClassifier({ nEstimators: 0 }), ParamError);
    assert.throws(() => new RandomForestClassifier({ nJobs: 0 }), ParamError);
    assert.throws(() => new RandomForestClassifier({ maxSamples: -1 }), ParamError);
    assert.throws(() => new RandomForestClassifier().fit([[Infinity, 1]], [0]), DataError);
  });
});

void describe('RandomForestRegressor', () => {
  void it('equals a single tree when every tree sees all rows and features', () => {
    const x = [[1], [2], [3], [10], [11], [12]];
    const y = [1, 2, 3, 10, 20, 30];
    const rf = new RandomForestRegressor({ nEstimators: 4, bootstrap: false, maxDepth: 1 }).fit(x, y);
    assert.deepEqual(Array.from(rf.predict([[0], [11.5]])), [4, 25]);
  });

  void it('is deterministic across nJobs and round-trips', () => {
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 80; i++) {
      x.push([i / 80, ((i * 13) % 80) / 80]);
      y.push(Math.sin(i / 10) + x[i]![1]!);
    }
    const one = new RandomForestRegressor({ nEstimators: 6, seed: 9 }).fit(x, y);
    const two = new RandomForestRegressor({ nEstimators: 6, seed: 9, nJobs: 2 }).fit(x, y);
    assert.deepEqual(two.predict(x), one.predict(x));
    assert.deepEqual(roundTrip(one).predict(x), one.predict(x));
  });
});
