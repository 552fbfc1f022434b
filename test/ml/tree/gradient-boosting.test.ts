import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, NotFittedError, ParamError } from '../../../src/ml/core/errors.js';
import { Matrix } from '../../../src/ml/core/matrix.js';
import { Random } from '../../../src/ml/core/random.js';
import { makeClassification } from '../../../src/ml/data/datasets.js';
import { GradientBoostingClassifier, GradientBoostingRegressor } from '../../../src/ml/ensemble/index.js';
import { binRows, fitBins } from '../../../src/ml/ensemble/hist/binning.js';
import { validationSplit } from '../../../src/ml/ensemble/hist/boost.js';
import { roundTrip, twoClass } from './helpers.js';

void describe('histogram binning', () => {
  void it('puts thresholds midway between distinct values when they fit in maxBins', () => {
    const x = Matrix.fromRows([[1], [2], [2], [4], [NaN]]);
    const mapper = fitBins(x, 255, new Random(0));
    assert.deepEqual(Array.from(mapper.thresholds[0]!), [1.5, 3]);
    assert.equal(mapper.nBinsNonMissing[0], 3);
    assert.equal(mapper.hasMissing[0], 1);
    // Missing values get the bin after the last non-missing one.
    assert.deepEqual(Array.from(binRows(x, mapper)), [0, 1, 1, 2, 3]);
  });

  void it('uses midpoint percentiles when there are more distinct values than bins', () => {
    // 0..999 with 4 bins: percentiles 25/50/75 at positions 249.75, 499.5, 749.25 → midpoints of neighbours.
    const x = new Matrix(1000, 1, Float64Array.from({ length: 1000 }, (_, i) => i));
    assert.deepEqual(Array.from(fitBins(x, 4, new Random(0)).thresholds[0]!), [249.5, 499.5, 749.5]);
  });

  void it('holds out a stratified validation fraction', () => {
    const strata = Int32Array.from({ length: 100 }, (_, i) => (i < 80 ? 0 : 1));
    const { train, val } = validationSplit(100, 0.1, new Random(1), strata);
    assert.equal(val.length, 10);
    assert.equal(train.length, 90);
    assert.equal(Array.from(val).filter((i) => i >= 80).length, 2);
  });
});

void describe('GradientBoostingRegressor', () => {
  void it('one tree with learning rate 1 predicts the leaf means (worked by hand)', () => {
    // Baseline = mean(y) = 11; gradients 11 − y = 10 9 8 1 −9 −19. Gain of x ≤ 10.5 is
    // 28²/4 + 28²/2 = 588, the best (x ≤ 6.5: 486, x ≤ 11.5: 433.2); leaves 11 − 28/4 = 4 and 11 + 28/2 = 25.
    const x = [[1], [2], [3], [10], [11], [12]];
    const y = [1, 2, 3, 10, 20, 30];
    const gb = new GradientBoostingRegressor({ maxIter: 1, learningRate: 1, minSamplesLeaf: 1, maxLeafNodes: 2 }).fit(x, y);
    const pred = gb.predict([[1], [10.4], [10.6], [12]]);
    [4, 4, 25, 25].forEach((want, i) => assert.ok(Math.abs(pred[i]! - want) < 1e-9, `row ${i}: ${pred[i]} ≠ ${want}`));
    assert.deepEqual(roundTrip(gb).predict(x), gb.predict(x));
  });

  void it('reduces the training loss every iteration', () => {
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 300; i++) {
      x.push([i / 300, ((i * 17) % 300) / 300]);
      y.push(Math.sin(6 * x[i]![0]!) + x[i]![1]! ** 2);
    }
    const gb = new GradientBoostingRegressor({ maxIter: 30 }).fit(x, y);
    const loss = gb.trainLoss;
    assert.equal(loss.length, 31);
    for (let i = 1; i < loss.length; i++) assert.ok(loss[i]! < loss[i - 1]!, `iteration ${i}: ${loss[i]} ≥ ${loss[i - 1]}`);
    assert.ok(loss.at(-1)! < 0.1 * loss[0]!);
  });
});

