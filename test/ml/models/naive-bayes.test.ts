import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, NotFittedError } from '../../../src/ml/core/errors.js';
import { GaussianNB } from '../../../src/ml/naive-bayes/index.js';
import { close, roundTrip } from './fixtures.js';

const x = [[1, 2], [3, 6], [5, 4], [10, 0], [12, 2]];
const y = [0, 0, 0, 1, 1];

void describe('GaussianNB', () => {
  void it('stores the hand-computed per-class means, variances and priors', () => {
    const nb = new GaussianNB().fit(x, y);
    // Class 0: means (3, 4), variances (8/3, 8/3). Class 1: means (11, 1), variances (1, 1).
    // Largest overall feature variance: feature 0, values 1,3,5,10,12 → 17.36.
    close(nb.epsilon, 1e-9 * 17.36, 1e-18);
    assert.deepEqual(Array.from(nb.theta!.data), [3, 4, 11, 1]);
    [8 / 3, 8 / 3, 1, 1].forEach((v, i) => close(nb.var!.data[i]!, v + nb.epsilon, 1e-12));
    assert.deepEqual(Array.from(nb.classPrior!), [0.6, 0.4]);
    assert.deepEqual(Array.from(nb.classCount!), [3, 2]);
  });

  void it('computes posteriors from the Gaussian densities', () => {
    const nb = new GaussianNB({ varSmoothing: 0 }).fit(x, y);
    const q = [6, 3];
    const density = (v: number, mu: number, s2: number): number => Math.exp(-((v - mu) ** 2) / (2 * s2)) / Math.sqrt(2 * Math.PI * s2);
    const j0 = 0.6 * density(q[0]!, 3, 8 / 3) * density(q[1]!, 4, 8 / 3);
    const j1 = 0.4 * density(q[0]!, 11, 1) * density(q[1]!, 1, 1);
    const p = nb.predictProba([q]);
    close(p.get(0, 0), j0 / (j0 + j1), 1e-12);
    close(p.get(0, 1), j1 / (j0 + j1), 1e-12);
    close(Math.exp(nb.predictLogProba([q]).get(0, 0)), j0 / (j0 + j1), 1e-12);
    assert.deepEqual(nb.predict([q, [11, 1]]), [0, 1]);
  });

  void it('uses given priors and string labels', () => {
    const nb = new GaussianNB({ priors: [0.1, 0.9] }).fit(x, ['n', 'n', 'n', 'y', 'y']);
    assert.deepEqual(nb.classes, ['n', 'y']);
    assert.deepEqual(Array.from(nb.classPrior!), [0.1, 0.9]);
    assert.throws(() => new GaussianNB({ priors: [0.5, 0.6] }).fit(x, y), /priors must be non-negative and sum to 1/);
  });

  void it('round-trips and validates', () => {
    const nb = new GaussianNB().fit(x, y);
    const back = roundTrip(nb);
    assert.deepEqual(back.predictProba(x).data, nb.predictProba(x).data);
    assert.throws(() => new GaussianNB().predict([[1, 2]]), NotFittedError);
    assert.throws(() => nb.predict([[1]]), /GaussianNB.predict: X has 1 features, but the model was fitted with 2/);
    assert.throws(() => new GaussianNB().fit([[1], [1]], [0, 1]), (e: Error) => e instanceof DataError && /zero variance/.test(e.message));
  });
});
