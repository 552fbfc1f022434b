/** Every model in linear/, neighbors/, naive-bayes/, cluster/ and neural/ follows the shared contract. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, NotFittedError } from '../../../src/ml/core/errors.js';
import type { Classifier, Regressor } from '../../../src/ml/core/estimator.js';
import { KMeans } from '../../../src/ml/cluster/index.js';
import { LinearRegression, LogisticRegression, Ridge, SGDClassifier } from '../../../src/ml/linear/index.js';
import { GaussianNB } from '../../../src/ml/naive-bayes/index.js';
import { MLPClassifier } from '../../../src/ml/neural/index.js';
import { KNeighborsClassifier, KNeighborsRegressor } from '../../../src/ml/neighbors/index.js';
import { blobs, roundTrip } from './fixtures.js';

const { x, y } = blobs([[0, 0, 0], [4, 4, 0], [0, 4, 4]], 12, 0.8, 6);
const labels = Array.from(y, (c) => ['x', 'y', 'z'][c]!);
const target = Float64Array.from({ length: x.rows }, (_, i) => x.get(i, 0) - 2 * x.get(i, 2));

const classifiers: [string, () => Classifier & { toState(): unknown }][] = [
  ['LogisticRegression', () => new LogisticRegression()],
  ['SGDClassifier', () => new SGDClassifier({ loss: 'log_loss' })],
  ['KNeighborsClassifier', () => new KNeighborsClassifier({ nNeighbors: 3 })],
  ['GaussianNB', () => new GaussianNB()],
  ['MLPClassifier', () => new MLPClassifier({ hiddenLayerSizes: [5], maxIter: 30 })],
];
const regressors: [string, () => Regressor & { toState(): unknown }][] = [
  ['LinearRegression', () => new LinearRegression()],
  ['Ridge', () => new Ridge()],
  ['KNeighborsRegressor', () => new KNeighborsRegressor({ nNeighbors: 3 })],
];

void describe('model contract', () => {
  for (const [name, make] of classifiers) {
    void it(`${name}: fit → classes, predict, predictProba, errors, persistence`, () => {
      assert.throws(() => make().predict(x), (e: Error) => e instanceof NotFittedError && e.message.startsWith(name));
      const model = make();
      assert.equal(model.fit(x, labels), model);
      assert.deepEqual(model.classes, ['x', 'y', 'z']);
      const pred = model.predict(x);
      assert.ok(pred.every((p) => typeof p === 'string'));
      const proba = model.predictProba!(x);
      assert.deepEqual([proba.rows, proba.cols], [x.rows, 3]);
      assert.throws(
        () => model.predict([[1, 2]]),
        (e: Error) => e instanceof DataError && e.message.includes(name) && /2 features.*fitted with 3/.test(e.message),
      );
      assert.throws(() => model.predict([[1, NaN, 2]]), DataError);
      assert.throws(() => make().fit([[0, 0, Infinity], [1, 1, 1]], ['a', 'b']), DataError);
      const back = roundTrip(model) as typeof model;
      assert.deepEqual(back.predict(x), pred);
      assert.deepEqual(back.predictProba!(x).data, proba.data);
    });
  }
  for (const [name, make] of regressors) {
    void it(`${name}: fit, predict, errors, persistence`, () => {
      assert.throws(() => make().predict(x), NotFittedError);
      const model = make();
      assert.equal(model.fit(x, target), model);
      const pred = model.predict(x);
      assert.equal(pred.length, x.rows);
      assert.throws(() => model.predict([[1, 2]]), (e: Error) => e instanceof DataError && e.message.includes(name));
      assert.deepEqual((roundTrip(model) as typeof model).predict(x), pred);
    });
  }
  void it('KMeans: fit, predict, errors, persistence', () => {
    assert.throws(() => new KMeans({ nClusters: 3 }).predict(x), NotFittedError);
    const km = new KMeans({ nClusters: 3, seed: 1 }).fit(x);
    assert.deepEqual(roundTrip(km).predict(x), km.predict(x));
    assert.throws(() => km.predict([[1, 2]]), /KMeans.predict: X has 2 features, but the model was fitted with 3/);
  });
});