void describe('GradientBoostingClassifier', () => {
  void it('binary: training loss falls monotonically and probabilities stay in (0, 1)', () => {
    const { x, y } = twoClass(300, 3);
    const gb = new GradientBoostingClassifier({ maxIter: 40 }).fit(x, y);
    assert.equal(gb.nIter, 40); // 300 rows: 'auto' early stopping is off
    assert.deepEqual(gb.validationLoss, []);
    const loss = gb.trainLoss;
    for (let i = 1; i < loss.length; i++) assert.ok(loss[i]! < loss[i - 1]!, `iteration ${i}`);
    // The baseline is the log-odds of the class prior: its loss is the prior's entropy (in nats).
    const p = y.filter((v) => v === 1).length / y.length;
    assert.ok(Math.abs(loss[0]! - -(p * Math.log(p) + (1 - p) * Math.log(1 - p))) < 1e-12);
    const proba = gb.predictProba(x);
    for (let r = 0; r < proba.rows; r++) {
      const p1 = proba.get(r, 1);
      assert.ok(p1 > 0 && p1 < 1);
      assert.ok(Math.abs(proba.get(r, 0) + p1 - 1) < 1e-12);
    }
    const acc = gb.predict(x).filter((v, i) => v === y[i]).length / y.length;
    assert.ok(acc > 0.85, `training accuracy ${acc}`);
  });

  void it('multiclass: one tree per class per iteration, softmax probabilities', () => {
    const data = makeClassification({ nSamples: 240, nFeatures: 6, nInformative: 4, nClasses: 3, seed: 4 });
    const labels = Array.from(data.y, (c) => ['a', 'b', 'c'][c]!);
    const gb = new GradientBoostingClassifier({ maxIter: 15 }).fit(data.x, labels);
    assert.deepEqual(gb.classes, ['a', 'b', 'c']);
    assert.equal(gb.toState().trees.length, 45);
    const proba = gb.predictProba(data.x);
    for (let r = 0; r < proba.rows; r++) assert.ok(Math.abs(proba.get(r, 0) + proba.get(r, 1) + proba.get(r, 2) - 1) < 1e-12);
    const acc = gb.predict(data.x).filter((v, i) => v === labels[i]).length / labels.length;
    assert.ok(acc > 0.8, `training accuracy ${acc}`);
    const loaded = roundTrip(gb);
    assert.ok(loaded instanceof GradientBoostingClassifier);
    assert.deepEqual(loaded.predictProba(data.x).data, proba.data);
    assert.deepEqual(loaded.predict(data.x), gb.predict(data.x));
  });

  void it('stops early when the held-out loss stops improving', () => {
    // Pure noise labels: the validation loss cannot keep improving.
    const rng = new Random(3);
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 400; i++) {
      x.push([rng.random(), rng.random()]);
      y.push(rng.random() < 0.5 ? 0 : 1);
    }
    const gb = new GradientBoostingClassifier({ maxIter: 200, earlyStopping: true, nIterNoChange: 5 }).fit(x, y);
    assert.ok(gb.nIter < 200, `ran ${gb.nIter} iterations`);
    assert.equal(gb.validationLoss.length, gb.nIter + 1);
    // The last nIterNoChange losses are no better than the one before them.
    const v = gb.validationLoss;
    const ref = v[v.length - 6]!;
    for (const later of v.slice(-5)) assert.ok(later >= ref - 1e-7);
  });

  void it('learns where missing values go', () => {
    // Class 1 exactly when x0 is missing.
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 200; i++) {
      x.push([i % 2 === 0 ? NaN : i / 200, (i * 7) % 13]);
      y.push(i % 2 === 0 ? 1 : 0);
    }
    const gb = new GradientBoostingClassifier({ maxIter: 20 }).fit(x, y);
    assert.deepEqual(gb.predict([[NaN, 3], [0.5, 3], [0.02, 11]]), [1, 0, 0]);
    // A feature with no missing values at fit time still accepts NaN when predicting.
    const p = gb.predictProba([[0.5, NaN]]);
    assert.ok(p.get(0, 0) > 0.5);
  });

  void it('reports bad input and parameters', () => {
    assert.throws(() => new GradientBoostingClassifier().predict([[1]]), NotFittedError);
    const { x, y } = twoClass(50);
    const gb = new GradientBoostingClassifier({ maxIter: 2 }).fit(x, y);
    assert.throws(() => gb.predict([[1, 2, 3]]), (e: Error) => e instanceof DataError && /3 features.*fitted with 2/.test(e.message));
    assert.throws(() => new GradientBoostingClassifier().fit([[1], [2]], [0, 0]), /single class/);
    assert.throws(() => new GradientBoostingClassifier().fit([[Infinity], [2]], [0, 1]), DataError);
    assert.throws(() => new GradientBoostingClassifier({ learningRate: 0 }), ParamError);
    assert.throws(() => new GradientBoostingClassifier({ maxBins: 256 }), ParamError);
    assert.throws(() => new GradientBoostingClassifier({ maxLeafNodes: 1 }), ParamError);
    assert.throws(() => new GradientBoostingClassifier({ earlyStopping: 'yes' as never }), ParamError);
    assert.throws(() => new GradientBoostingRegressor({ validationFraction: 1 }), ParamError);
    assert.throws(() => new GradientBoostingRegressor().fit([[1], [2]], [1]), DataError);
  });
});
