import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, NotFittedError, ParamError } from '../../../src/ml/core/errors.js';
import { Random } from '../../../src/ml/core/random.js';
import { MLPClassifier } from '../../../src/ml/neural/index.js';
import { backward, forward, glorotInit, layout, Workspace, type Activation } from '../../../src/ml/neural/network.js';
import { accuracyOf, blobs, close, roundTrip } from './fixtures.js';

const xorX = [[0, 0], [0, 1], [1, 0], [1, 1]];
const xorY = [0, 1, 1, 0];

void describe('MLP network', () => {
  void it('backward gives the numerical gradient of the regularised loss', () => {
    for (const [act, out, nOut] of [['tanh', 'softmax', 3], ['logistic', 'logistic', 1], ['relu', 'softmax', 3]] as const) {
      const lay = layout([3, 4, 5, nOut]);
      const rng = new Random(1);
      const params = glorotInit(lay, act as Activation, rng);
      const rows = 6;
      const ws = new Workspace(lay, rows);
      const input = Float64Array.from({ length: rows * 3 }, () => rng.normal());
      const targets = new Float64Array(rows * nOut);
      for (let r = 0; r < rows; r++) targets[r * nOut + (nOut === 1 ? 0 : r % nOut)] = nOut === 1 ? r % 2 : 1;
      const lossAt = (p: Float64Array, g: Float64Array): number => {
        ws.acts[0]!.set(input);
        forward(p, ws, rows, act, out);
        return backward(p, g, ws, rows, targets, act, out, 0.3);
      };
      const grad = new Float64Array(lay.total);
      lossAt(params, grad);
      const scratch = new Float64Array(lay.total);
      const h = 1e-6;
      for (let q = 0; q < lay.total; q++) {
        const keep = params[q]!;
        params[q] = keep + h;
        const up = lossAt(params, scratch);
        params[q] = keep - h;
        const down = lossAt(params, scratch);
        params[q] = keep;
        close(grad[q]!, (up - down) / (2 * h), 1e-6, `${act}/${out} parameter ${q}`);
      }
    }
  });

  void it('Glorot init stays within ±√(6 / (fanIn + fanOut))', () => {
    const lay = layout([10, 6]);
    const params = glorotInit(lay, 'relu', new Random(0));
    const bound = Math.sqrt(6 / 16);
    assert.ok(params.every((v) => Math.abs(v) <= bound));
    assert.ok(params.some((v) => Math.abs(v) > bound / 2));
  });
});

void describe('MLPClassifier', () => {
  void it('learns XOR', () => {
    const mlp = new MLPClassifier({ hiddenLayerSizes: [8], activation: 'tanh', learningRateInit: 0.05, maxIter: 500, seed: 0 }).fit(xorX, xorY);
    assert.deepEqual(mlp.predict(xorX), xorY);
    const p = mlp.predictProba(xorX);
    for (let i = 0; i < 4; i++) {
      close(p.get(i, 0) + p.get(i, 1), 1, 1e-12);
      assert.ok(p.get(i, xorY[i]!) > 0.9);
    }
    // The loss falls, and training stops on tol before maxIter.
    assert.ok(mlp.lossCurve[0]! > 0.5 && mlp.lossCurve.at(-1)! < 0.05);
    assert.equal(mlp.lossCurve.length, mlp.nIter);
    assert.ok(mlp.converged && mlp.nIter < 500);
    assert.deepEqual(mlp.coefs.map((c) => [c.rows, c.cols]), [[2, 8], [8, 1]]);
  });

  void it('classifies three blobs with a softmax output and string labels', () => {
    const { x, y } = blobs([[0, 0], [4, 0], [0, 4]], 60, 0.7, 3);
    const labels = Array.from(y, (c) => ['r', 'g', 'b'][c]!);
    const mlp = new MLPClassifier({ hiddenLayerSizes: [16], seed: 1, learningRateInit: 0.01, maxIter: 300 }).fit(x, labels);
    assert.deepEqual(mlp.classes, ['b', 'g', 'r']);
    assert.ok(accuracyOf(mlp.predict(x), labels) >= 0.97);
    const p = mlp.predictProba(x);
    for (let i = 0; i < x.rows; i++) close(p.get(i, 0) + p.get(i, 1) + p.get(i, 2), 1, 1e-12);
  });

  void it('is deterministic by seed', () => {
    const a = new MLPClassifier({ hiddenLayerSizes: [4], maxIter: 20, seed: 9 }).fit(xorX, xorY);
    const b = new MLPClassifier({ hiddenLayerSizes: [4], maxIter: 20, seed: 9 }).fit(xorX, xorY);
    const c = new MLPClassifier({ hiddenLayerSizes: [4], maxIter: 20, seed: 10 }).fit(xorX, xorY);
    assert.deepEqual(a.lossCurve, b.lossCurve);
    assert.notDeepEqual(a.lossCurve, c.lossCurve);
  });

  void it('early stopping scores a stratified hold-out and keeps the best weights', () => {
    const { x, y } = blobs([[0, 0], [3, 3]], 100, 1, 4);
    const mlp = new MLPClassifier({ hiddenLayerSizes: [8], earlyStopping: true, validationFraction: 0.2, nIterNoChange: 5, maxIter: 200, seed: 2, learningRateInit: 0.01, batchSize: 16 }).fit(x, y);
    assert.equal(mlp.validationScores.length, mlp.nIter);
    assert.equal(mlp.bestValidationScore, Math.max(...mlp.validationScores));
    // 40 held-out rows → scores are multiples of 1/40.
    for (const s of mlp.validationScores) close(s * 40, Math.round(s * 40), 1e-9);
    assert.ok(mlp.nIter < 200 && mlp.converged);
    assert.ok(mlp.bestValidationScore >= 0.9);
  });

  void it('round-trips with identical predictions', () => {
    const mlp = new MLPClassifier({ hiddenLayerSizes: [8, 4], activation: 'tanh', learningRateInit: 0.05, maxIter: 50, seed: 0 }).fit(xorX, xorY);
    const back = roundTrip(mlp);
    assert.deepEqual(back.predictProba(xorX).data, mlp.predictProba(xorX).data);
    assert.deepEqual(back.lossCurve, mlp.lossCurve);
  });

  void it('rejects bad input', () => {
    assert.throws(() => new MLPClassifier().predict([[1, 2]]), NotFittedError);
    assert.throws(() => new MLPClassifier({ hiddenLayerSizes: [0] }), (e: Error) => e instanceof ParamError && /hiddenLayerSizes\[0\]/.test(e.message));
    assert.throws(() => new MLPClassifier({ validationFraction: 1 }), ParamError);
    const mlp = new MLPClassifier({ hiddenLayerSizes: [2], maxIter: 2 }).fit(xorX, xorY);
    assert.throws(() => mlp.predict([[1, 2, 3]]), /MLPClassifier.predict: X has 3 features, but the model was fitted with 2/);
    assert.throws(() => mlp.fit([[1, NaN]], [0]), DataError);
  });
});
