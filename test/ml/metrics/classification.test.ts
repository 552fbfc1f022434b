import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, ParamError } from '../../../src/ml/core/errors.js';
import {
  accuracy,
  balancedAccuracy,
  confusionMatrix,
  f1,
  fbeta,
  precision,
  precisionRecallFscoreSupport,
  recall,
} from '../../../src/ml/metrics/index.js';

const close = (actual: number, expected: number, tol = 1e-12): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);

// Class 0: tp 3, predicted 4, true 4 → P = R = F = 3/4.  Class 1: tp 1, predicted 2, true 2 → P = R = F = 1/2.
const yTrue = [0, 0, 0, 0, 1, 1];
const yPred = [0, 0, 0, 1, 1, 0];

void describe('accuracy and balancedAccuracy', () => {
  void it('counts exact matches for numbers and strings', () => {
    assert.equal(accuracy([1, 2, 3, 4], [1, 2, 3, 5]), 0.75);
    assert.equal(accuracy(['a', 'b'], ['a', 'a'], { normalize: false }), 1);
  });

  void it('averages per-class recall, and adjusts for chance', () => {
    close(balancedAccuracy(yTrue, yPred), (3 / 4 + 1 / 2) / 2);
    close(balancedAccuracy(yTrue, yPred, { adjusted: true }), (0.625 - 0.5) / 0.5);
  });

  void it('ignores classes that only occur in yPred', () => {
    close(balancedAccuracy([0, 0, 1], [0, 2, 1]), (1 / 2 + 1) / 2);
  });

  void it('rejects mismatched lengths and empty input, naming the metric', () => {
    assert.throws(() => accuracy([1, 2], [1]), (e: unknown) => e instanceof DataError && /accuracy: yTrue has 2 values but yPred has 1/.test(e.message));
    assert.throws(() => f1([], []), (e: unknown) => e instanceof DataError && /^f1: yTrue is empty/.test(e.message));
    assert.throws(() => accuracy([1, 2], ['1', '2']), /accuracy: yTrue holds number labels but yPred holds string/);
  });
});

void describe('confusionMatrix', () => {
  void it('matches the sklearn documentation example', () => {
    const cm = confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2]);
    assert.deepEqual(cm.labels, [0, 1, 2]);
    assert.deepEqual(cm.matrix, [
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
  });

  void it('orders rows and columns by labels and drops unlisted labels', () => {
    const t = ['cat', 'dog', 'cat', 'bird', 'dog', 'cat'];
    const p = ['cat', 'cat', 'cat', 'bird', 'dog', 'dog'];
    assert.deepEqual(confusionMatrix(t, p).matrix, [
      [1, 0, 0],
      [0, 2, 1],
      [0, 1, 1],
    ]);
    const cm = confusionMatrix(t, p, { labels: ['dog', 'cat'] });
    assert.deepEqual(cm.labels, ['dog', 'cat']);
    assert.deepEqual(cm.matrix, [
      [1, 1],
      [1, 2],
    ]);
  });

  void it('normalizes over true rows', () => {
    assert.deepEqual(confusionMatrix(yTrue, yPred, { normalize: 'true' }).matrix, [
      [0.75, 0.25],
      [0.5, 0.5],
    ]);
  });
});

void describe('precision, recall, f1', () => {
  void it('binary uses posLabel (default 1)', () => {
    close(precision(yTrue, yPred), 1 / 2);
    close(recall(yTrue, yPred), 1 / 2);
    close(f1(yTrue, yPred, { posLabel: 0 }), 3 / 4);
  });

  void it('macro is the unweighted mean of per-class F1; weighted uses support', () => {
    close(f1(yTrue, yPred, { average: 'macro' }), (0.75 + 0.5) / 2);
    close(f1(yTrue, yPred, { average: 'weighted' }), (4 * 0.75 + 2 * 0.5) / 6);
    close(f1(yTrue, yPred, { average: 'micro' }), 4 / 6);
    close(precision(yTrue, yPred, { average: 'macro' }), 0.625);
  });

  void it('matches the sklearn multiclass example, with 0 for 0/0', () => {
    const t = [0, 1, 2, 0, 1, 2];
    const p = [0, 2, 1, 0, 0, 1];
    close(f1(t, p, { average: 'macro' }), 0.8 / 3);
    close(f1(t, p, { average: 'micro' }), 1 / 3);
    close(precision(t, p, { average: 'weighted' }), 2 / 9);
    const per = precisionRecallFscoreSupport(t, p);
    assert.deepEqual(per.labels, [0, 1, 2]);
    assert.deepEqual(per.support, [2, 2, 2]);
    assert.deepEqual(per.recall, [1, 0, 0]);
    // Class 3 is never predicted nor true: 0/0 → zeroDivision.
    assert.deepEqual(precisionRecallFscoreSupport(t, p, { labels: [3], zeroDivision: 1 }).precision, [1]);
  });

  void it('F-beta weights recall beta times as much as precision', () => {
    // Class 0 of the sklearn example: P = 2/3, R = 1 → F2 = 5·(2/3)·1 / (4·2/3 + 1) = 10/11.
    close(fbeta([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], 2, { posLabel: 0, average: 'macro', labels: [0] }), 10 / 11);
  });

  void it('refuses binary averaging on a multiclass target and a posLabel that is not a label', () => {
    assert.throws(() => f1([0, 1, 2], [0, 1, 1]), (e: unknown) => e instanceof DataError && /multiclass.*average 'macro'/.test(e.message));
    assert.throws(() => f1(['a', 'b'], ['a', 'a']), /posLabel 1 is not a label of the data; it should be one of "a", "b"/);
    assert.throws(() => f1([0, 1], [0, 1], { average: 'samples' as never }), ParamError);
  });
});
