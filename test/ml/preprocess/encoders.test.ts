import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, NotFittedError, ParamError } from '../../../src/ml/core/errors.js';
import { Matrix } from '../../../src/ml/core/matrix.js';
import { OneHotEncoder, OrdinalEncoder, type CategoricalSource } from '../../../src/ml/preprocess/index.js';
import { decodeValue, encodeValue } from '../../../src/store/codecs.js';

/** A minimal table: named columns of strings and numbers. */
function table(columns: Record<string, unknown[]>): CategoricalSource {
  const names = Object.keys(columns);
  return { numRows: columns[names[0]!]!.length, columnNames: names, column: (name) => columns[name]! };
}

function roundTrip<T>(value: T): T {
  const encoded = encodeValue(value);
  return decodeValue(encoded.codec, encoded.chunks[0]!) as T;
}

const train = table({ color: ['red', 'green', 'blue', 'green'], size: [1, 2, 1, 3] });

void describe('OneHotEncoder', () => {
  void it('lays out one column per sorted category, named column_category', () => {
    const enc = new OneHotEncoder().fit(train);
    assert.deepEqual(enc.categories, [
      ['blue', 'green', 'red'],
      [1, 2, 3],
    ]);
    const out = enc.transform(train);
    assert.deepEqual(out.columns, ['color_blue', 'color_green', 'color_red', 'size_1', 'size_2', 'size_3']);
    assert.deepEqual(out.toRows(), [
      [0, 0, 1, 1, 0, 0],
      [0, 1, 0, 0, 1, 0],
      [1, 0, 0, 1, 0, 0],
      [0, 1, 0, 0, 0, 1],
    ]);
  });

  void it("raises on an unseen category naming the column and value, or encodes zeros with handleUnknown 'ignore'", () => {
    const test = table({ color: ['green', 'purple'], size: [2, 2] });
    assert.throws(
      () => new OneHotEncoder().fit(train).transform(test),
      (e: unknown) => e instanceof DataError && /column 'color' has unknown category 'purple' at row 1 \(known: 'blue', 'green', 'red'\)/.test(e.message),
    );
    assert.deepEqual(new OneHotEncoder({ handleUnknown: 'ignore' }).fit(train).transform(test).toRows(), [
      [0, 1, 0, 0, 1, 0],
      [0, 0, 0, 0, 1, 0],
    ]);
  });

  void it('drops the first category, or only for binary columns', () => {
    const rows = [
      ['a', 'x'],
      ['b', 'y'],
      ['c', 'x'],
    ];
    const first = new OneHotEncoder({ drop: 'first' }).fit(rows);
    assert.deepEqual(first.featureNamesOut(), ['x0_b', 'x0_c', 'x1_y']);
    assert.deepEqual(first.transform(rows).toRows(), [
      [0, 0, 0],
      [1, 0, 1],
      [0, 1, 0],
    ]);
    assert.deepEqual(new OneHotEncoder({ drop: 'if_binary' }).fit(rows).featureNamesOut(), ['x0_a', 'x0_b', 'x0_c', 'x1_y']);
  });

  void it('treats missing values (null, NaN) as a category sorted last, and encodes numeric matrices', () => {
    const enc = new OneHotEncoder().fit(table({ c: ['b', null, 'a'] }));
    assert.deepEqual(enc.featureNamesOut(), ['c_a', 'c_b', 'c_nan']);
    const m = new OneHotEncoder().fit(Matrix.fromRows([[2], [Number.NaN], [1]]));
    assert.deepEqual(m.featureNamesOut(), ['x0_1', 'x0_2', 'x0_nan']);
  });

  void it('checks given categories against the data, and mixed-type columns', () => {
    assert.throws(() => new OneHotEncoder({ categories: [['red', 'green'], [1, 2, 3]] }).fit(train), /column 'color' has category 'blue' at row 2, which is not in the given categories/);
    assert.throws(() => new OneHotEncoder().fit([['a'], [1]]), /column 'x0' mixes strings and numbers \(row 1 is 1\)/);
  });

  void it('round-trips through the artifact codec and refuses transform before fit', () => {
    const enc = roundTrip(new OneHotEncoder({ handleUnknown: 'ignore' }).fit(train));
    assert.deepEqual(enc.transform(table({ color: ['blue'], size: [9] })).toRows(), [[1, 0, 0, 0, 0, 0]]);
    assert.throws(() => new OneHotEncoder().transform(train), NotFittedError);
  });
});

void describe('OrdinalEncoder', () => {
  void it('codes sorted categories 0..k-1 and keeps column names', () => {
    const enc = new OrdinalEncoder().fit(train);
    const out = enc.transform(train);
    assert.deepEqual(out.columns, ['color', 'size']);
    assert.deepEqual(out.toRows(), [
      [2, 0],
      [1, 1],
      [0, 0],
      [1, 2],
    ]);
  });

  void it('uses the order of given categories, and NaN for missing', () => {
    const enc = new OrdinalEncoder({ categories: [['low', 'mid', 'high']] }).fit([['mid'], ['high'], [null]]);
    const out = enc.transform([['low'], ['high'], [null]]);
    assert.deepEqual(Array.from(out.data.subarray(0, 2)), [0, 2]);
    assert.ok(Number.isNaN(out.data[2]!));
  });

  void it("handles unknown categories with 'use_encoded_value'", () => {
    const enc = new OrdinalEncoder({ handleUnknown: 'use_encoded_value', unknownValue: -1 }).fit(train);
    assert.deepEqual(enc.transform(table({ color: ['pink'], size: [2] })).toRows(), [[-1, 1]]);
    assert.throws(
      () => new OrdinalEncoder().fit(train).transform(table({ color: ['pink'], size: [2] })),
      (e: unknown) => e instanceof DataError && /column 'color' has unknown category 'pink' at row 0/.test(e.message),
    );
    assert.throws(() => new OrdinalEncoder({ handleUnknown: 'use_encoded_value' }), /unknownValue must be an integer or NaN/);
    assert.throws(
      () => new OrdinalEncoder({ handleUnknown: 'use_encoded_value', unknownValue: 1 }).fit(train),
      (e: unknown) => e instanceof ParamError && /unknownValue 1 is already the code of category 'green' in column 'color'/.test(e.message),
    );
  });

  void it('round-trips through the artifact codec', () => {
    assert.deepEqual(roundTrip(new OrdinalEncoder().fit(train)).transform(train).toRows()[0], [2, 0]);
  });
});
