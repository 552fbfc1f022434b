import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Matrix } from '../../../src/ml/core/matrix.js';
import '../../../src/ml/core/matrix-codec.js';
import { decodeValue, encodeValue } from '../../../src/store/codecs.js';

test('a Matrix round-trips through its codec with shape, values and column names', () => {
  const m = new Matrix(2, 3, Float64Array.from([1, 2, 3, 4, 5, NaN]), ['a', 'b', 'c']);
  const encoded = encodeValue(m);
  assert.equal(encoded.codec, 'ml.Matrix');
  assert.equal(encoded.type, 'Matrix(2×3)');
  const decoded = decodeValue(encoded.codec, Buffer.concat(encoded.chunks.map((c) => Buffer.from(c)))) as Matrix;
  assert.ok(decoded instanceof Matrix);
  assert.deepEqual([decoded.rows, decoded.cols, decoded.columns], [2, 3, ['a', 'b', 'c']]);
  assert.deepEqual(Array.from(decoded.data), [1, 2, 3, 4, 5, NaN]);
});

test('a truncated Matrix blob is rejected with the expected size', () => {
  const encoded = encodeValue(new Matrix(2, 2, Float64Array.from([1, 2, 3, 4])));
  const bytes = Buffer.concat(encoded.chunks.map((c) => Buffer.from(c)));
  assert.throws(() => decodeValue('ml.Matrix', bytes.subarray(0, bytes.length - 8)), /ml\.Matrix blob is \d+ bytes, expected \d+ for 2×2/);
});
