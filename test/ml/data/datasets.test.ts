import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParamError } from '../../../src/ml/core/errors.js';
import type { Matrix } from '../../../src/ml/core/matrix.js';
import { makeBlobs, makeClassification, makeRegression } from '../../../src/ml/data/datasets.js';

function counts(y: Int32Array, k: number): number[] {
  const out = new Array<number>(k).fill(0);
  for (const v of y) out[v]!++;
  return out;
}

function classMeans(x: Matrix, y: Int32Array, cls: number): number[] {
  const sums = new Array<number>(x.cols).fill(0);
  let n = 0;
  for (let r = 0; r < x.rows; r++) {
    if (y[r] !== cls) continue;
    n++;
    for (let c = 0; c < x.cols; c++) sums[c]! += x.get(r, c);
  }
  return sums.map((s) => s / n);
}

/** Residual sum of squares of regressing `target` on `cols` of x (normal equations, Gauss-Jordan). */
function lstsqResidual(x: Matrix, cols: number[], target: Float64Array): number {
  const p = cols.length;
  const a = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  for (let r = 0; r < x.rows; r++) {
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) a[i]![j]! += x.get(r, cols[i]!) * x.get(r, cols[j]!);
      a[i]![p]! += x.get(r, cols[i]!) * target[r]!;
    }
  }
  for (let i = 0; i < p; i++) {
    let pivot = i;
    for (let k = i + 1; k < p; k++) if (Math.abs(a[k]![i]!) > Math.abs(a[pivot]![i]!)) pivot = k;
    [a[i], a[pivot]] = [a[pivot]!, a[i]!];
    for (let k = 0; k < p; k++) {
      if (k === i) continue;
      const f = a[k]![i]! / a[i]![i]!;
      for (let j = i; j <= p; j++) a[k]![j]! -= f * a[i]![j]!;
    }
  }
  const beta = a.map((row, i) => row[p]! / row[i]!);
  let rss = 0;
  for (let r = 0; r < x.rows; r++) {
    let fit = 0;
    for (let i = 0; i < p; i++) fit += beta[i]! * x.get(r, cols[i]!);
    rss += (target[r]! - fit) ** 2;
  }
  return rss;
}

function sumSquares(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return s;
}

