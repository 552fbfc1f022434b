import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CodecError, decodeValue, encodeValue } from '../../../src/store/codecs.js';
import { Table } from '../../../src/ml/data/index.js';

function roundTrip(t: Table): { back: Table; codec: string; type: string; bytes: Uint8Array } {
  const enc = encodeValue(t);
  const bytes = Buffer.concat(enc.chunks as Uint8Array[]);
  return { back: decodeValue(enc.codec, bytes) as Table, codec: enc.codec, type: enc.type, bytes };
}

void describe('ml.Table codec', () => {
  void it('round-trips every column type, NaN, null and unicode', () => {
    const t = Table.fromColumns({
      x: new Float64Array([1.5, NaN, -0, Infinity]),
      k: new Int32Array([-2147483648, 0, 7, 2147483647]),
      s: ['plain', null, '', 'ünïcødé ✓ 🚀'],
    });
    const { back, codec, type } = roundTrip(t);
    assert.equal(codec, 'ml.Table');
    assert.equal(type, 'Table(4×3)');
    assert.ok(back.equals(t));
    assert.deepEqual(back.schema(), t.schema());
    assert.ok(Object.is((back.column('x') as Float64Array)[2], -0));
    assert.deepEqual(back.column('s'), ['plain', null, '', 'ünïcødé ✓ 🚀']);
  });

  void it('stores raw column bytes, not JSON rows', () => {
    const n = 1000;
    const t = Table.fromColumns({ a: new Float64Array(n).fill(Math.PI), b: new Float64Array(n) });
    const { bytes, back } = roundTrip(t);
    // 2 × 8 bytes × 1000 rows plus a small header.
    assert.ok(bytes.byteLength >= 16_000 && bytes.byteLength < 16_300, `size ${bytes.byteLength}`);
    assert.ok(back.equals(t));
  });

  void it('decodes from an unaligned buffer and handles empty tables', () => {
    const t = Table.fromColumns({ a: new Float64Array([1, 2]), s: ['a', 'b'] });
    const enc = encodeValue(t);
    const padded = Buffer.concat([Buffer.from([9]), ...(enc.chunks as Uint8Array[])]);
    assert.ok((decodeValue('ml.Table', padded.subarray(1)) as Table).equals(t));
    const empty = Table.empty([{ name: 'a', type: 'int32' }]);
    const { back } = roundTrip(empty);
    assert.deepEqual(back.schema(), [{ name: 'a', type: 'int32' }]);
    assert.equal(back.numRows, 0);
  });

  void it('rejects bytes it did not write', () => {
    assert.throws(() => decodeValue('ml.Table', Buffer.from('{"rows":1}')), (e: unknown) => e instanceof CodecError && /SLTB magic/.test(e.message));
    const { bytes } = roundTrip(Table.fromColumns({ a: [1, 2, 3] }));
    assert.throws(() => decodeValue('ml.Table', bytes.subarray(0, bytes.byteLength - 8)), /truncated/);
  });
});
