import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, NotFittedError, ParamError } from '../../../src/ml/core/errors.js';
import { DecisionTreeClassifier, DecisionTreeRegressor } from '../../../src/ml/tree/index.js';
import { roundTrip, SIX_X, SIX_Y, twoClass } from './helpers.js';

void describe('DecisionTreeClassifier', () => {
  void it('picks the split with the largest gini decrease (worked by hand)', () => {
    // Root: 4 × class 0, 2 × class 1 → gini 1 − (4/6)² − (2/6)² = 4/9.
    // x0 sorted labels 0 0 0 1 1 0: x0 ≤ 3.5 → left {0,0,0} (gini 0), right {1,1,0} (gini 4/9),
    //   weighted 3/6 · 4/9 = 2/9, decrease 4/9 − 2/9 = 2/9 ≈ 0.222 (the best x0 split).
    // x1 sorted labels 0 1 0 0 0 1: best is x1 ≤ 5.5 → left {0,1,0,0,0} (gini 0.32), right {1},
    //   weighted 5/6 · 0.32 = 0.267, decrease 0.178 < 0.222.
    const tree = new DecisionTreeClassifier({ maxDepth: 1 }).fit(SIX_X, SIX_Y);
    const t = tree.tree;
    assert.equal(t.nodeCount, 3);
    assert.equal(t.feature[0], 0);
    assert.equal(t.threshold[0], 3.5);
    assert.ok(Math.abs(t.impurity[0]! - 4 / 9) < 1e-12);
    const left = t.left[0]!;
    const right = t.right[0]!;
    assert.deepEqual(Array.from(t.value.subarray(left * 2, left * 2 + 2)), [1, 0]);
    assert.ok(Math.abs(t.value[right * 2]! - 1 / 3) < 1e-12 && Math.abs(t.value[right * 2 + 1]! - 2 / 3) < 1e-12);
    assert.deepEqual(Array.from(tree.featureImportances), [1, 0]);
    assert.deepEqual(tree.predict([[3.5, 0], [3.6, 0]]), [0, 1]);
    const p = tree.predictProba([[10, 10]]);
    assert.ok(Math.abs(p.get(0, 1) - 2 / 3) < 1e-12);
    assert.equal(tree.depth, 1);
    assert.equal(tree.nLeaves, 2);
  });

  void it('uses entropy when asked (same best split here: decrease 0.459 vs 0.317 for x1)', () => {
    const tree = new DecisionTreeClassifier({ maxDepth: 1, criterion: 'entropy' }).fit(SIX_X, SIX_Y);
    assert.equal(tree.tree.feature[0], 0);
    assert.equal(tree.tree.threshold[0], 3.5);
    const h = -(2 / 3) * Math.log2(2 / 3) - (1 / 3) * Math.log2(1 / 3);
    assert.ok(Math.abs(tree.tree.impurity[0]! - h) < 1e-12);
  });

  void it('grows until pure and fits the training data exactly', () => {
    const { x, y } = twoClass(60);
    const tree = new DecisionTreeClassifier().fit(x, y);
    assert.deepEqual(tree.predict(x), y);
    const sum = tree.featureImportances.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-12);
  });

  void it('respects minSamplesLeaf, minSamplesSplit and maxDepth', () => {
    const { x, y } = twoClass(80, 3);
    for (const minSamplesLeaf of [5, 0.1]) {
      const tree = new DecisionTreeClassifier({ minSamplesLeaf }).fit(x, y);
      const counts = new Map<number, number>();
      for (const leaf of tree.apply(x)) counts.set(leaf, (counts.get(leaf) ?? 0) + 1);
      const min = Math.min(...counts.values());
      assert.ok(min >= (minSamplesLeaf < 1 ? 8 : 5), `smallest leaf has ${min} rows`);
      assert.equal(counts.size, tree.nLeaves);
    }
    const shallow = new DecisionTreeClassifier({ maxDepth: 2 }).fit(x, y);
    assert.ok(shallow.depth <= 2);
    // A node with fewer than minSamplesSplit rows is never split: 80 rows < 81 → a single leaf.
    assert.equal(new DecisionTreeClassifier({ minSamplesSplit: 81 }).fit(x, y).nLeaves, 1);
  });

  void it('handles string labels and keeps classes sorted', () => {
    const y = SIX_Y.map((v) => (v === 1 ? 'yes' : 'no'));
    const tree = new DecisionTreeClassifier({ maxDepth: 1 }).fit(SIX_X, y);
    assert.deepEqual(tree.classes, ['no', 'yes']);
    assert.deepEqual(tree.predict([[1, 1], [6, 6]]), ['no', 'yes']);
  });

  void it('is seeded: maxFeatures sampling repeats with the same seed', () => {
    const { x, y } = twoClass(100, 6);
    const a = new DecisionTreeClassifier({ maxFeatures: 'sqrt', seed: 3 }).fit(x, y);
    const b = new DecisionTreeClassifier({ maxFeatures: 'sqrt', seed: 3 }).fit(x, y);
    assert.deepEqual(a.tree, b.tree);
  });

  void it('round-trips through the artifact codecs with identical predictions', () => {
    const { x, y } = twoClass(50);
    const tree = new DecisionTreeClassifier({ maxDepth: 4 }).fit(x, y);
    const loaded = roundTrip(tree);
    assert.ok(loaded instanceof DecisionTreeClassifier);
    assert.deepEqual(loaded.predictProba(x).data, tree.predictProba(x).data);
    assert.deepEqual(loaded.classes, tree.classes);
    assert.deepEqual(loaded.featureImportances, tree.featureImportances);
  });

  void it('reports bad input and parameters', () => {
    assert.throws(() => new DecisionTreeClassifier().predict([[1, 2]]), NotFittedError);
    const tree = new DecisionTreeClassifier().fit(SIX_X, SIX_Y);
    assert.throws(() => tree.predict([[1, 2, 3]]), (e: Error) => e instanceof DataError && /3 features.*fitted with 2/.test(e.message));
    assert.throws(() => new DecisionTreeClassifier().fit([[1, NaN]], [0]), DataError);
    assert.throws(() => new DecisionTreeClassifier().fit(SIX_X, [0, 1]), DataError);
    assert.throws(() => new DecisionTreeClassifier({ maxDepth: 0 }), ParamError);
    assert.throws(() => new DecisionTreeClassifier({ criterion: 'mse' as never }), ParamError);
    assert.throws(() => new DecisionTreeClassifier({ maxFeatures: 'half' as never }), ParamError);
    assert.throws(() => new DecisionTreeClassifier({ minSamplesLeaf: 0 }), ParamError);
    assert.throws(() => new DecisionTreeClassifier({ minSamplesSplit: 1 }), ParamError);
    assert.throws(() => new DecisionTreeClassifier({ maxFeatures: 5 }).fit(SIX_X, SIX_Y), /maxFeatures is 5 but X has only 2/);
  });
});