void describe('makeClassification', () => {
  void it('has the requested shape and labels 0..nClasses-1', () => {
    const { x, y } = makeClassification({ seed: 1 });
    assert.equal(x.rows, 100);
    assert.equal(x.cols, 20);
    assert.equal(x.data.length, 2000);
    assert.equal(y.length, 100);
    assert.ok(y.every((v) => v === 0 || v === 1));
    const multi = makeClassification({ nSamples: 60, nFeatures: 5, nInformative: 3, nClasses: 4, nClustersPerClass: 2, seed: 2 });
    assert.equal(multi.x.cols, 5);
    assert.ok(multi.y.every((v) => v >= 0 && v < 4));
  });

  void it('is balanced by default and follows weights exactly when flipY = 0', () => {
    const balanced = makeClassification({ nSamples: 101, flipY: 0, seed: 3 });
    // 4 clusters of 25, one leftover row goes to cluster 0 (class 0).
    assert.deepEqual(counts(balanced.y, 2), [51, 50]);
    const skewed = makeClassification({ nSamples: 1000, weights: [0.9], flipY: 0, seed: 3 });
    assert.deepEqual(counts(skewed.y, 2), [900, 100]);
    const three = makeClassification({ nSamples: 1000, nInformative: 3, nClasses: 3, weights: [0.2, 0.3, 0.5], flipY: 0, seed: 3 });
    assert.deepEqual(counts(three.y, 3), [200, 300, 500]);
  });

  void it('puts class means near distinct hypercube vertices at ±classSep', () => {
    const { x, y } = makeClassification({
      nSamples: 2000, nFeatures: 4, nInformative: 2, nRedundant: 0, nClustersPerClass: 1,
      classSep: 4, flipY: 0, shuffle: false, seed: 5,
    });
    const m0 = classMeans(x, y, 0);
    const m1 = classMeans(x, y, 1);
    for (const m of [m0, m1]) {
      for (const c of [0, 1]) assert.ok(Math.abs(Math.abs(m[c]!) - 4) < 0.2, `informative mean ${m[c]} should be ±4`);
      // Noise columns (2, 3) carry no signal.
      for (const c of [2, 3]) assert.ok(Math.abs(m[c]!) < 0.2, `noise mean ${m[c]} should be ≈ 0`);
    }
    assert.ok(Math.abs(m0[0]! - m1[0]!) > 7 || Math.abs(m0[1]! - m1[1]!) > 7, 'classes sit on different vertices');
  });

  void it('makes redundant features exact linear combinations of informative ones, repeated features copies', () => {
    const { x } = makeClassification({
      nSamples: 300, nFeatures: 8, nInformative: 3, nRedundant: 2, nRepeated: 2, shuffle: false, seed: 7,
    });
    const informative = [0, 1, 2];
    for (const c of [3, 4]) {
      const col = x.column(c);
      assert.ok(lstsqResidual(x, informative, col) < 1e-9 * sumSquares(col), `column ${c} is redundant`);
    }
    for (const c of [5, 6]) {
      const col = x.column(c);
      const source = [0, 1, 2, 3, 4].find((s) => x.column(s).every((v, i) => v === col[i]));
      assert.ok(source !== undefined, `column ${c} repeats an earlier column`);
    }
    const noise = x.column(7);
    assert.ok(lstsqResidual(x, informative, noise) > 0.5 * sumSquares(noise), 'noise column is not explained');
  });

  void it('is deterministic in seed', () => {
    const a = makeClassification({ seed: 42, hypercube: false, shift: null, scale: null });
    const b = makeClassification({ seed: 42, hypercube: false, shift: null, scale: null });
    assert.deepEqual(a.x.data, b.x.data);
    assert.deepEqual(a.y, b.y);
    const c = makeClassification({ seed: 43 });
    assert.notDeepEqual(makeClassification({ seed: 42 }).x.data, c.x.data);
  });

  void it('flips about flipY × (1 − 1/nClasses) of labels and leaves X unchanged', () => {
    const clean = makeClassification({ nSamples: 4000, flipY: 0, seed: 9 });
    const noisy = makeClassification({ nSamples: 4000, flipY: 0.4, seed: 9 });
    assert.deepEqual(noisy.x.data, clean.x.data);
    let changed = 0;
    for (let i = 0; i < 4000; i++) if (clean.y[i] !== noisy.y[i]) changed++;
    // Expected 0.4 × 1/2 = 0.2; binomial sd ≈ 0.006.
    assert.ok(Math.abs(changed / 4000 - 0.2) < 0.03, `changed fraction ${changed / 4000}`);
  });

  void it('applies shift then scale', () => {
    const base = makeClassification({ nSamples: 10, nFeatures: 3, nInformative: 2, nRedundant: 0, seed: 4 });
    const moved = makeClassification({ nSamples: 10, nFeatures: 3, nInformative: 2, nRedundant: 0, seed: 4, shift: 1, scale: [2, 3, 4] });
    // Columns are shuffled, but the column permutation is the same for the same seed.
    const perm = makeClassification({ nSamples: 10, nFeatures: 3, nInformative: 2, nRedundant: 0, seed: 4, scale: [2, 3, 4] });
    for (let r = 0; r < 10; r++) {
      for (let c = 0; c < 3; c++) {
        const factor = perm.x.get(r, c) / base.x.get(r, c);
        assert.ok(Math.abs(moved.x.get(r, c) - (base.x.get(r, c) + 1) * factor) < 1e-9);
      }
    }
  });

  void it('rejects invalid parameters, naming them', () => {
    assert.throws(() => makeClassification({ nFeatures: 4, nInformative: 2, nRedundant: 2, nRepeated: 1 }), (e: unknown) =>
      e instanceof ParamError && /nInformative \+ nRedundant \+ nRepeated .*exceeds nFeatures = 4/.test(e.message));
    assert.throws(() => makeClassification({ nClasses: 3, nClustersPerClass: 2, nInformative: 2 }), (e: unknown) =>
      e instanceof ParamError && /nInformative = 2/.test(e.message));
    assert.throws(() => makeClassification({ weights: [0.2, 0.3, 0.5] }), /weights has 3 values/);
    assert.throws(() => makeClassification({ nClasses: 3, nInformative: 3, weights: [0.8, 0.7] }), /negative/);
    assert.throws(() => makeClassification({ flipY: 1.5 }), /flipY must be .*≤ 1/);
    assert.throws(() => makeClassification({ nSamples: 0 }), /nSamples must be an integer ≥ 1/);
    assert.throws(() => makeClassification({ classSep: 0 }), /classSep/);
    assert.throws(() => makeClassification({ nFeatures: 3, nRedundant: 0, scale: [1, 2] }), /scale has 2 values/);
  });
});

