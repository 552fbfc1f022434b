import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, NotFittedError, ParamError } from '../../../src/ml/core/errors.js';
import { Matrix } from '../../../src/ml/core/matrix.js';
import { MinMaxScaler, SimpleImputer, StandardScaler } from '../../../src/ml/preprocess/index.js';
import { decodeValue, encodeValue } from '../../../src/store/codecs.js';

const closeAll = (actual: ArrayLike<number>, expected: readonly number[], tol = 1e-12): void => {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    assert.ok(Number.isNaN(e) ? Number.isNaN(a) : Math.abs(a - e) <= tol, `index ${i}: expected ${e}, got ${a}`);
  }
};

function roundTrip<T>(value: T): T {
  const encoded = encodeValue(value);
  return decodeValue(encoded.codec, encoded.chunks[0]!) as T;
}

// Column 0: mean 3, population variance 8/3. Column 1: mean 4, variance 8.
const x = [
  [1, 2],
  [3, 2],
  [5, 8],
];

void describe('StandardScaler', () => {
  void it('learns mean and population std on a 3×2 matrix', () => {
    const s = new StandardScaler().fit(x);
    closeAll(s.mean!, [3, 4]);
    closeAll(s.variance!, [8 / 3, 8]);
    closeAll(s.scale!, [Math.sqrt(8 / 3), Math.sqrt(8)]);
    const t = s.transform(x);
    const a = Math.sqrt(8 / 3);
    const b = Math.sqrt(8);
    closeAll(t.data, [-2 / a, -2 / b, 0, -2 / b, 2 / a, 4 / b]);
    assert.deepEqual(t.columns, ['x0', 'x1']);
    closeAll(s.inverseTransform(t).data, x.flat());
  });

  void it('gives constant columns scale 1 and honours withMean / withStd', () => {
    const s = new StandardScaler().fit([
      [1, 7],
      [2, 7],
      [3, 7],
    ]);
    closeAll(s.scale!, [Math.sqrt(2 / 3), 1]);
    closeAll(s.transform([[2, 7]]).data, [0, 0]);
    closeAll(new StandardScaler({ withMean: false }).fit(x).transform([[3, 4]]).data, [3 / Math.sqrt(8 / 3), 4 / Math.sqrt(8)]);
    closeAll(new StandardScaler({ withStd: false }).fit(x).transform([[3, 4]]).data, [0, 0]);
  });

  void it('partialFit over chunks equals fit on all rows', () => {
    const rows = [[1, 10], [2, 11], [4, 15], [8, 9], [16, 30]];
    const full = new StandardScaler().fit(rows);
    const chunked = new StandardScaler().partialFit(rows.slice(0, 2)).partialFit(rows.slice(2, 3)).partialFit(rows.slice(3));
    closeAll(chunked.mean!, Array.from(full.mean!));
    closeAll(chunked.variance!, Array.from(full.variance!), 1e-9);
    closeAll(chunked.nSamplesSeen!, [5, 5]);
  });

  void it('ignores NaN when fitting and keeps it when transforming', () => {
    const s = new StandardScaler().fit([[1], [Number.NaN], [3]]);
    closeAll(s.mean!, [2]);
    closeAll(s.transform([[Number.NaN], [3]]).data, [Number.NaN, 1]);
  });

  void it('refuses transform before fit and a different column count', () => {
    assert.throws(() => new StandardScaler().transform(x), (e: unknown) => e instanceof NotFittedError && /StandardScaler: transform\(\)/.test(e.message));
    assert.throws(() => new StandardScaler().fit(x).transform([[1, 2, 3]]), (e: unknown) => e instanceof DataError && /3 columns.*fitted on 2/.test(e.message));
  });

  void it('round-trips through the artifact codec', () => {
    const s = roundTrip(new StandardScaler().fit(x));
    assert.ok(s instanceof StandardScaler);
    closeAll(s.transform([[3, 4]]).data, [0, 0]);
  });
});

void describe('MinMaxScaler', () => {
  void it('maps the fitted min/max to the range; constant columns go to its min', () => {
    const rows = [
      [1, 10],
      [3, 10],
      [5, 10],
    ];
    closeAll(new MinMaxScaler().fitTransform(rows).data, [0, 0, 0.5, 0, 1, 0]);
    const s = new MinMaxScaler({ featureRange: [-1, 1] }).fit(rows);
    closeAll(s.transform(rows).data, [-1, -1, 0, -1, 1, -1]);
    closeAll(s.transform([[9, 10]]).data, [3, -1]);
    closeAll(new MinMaxScaler({ clip: true }).fit(rows).transform([[9, 10]]).data, [1, 0]);
    closeAll(roundTrip(s).inverseTransform(s.transform([[2, 10]])).data, [2, 10]);
  });

  void it('rejects an empty range', () => {
    assert.throws(() => new MinMaxScaler({ featureRange: [1, 1] }), ParamError);
  });
});

void describe('SimpleImputer', () => {
  const missing = new Matrix(
    4,
    2,
    Float64Array.from([1, Number.NaN, Number.NaN, 4, 3, 6, 7, 5]),
    ['a', 'b'],
  );

  void it('fills with column medians and means', () => {
    const med = new SimpleImputer({ strategy: 'median' }).fit(missing);
    closeAll(med.statistics!, [3, 5]);
    const out = med.transform(missing);
    closeAll(out.data, [1, 5, 3, 4, 3, 6, 7, 5]);
    assert.deepEqual(out.columns, ['a', 'b']);
    closeAll(new SimpleImputer().fit(missing).statistics!, [11 / 3, 5]);
  });

  void it('most_frequent breaks ties toward the smallest value; constant uses fillValue', () => {
    closeAll(new SimpleImputer({ strategy: 'most_frequent' }).fit([[2], [1], [2], [1], [Number.NaN]]).statistics!, [1]);
    closeAll(new SimpleImputer({ strategy: 'constant', fillValue: -1 }).fitTransform([[Number.NaN], [2]]).data, [-1, 2]);
    closeAll(new SimpleImputer({ missingValues: -999 }).fitTransform([[-999], [2], [4]]).data, [3, 2, 4]);
  });

  void it('drops columns with no observed value unless keepEmptyFeatures', () => {
    const rows = [
      [1, Number.NaN],
      [3, Number.NaN],
    ];
    const dropped = new SimpleImputer().fit(rows);
    assert.deepEqual(dropped.featureNamesOut(), ['x0']);
    closeAll(dropped.transform(rows).data, [1, 3]);
    closeAll(new SimpleImputer({ keepEmptyFeatures: true }).fitTransform(rows).data, [1, 0, 3, 0]);
  });

  void it('round-trips and refuses transform before fit', () => {
    closeAll(roundTrip(new SimpleImputer({ strategy: 'median' }).fit(missing)).transform(missing).data, [1, 5, 3, 4, 3, 6, 7, 5]);
    assert.throws(() => new SimpleImputer().transform(missing), NotFittedError);
    assert.throws(() => new SimpleImputer({ strategy: 'mode' as never }), /strategy must be one of mean, median, most_frequent, constant/);
  });
});