void describe('DecisionTreeRegressor', () => {
  // y = 1 2 3 10 20 30 on x = 1 2 3 10 11 12. Best single split by squared error:
  //   x ≤ 10.5 → {1,2,3,10} mean 4 (SSE 50) | {20,30} mean 25 (SSE 50): total 100, versus
  //   x ≤ 6.5 → SSE 2 + 200 = 202 and x ≤ 11.5 → SSE 254.8.
  const x = [[1], [2], [3], [10], [11], [12]];
  const y = [1, 2, 3, 10, 20, 30];

  void it('splits where the squared error drops most and predicts leaf means', () => {
    const tree = new DecisionTreeRegressor({ maxDepth: 1 }).fit(x, y);
    assert.equal(tree.tree.threshold[0], 10.5);
    assert.deepEqual(Array.from(tree.predict([[10.4], [10.6], [-5], [99]])), [4, 25, 4, 25]);
  });

  void it('fits distinct points exactly when grown fully, and leaf values are means with minSamplesLeaf', () => {
    assert.deepEqual(Array.from(new DecisionTreeRegressor().fit(x, y).predict(x)), y);
    const tree = new DecisionTreeRegressor({ minSamplesLeaf: 3 }).fit(x, y);
    assert.deepEqual(Array.from(tree.predict(x)), [2, 2, 2, 20, 20, 20]);
  });

  void it('round-trips and validates its input', () => {
    const tree = new DecisionTreeRegressor({ maxDepth: 2 }).fit(x, y);
    assert.deepEqual(roundTrip(tree).predict(x), tree.predict(x));
    assert.throws(() => new DecisionTreeRegressor().predict(x), NotFittedError);
    assert.throws(() => tree.predict([[1, 2]]), DataError);
    assert.throws(() => new DecisionTreeRegressor().fit(x, [1, 2, 3, 4, 5, NaN]), DataError);
    assert.throws(() => new DecisionTreeRegressor({ criterion: 'gini' as never }), ParamError);
  });
});