void describe('makeRegression', () => {
  void it('is y = X·coef + bias with nInformative non-zero coefficients', () => {
    const { x, y, coef } = makeRegression({ nSamples: 50, nFeatures: 6, nInformative: 3, bias: 2.5, seed: 1 });
    assert.equal(x.rows, 50);
    assert.equal(y.length, 50);
    assert.equal(coef.length, 6);
    assert.equal(coef.filter((c) => c !== 0).length, 3);
    assert.ok(coef.every((c) => c >= 0 && c < 100));
    for (let r = 0; r < 50; r++) {
      let s = 2.5;
      for (let c = 0; c < 6; c++) s += x.get(r, c) * coef[c]!;
      assert.ok(Math.abs(s - y[r]!) < 1e-9);
    }
  });

  void it('adds noise with the requested standard deviation and supports several targets', () => {
    const clean = makeRegression({ nSamples: 4000, nFeatures: 3, nInformative: 2, seed: 2 });
    const noisy = makeRegression({ nSamples: 4000, nFeatures: 3, nInformative: 2, noise: 2, seed: 2 });
    assert.deepEqual(noisy.x.data, clean.x.data);
    let ss = 0;
    for (let i = 0; i < 4000; i++) ss += (noisy.y[i]! - clean.y[i]!) ** 2;
    assert.ok(Math.abs(Math.sqrt(ss / 4000) - 2) < 0.1);
    const multi = makeRegression({ nSamples: 5, nFeatures: 4, nInformative: 4, nTargets: 2, seed: 3 });
    assert.equal(multi.y.length, 10);
    assert.equal(multi.coef.length, 8);
    let s = 0;
    for (let c = 0; c < 4; c++) s += multi.x.get(3, c) * multi.coef[c * 2 + 1]!;
    assert.ok(Math.abs(s - multi.y[3 * 2 + 1]!) < 1e-9);
  });

  void it('rejects negative noise', () => {
    assert.throws(() => makeRegression({ noise: -1 }), (e: unknown) => e instanceof ParamError && /noise/.test(e.message));
  });
});

void describe('makeBlobs', () => {
  void it('splits rows across centers and centres each blob on its center', () => {
    const { x, y, centers } = makeBlobs({ nSamples: 3001, centers: [[0, 0], [10, 10], [-10, 5]], clusterStd: 0.5, seed: 1 });
    assert.equal(x.rows, 3001);
    assert.deepEqual(counts(y, 3), [1001, 1000, 1000]);
    assert.deepEqual(centers.toRows(), [[0, 0], [10, 10], [-10, 5]]);
    for (let k = 0; k < 3; k++) {
      const m = classMeans(x, y, k);
      assert.ok(Math.abs(m[0]! - centers.get(k, 0)) < 0.1 && Math.abs(m[1]! - centers.get(k, 1)) < 0.1);
    }
  });

  void it('draws random centers in centerBox and takes per-center counts', () => {
    const { x, y, centers } = makeBlobs({ nSamples: [5, 0, 7], nFeatures: 3, centerBox: [0, 1], seed: 2 });
    assert.equal(x.rows, 12);
    assert.equal(x.cols, 3);
    assert.deepEqual(counts(y, 3), [5, 0, 7]);
    assert.ok(centers.data.every((v) => v >= 0 && v < 1));
    assert.deepEqual(makeBlobs({ seed: 5 }).x.data, makeBlobs({ seed: 5 }).x.data);
  });

  void it('rejects inconsistent inputs', () => {
    assert.throws(() => makeBlobs({ nSamples: [1, 2], centers: 3 }), /nSamples lists 2 counts but there are 3 centers/);
    assert.throws(() => makeBlobs({ centers: 2, clusterStd: [1] }), /clusterStd has 1 values/);
  });
});
