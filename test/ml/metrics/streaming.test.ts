import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, ParamError } from '../../../src/ml/core/errors.js';
import type { Label } from '../../../src/ml/core/estimator.js';
import { Matrix } from '../../../src/ml/core/matrix.js';
import {
  accuracy,
  balancedAccuracy,
  confusionMatrix,
  f1,
  logLoss,
  mae,
  mse,
  r2,
  scorer,
  scorerNames,
  StreamingClassificationMetrics,
  StreamingRegressionMetrics,
} from '../../../src/ml/metrics/index.js';
import { decodeValue, encodeValue } from '../../../src/store/codecs.js';

const close = (actual: number, expected: number, tol = 1e-12): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);

const yTrue = ['b', 'a', 'a', 'c', 'b', 'a', 'c'];
const yPred = ['b', 'a', 'b', 'c', 'a', 'a', 'b'];
const probaRows = [
  [0.1, 0.8, 0.1],
  [0.7, 0.2, 0.1],
  [0.3, 0.6, 0.1],
  [0.1, 0.1, 0.8],
  [0.5, 0.4, 0.1],
  [0.9, 0.05, 0.05],
  [0.2, 0.5, 0.3],
];

void describe('StreamingClassificationMetrics', () => {
  void it('equals the batch metrics when fed in chunks', () => {
    const m = new StreamingClassificationMetrics({ classes: ['a', 'b', 'c'] });
    for (const [from, to] of [
      [0, 3],
      [3, 4],
      [4, 7],
    ] as const) {
      m.update(yTrue.slice(from, to), yPred.slice(from, to), Matrix.fromRows(probaRows.slice(from, to)));
    }
    const r = m.result();
    assert.equal(r.n, 7);
    close(r.accuracy, accuracy(yTrue, yPred));
    close(r.balancedAccuracy, balancedAccuracy(yTrue, yPred));
    close(r.macro.f1, f1(yTrue, yPred, { average: 'macro' }));
    close(r.weighted.f1, f1(yTrue, yPred, { average: 'weighted' }));
    close(r.logLoss!, logLoss(yTrue, Matrix.fromRows(probaRows)));
    assert.deepEqual(r.confusion, confusionMatrix(yTrue, yPred));
  });

  void it('merges accumulators from parallel tasks, also after a persistence round-trip', () => {
    const left = new StreamingClassificationMetrics().update(yTrue.slice(0, 4), yPred.slice(0, 4));
    const right = new StreamingClassificationMetrics().update(yTrue.slice(4), yPred.slice(4));
    const encoded = encodeValue(right);
    assert.equal(encoded.codec, 'ml.StreamingClassificationMetrics');
    const restored = decodeValue(encoded.codec, encoded.chunks[0]!) as StreamingClassificationMetrics;
    const r = left.merge(restored).result();
    assert.deepEqual(r.confusion, confusionMatrix(yTrue, yPred));
    assert.equal(r.logLoss, undefined);
  });

  void it('needs classes for probabilities and the same choice in every chunk', () => {
    const p = Matrix.fromRows([[0.5, 0.5]]);
    assert.throws(() => new StreamingClassificationMetrics().update([0], [0], p), /construct it with \{ classes: model.classes \}/);
    const m = new StreamingClassificationMetrics({ classes: [0, 1] }).update([0], [0], p);
    assert.throws(() => m.update([1], [1]), DataError);
    assert.throws(() => new StreamingClassificationMetrics().result(), /no samples yet/);
  });
});

void describe('StreamingRegressionMetrics', () => {
  void it('equals batch mse, mae and r2 across chunks and merges', () => {
    const t = [3, -0.5, 2, 7, 4.5];
    const p = [2.5, 0, 2, 8, 4];
    const a = new StreamingRegressionMetrics().update(t.slice(0, 2), p.slice(0, 2));
    const b = new StreamingRegressionMetrics().update(t.slice(2, 3), p.slice(2, 3)).update(t.slice(3), p.slice(3));
    const r = a.merge(StreamingRegressionMetrics.fromState(b.toState())).result();
    assert.equal(r.n, 5);
    close(r.mse, mse(t, p));
    close(r.mae, mae(t, p));
    close(r.r2, r2(t, p));
  });
});

void describe('scorer registry', () => {
  const tiny = {
    classes: [0, 1] as Label[],
    predict: (x: number[][]) => x.map((row) => (row[0]! > 0.5 ? 1 : 0)),
    predictProba: (x: number[][]) => Matrix.fromRows(x.map((row) => [1 - row[0]!, row[0]!])),
  };
  const x = [[0.9], [0.2], [0.6], [0.4]];
  const y = [1, 0, 0, 1];

  void it('scores an estimator by name; losses are negated so greater is better', () => {
    assert.equal(scorer('accuracy').score(tiny, x, y), 0.5);
    close(scorer('f1_macro').score(tiny, x, y), f1(y, [1, 0, 1, 0], { average: 'macro' }));
    close(scorer('roc_auc').score(tiny, x, y), 0.75);
    close(scorer('neg_log_loss').score(tiny, x, y), (Math.log(0.9) + Math.log(0.8) + Math.log(0.4) + Math.log(0.4)) / 4);
    const reg = { predict: (rows: number[][]) => Float64Array.from(rows, (r) => r[0]! * 10) };
    close(scorer('neg_rmse').score(reg, [[0.1], [0.2]], [1, 3]), -Math.sqrt(0.5));
    close(scorer('neg_mean_squared_error').score(reg, [[0.1], [0.2]], [1, 3]), -0.5);
  });

  void it('lists known names on an unknown scorer', () => {
    assert.ok(scorerNames().includes('roc_auc_ovr_weighted'));
    assert.throws(() => scorer('auc'), (e: unknown) => e instanceof ParamError && /unknown scorer "auc"; known scorers: accuracy, /.test(e.message));
  });
});
