import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, NotFittedError, ParamError } from '../../../src/ml/core/errors.js';
import { KNeighborsClassifier, KNeighborsRegressor } from '../../../src/ml/neighbors/index.js';
import { close, roundTrip } from './fixtures.js';

const x = [[0], [1], [2], [10], [11]];
const labels = ['a', 'a', 'b', 'c', 'c'];

void describe('KNeighborsClassifier', () => {
  void it('finds the known neighbours, nearest first, ties to the lower index', () => {
    const knn = new KNeighborsClassifier({ nNeighbors: 3 }).fit(x, labels);
    const { distances, indices } = knn.kneighbors([[1.4], [0.5]]);
    assert.deepEqual(Array.from(indices), [1, 2, 0, 0, 1, 2]);
    [0.4, 0.6, 1.4, 0.5, 0.5, 1.5].forEach((v, i) => close(distances.data[i]!, v, 1e-12));
    const one = knn.kneighbors([[0.5]], 1);
    assert.deepEqual(Array.from(one.indices), [0]);
  });

  void it('votes uniformly or by inverse distance', () => {
    const uniform = new KNeighborsClassifier({ nNeighbors: 3 }).fit(x, labels);
    // Neighbours of 1.9: rows 2 (b, 0.1), 1 (a, 0.9), 0 (a, 1.9).
    assert.deepEqual(uniform.predict([[1.9], [10.4]]), ['a', 'c']);
    const p = uniform.predictProba([[1.9]]);
    assert.deepEqual(uniform.classes, ['a', 'b', 'c']);
    [2 / 3, 1 / 3, 0].forEach((v, c) => close(p.get(0, c), v, 1e-12));
    const weighted = new KNeighborsClassifier({ nNeighbors: 3, weights: 'distance' }).fit(x, labels);
    assert.deepEqual(weighted.predict([[1.9]]), ['b']);
    const a = 1 / 0.9 + 1 / 1.9;
    const b = 1 / 0.1;
    close(weighted.predictProba([[1.9]]).get(0, 1), b / (a + b), 1e-9);
    // An exact match takes all the weight.
    assert.deepEqual(Array.from(weighted.predictProba([[2]]).data), [0, 1, 0]);
  });

  void it('supports the Manhattan metric', () => {
    const knn = new KNeighborsClassifier({ nNeighbors: 1, p: 1 }).fit([[0, 0], [3, 3.5]], [0, 1]);
    // Query (2, 2): L1 distances 4 (row 0) and |2−3| + |2−3.5| = 2.5 (row 1).
    const { distances } = knn.kneighbors([[2, 2]]);
    close(distances.data[0]!, 2.5, 1e-12);
    assert.deepEqual(knn.predict([[2, 2]]), [1]);
  });

  void it('round-trips and validates', () => {
    const knn = new KNeighborsClassifier({ nNeighbors: 2 }).fit(x, labels);
    const back = roundTrip(knn);
    assert.deepEqual(back.predictProba([[1.2], [9]]).data, knn.predictProba([[1.2], [9]]).data);
    assert.throws(() => new KNeighborsClassifier().predict([[1]]), NotFittedError);
    assert.throws(() => new KNeighborsClassifier({ nNeighbors: 6 }).fit(x, labels), (e: Error) => e instanceof DataError && /nNeighbors=6.*5 rows/.test(e.message));
    assert.throws(() => knn.predict([[1, 2]]), /KNeighborsClassifier.predict: X has 2 features, but the model was fitted with 1/);
    assert.throws(() => new KNeighborsClassifier({ weights: 'gaussian' as never }), ParamError);
    assert.throws(() => knn.predict([[NaN]]), DataError);
  });
});

void describe('KNeighborsRegressor', () => {
  const y = [0, 1, 2, 10, 11];
  void it('averages neighbour targets, uniformly or by inverse distance', () => {
    const uniform = new KNeighborsRegressor({ nNeighbors: 2 }).fit(x, y);
    close(uniform.predict([[1.4]])[0]!, 1.5, 1e-12);
    const weighted = new KNeighborsRegressor({ nNeighbors: 2, weights: 'distance' }).fit(x, y);
    // (1/0.4·1 + 1/0.6·2) / (1/0.4 + 1/0.6) = 1.4: linear interpolation between the two neighbours.
    close(weighted.predict([[1.4]])[0]!, 1.4, 1e-12);
    assert.equal(weighted.predict([[2]])[0], 2);
  });

  void it('round-trips', () => {
    const knn = new KNeighborsRegressor({ nNeighbors: 3 }).fit(x, y);
    assert.deepEqual(roundTrip(knn).predict([[4], [7]]), knn.predict([[4], [7]]));
  });
});
