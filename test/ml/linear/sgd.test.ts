import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, NotFittedError, ParamError } from '../../../src/ml/core/errors.js';
import { Matrix } from '../../../src/ml/core/matrix.js';
import { SGDClassifier } from '../../../src/ml/linear/index.js';
import { accuracyOf, blobs, close, linearProblem, roundTrip } from '../models/fixtures.js';

void describe('SGDClassifier', () => {
  void it('takes the hand-computed hinge steps with a constant learning rate', () => {
    // Row 0 (x=1, class 0 → y=−1): margin 0 ≤ 1, update −0.1: w = −0.1, b = −0.1 (shrink 0.99 first, w was 0).
    // Row 1 (x=2, y=+1): p = −0.3, update +0.1: w = −0.1·0.99 + 0.1·2 = 0.101, b = 0.
    const sgd = new SGDClassifier({ learningRate: 'constant', eta0: 0.1, alpha: 0.1, maxIter: 1, tol: null, shuffle: false });
    sgd.fit([[1], [2]], [0, 1]);
    close(sgd.coef!.get(0, 0), 0.101, 1e-12);
    close(sgd.intercept![0]!, 0, 1e-12);
    assert.equal(sgd.t, 3);
  });

  void it('separates a linearly separable set with the hinge loss', () => {
    const { x, y } = blobs([[-3, -3], [3, 3]], 50, 1, 7);
    const sgd = new SGDClassifier({ seed: 1 }).fit(x, y);
    assert.equal(accuracyOf(sgd.predict(x), Array.from(y)), 1);
    assert.ok(sgd.nIter >= 6 && sgd.nIter < 1000, `nIter ${sgd.nIter}`);
    const margins = sgd.decisionFunction(x);
    assert.equal(margins.cols, 1);
    for (let i = 0; i < x.rows; i++) assert.ok((y[i] === 1 ? 1 : -1) * margins.data[i]! > 0);
  });

  void it('is deterministic by seed', () => {
    const { x, y } = linearProblem(300, 4, 0.5, 2);
    const a = new SGDClassifier({ seed: 5 }).fit(x, y).coef!.data;
    const b = new SGDClassifier({ seed: 5 }).fit(x, y).coef!.data;
    const c = new SGDClassifier({ seed: 6 }).fit(x, y).coef!.data;
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  void it('log_loss gives probabilities; one-vs-rest on three blobs', () => {
    const { x, y } = blobs([[0, 0], [6, 0], [0, 6]], 40, 1, 3);
    const sgd = new SGDClassifier({ loss: 'log_loss', seed: 0 }).fit(x, y);
    assert.equal(sgd.coef!.rows, 3);
    assert.ok(accuracyOf(sgd.predict(x), Array.from(y)) >= 0.95);
    const p = sgd.predictProba(x);
    for (let i = 0; i < x.rows; i++) close(p.get(i, 0) + p.get(i, 1) + p.get(i, 2), 1, 1e-12);
    assert.throws(() => new SGDClassifier().fit(x, y).predictProba(x), (e: Error) => e instanceof ParamError && /log_loss/.test(e.message));
  });

  void it('partialFit over chunks reaches an accuracy similar to fit', () => {
    const { x, y } = linearProblem(2000, 5, 0.3, 11);
    const full = new SGDClassifier({ loss: 'log_loss', seed: 0 }).fit(x, y);
    const chunked = new SGDClassifier({ loss: 'log_loss', seed: 0 });
    for (let epoch = 0; epoch < 3; epoch++) {
      for (let start = 0; start < 2000; start += 250) {
        const idx = Array.from({ length: 250 }, (_, i) => start + i);
        chunked.partialFit(x.takeRows(idx), Array.from(idx, (i) => y[i]!), { classes: [0, 1] });
      }
    }
    const accFull = accuracyOf(full.predict(x), Array.from(y));
    const accChunked = accuracyOf(chunked.predict(x), Array.from(y));
    assert.ok(accFull > 0.9, `fit accuracy ${accFull}`);
    assert.ok(Math.abs(accFull - accChunked) < 0.03, `fit ${accFull} vs partialFit ${accChunked}`);
    assert.equal(chunked.t, 1 + 3 * 2000);
  });

  void it('partialFit needs the classes on the first call and rejects unknown labels', () => {
    const sgd = new SGDClassifier();
    assert.throws(() => sgd.partialFit([[1], [2]], [0, 1]), (e: Error) => e instanceof DataError && /options.classes/.test(e.message));
    sgd.partialFit([[1], [2]], ['a', 'a'], { classes: ['a', 'b', 'c'] });
    assert.deepEqual(sgd.classes, ['a', 'b', 'c']);
    assert.throws(() => sgd.partialFit([[1]], ['z']), /label z at row 0 is not one of the classes/);
    assert.throws(() => sgd.partialFit([[1, 2]], ['a']), /2 features, but earlier calls had 1/);
  });

  void it('round-trips, and training continues identically after loading', () => {
    const { x, y } = linearProblem(400, 3, 0.5, 4);
    const chunkA = x.takeRows(Array.from({ length: 200 }, (_, i) => i));
    const chunkB = x.takeRows(Array.from({ length: 200 }, (_, i) => 200 + i));
    const yA = Array.from(y.subarray(0, 200));
    const yB = Array.from(y.subarray(200));
    const sgd = new SGDClassifier({ seed: 3 }).partialFit(chunkA, yA, { classes: [0, 1] });
    const loaded = roundTrip(sgd);
    assert.deepEqual(loaded.decisionFunction(x).data, sgd.decisionFunction(x).data);
    sgd.partialFit(chunkB, yB);
    loaded.partialFit(chunkB, yB);
    assert.deepEqual(loaded.coef!.data, sgd.coef!.data);
    assert.deepEqual(loaded.predict(x), sgd.predict(x));
  });

  void it('rejects bad input', () => {
    assert.throws(() => new SGDClassifier().predict([[1]]), NotFittedError);
    assert.throws(() => new SGDClassifier({ loss: 'squared' as never }), /SGDClassifier: loss must be one of/);
    const sgd = new SGDClassifier().fit(new Matrix(2, 1, Float64Array.from([0, 1])), [0, 1]);
    assert.throws(() => sgd.predict([[1, 1]]), /SGDClassifier.predict: X has 2 features, but the model was fitted with 1/);
  });
});
