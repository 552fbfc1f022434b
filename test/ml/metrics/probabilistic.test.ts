import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError } from '../../../src/ml/core/errors.js';
import { Matrix } from '../../../src/ml/core/matrix.js';
import { logLoss, mae, mse, r2, rmse, rocAuc } from '../../../src/ml/metrics/index.js';

const close = (actual: number, expected: number, tol = 1e-12): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);

void describe('rocAuc', () => {
  void it('is 1 for a perfect ranking, 0 for a reversed one and 0.5 when all scores tie', () => {
    assert.equal(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]), 1);
    assert.equal(rocAuc([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]), 0);
    assert.equal(rocAuc([0, 0, 1, 1], [0.5, 0.5, 0.5, 0.5]), 0.5);
  });

  void it('matches the sklearn example and counts a tied pair as one half', () => {
    close(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75);
    // Positive 0.5 ties negative 0.5 (½) and beats 0.1 (1); positive 0.9 beats both (2): 3.5 / 4.
    close(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.1, 0.9]), 0.875);
  });

  void it('takes the greater label as positive, or posLabel, and accepts a 2-column probability matrix', () => {
    close(rocAuc(['no', 'no', 'yes', 'yes'], [0.1, 0.4, 0.35, 0.8]), 0.75);
    close(rocAuc(['no', 'no', 'yes', 'yes'], [0.1, 0.4, 0.35, 0.8], { posLabel: 'no' }), 0.25);
    const proba = Matrix.fromRows([
      [0.9, 0.1],
      [0.6, 0.4],
      [0.65, 0.35],
      [0.2, 0.8],
    ]);
    close(rocAuc([0, 0, 1, 1], proba), 0.75);
  });

  void it('averages one-vs-rest AUCs for multiclass probabilities', () => {
    const proba = Matrix.fromRows([
      [0.7, 0.2, 0.1],
      [0.4, 0.3, 0.3],
      [0.3, 0.5, 0.2],
      [0.5, 0.2, 0.3],
      [0.1, 0.2, 0.7],
      [0.2, 0.6, 0.2],
    ]);
    // Per class (by hand): 7/8, 4/8, 5.5/8.
    close(rocAuc([0, 0, 1, 1, 2, 2], proba), (7 / 8 + 4 / 8 + 5.5 / 8) / 3);
    close(rocAuc(['a', 'a', 'b', 'b', 'c', 'c'], proba, { average: 'weighted' }), (7 / 8 + 4 / 8 + 5.5 / 8) / 3);
  });

  void it('refuses a single class and multiclass labels with one score column', () => {
    assert.throws(() => rocAuc([1, 1], [0.2, 0.3]), (e: unknown) => e instanceof DataError && /rocAuc: only one class/.test(e.message));
    assert.throws(() => rocAuc([0, 1, 2], [0.2, 0.3, 0.4]), /3 classes.*Matrix/);
    assert.throws(() => rocAuc([0, 1], [0.2]), /rocAuc: yTrue has 2 values but scores has 1/);
  });
});

void describe('logLoss', () => {
  const expected = -(Math.log(0.9) + Math.log(0.9) + Math.log(0.8) + Math.log(0.65)) / 4;

  void it('matches a hand computation (sklearn example, ≈ 0.21616)', () => {
    const proba = Matrix.fromRows([
      [0.1, 0.9],
      [0.9, 0.1],
      [0.8, 0.2],
      [0.35, 0.65],
    ]);
    close(logLoss(['spam', 'ham', 'ham', 'spam'], proba), expected);
    close(expected, 0.21616, 1e-5);
    // One column = probability of the positive class classes[1] ('spam').
    close(logLoss(['spam', 'ham', 'ham', 'spam'], [0.9, 0.1, 0.2, 0.65]), expected);
    close(logLoss(['spam', 'ham', 'ham', 'spam'], proba, { normalize: false }), expected * 4);
  });

  void it('clips probabilities to [eps, 1 - eps]', () => {
    const proba = Matrix.fromRows([
      [1, 0],
      [1, 0],
    ]);
    close(logLoss([0, 1], proba), -(Math.log(1 - Number.EPSILON) + Math.log(Number.EPSILON)) / 2);
    close(logLoss([0, 1], proba, { eps: 1e-3 }), -(Math.log(1 - 1e-3) + Math.log(1e-3)) / 2);
  });

  void it('needs classes when yTrue holds one label, and rows that sum to 1', () => {
    assert.throws(() => logLoss([1, 1], [0.8, 0.9]), /logLoss: yTrue contains only one label.*pass classes/);
    close(logLoss([1, 1], [0.8, 0.9], { classes: [0, 1] }), -(Math.log(0.8) + Math.log(0.9)) / 2);
    assert.throws(() => logLoss([0, 1], Matrix.fromRows([[0.2, 0.3], [0.5, 0.5]])), /row 0 of proba sums to 0.5/);
    assert.throws(() => logLoss([0, 1, 2], Matrix.fromRows([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]])), /2 columns but there are 3 classes/);
  });
});

void describe('regression metrics', () => {
  const t = [3, -0.5, 2, 7];
  const p = [2.5, 0, 2, 8];

  void it('mse, rmse, mae by hand', () => {
    close(mse(t, p), (0.25 + 0.25 + 0 + 1) / 4);
    close(rmse(t, p), Math.sqrt(0.375));
    close(mae(t, p), 0.5);
  });

  void it('r2 = 1 - SS_res / SS_tot (sklearn example ≈ 0.9486)', () => {
    // mean 2.875; SS_tot = 0.015625 + 11.390625 + 0.765625 + 17.015625 = 29.1875; SS_res = 1.5.
    close(r2(t, p), 1 - 1.5 / 29.1875);
    assert.equal(r2([1, 1], [1, 1]), 1);
    assert.equal(r2([1, 1], [1, 2]), 0);
    assert.ok(Number.isNaN(r2([1], [2])));
  });

  void it('rejects non-finite values and mismatched lengths', () => {
    assert.throws(() => mse([1, Number.NaN], [1, 2]), /mse: yTrue\[1\] is NaN/);
    assert.throws(() => r2([1, 2], [1]), (e: unknown) => e instanceof DataError && /^r2:/.test(e.message));
  });
});
