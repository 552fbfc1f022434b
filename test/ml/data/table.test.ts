import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError } from '../../../src/ml/core/errors.js';
import { Matrix, toMatrix } from '../../../src/ml/core/matrix.js';
import { Table } from '../../../src/ml/data/table.js';

function people(): Table {
  return Table.fromColumns({
    age: new Float64Array([30, 40, NaN, 25]),
    n: new Int32Array([1, 2, 3, 4]),
    city: ['Oslo', null, 'Rome', 'Oslo'],
  });
}

const values = (column: ArrayLike<unknown>): unknown[] => Array.from(column);
const isDataError = (pattern: RegExp) => (e: unknown) => e instanceof DataError && pattern.test(e.message);

void describe('Table construction', () => {
  void it('fromColumns keeps typed arrays and converts plain arrays', () => {
    const age = new Float64Array([1, 2]);
    const t = Table.fromColumns({ age, score: [1, null], name: ['a', undefined as unknown as null] });
    assert.equal(t.column('age'), age, 'typed arrays are not copied');
    assert.deepEqual(t.schema(), [
      { name: 'age', type: 'float64' },
      { name: 'score', type: 'float64' },
      { name: 'name', type: 'string' },
    ]);
    assert.deepEqual(values(t.column('score') as Float64Array), [1, NaN]);
    assert.deepEqual(t.column('name'), ['a', null]);
    assert.equal(t.numRows, 2);
    assert.equal(t.numColumns, 3);
  });

  void it('fromColumns honours forced types', () => {
    const t = Table.fromColumns({ k: [1, 2, 3], s: [1, 2, 3] }, { k: 'int32', s: 'string' });
    assert.ok(t.column('k') instanceof Int32Array);
    assert.deepEqual(t.column('s'), ['1', '2', '3']);
    assert.throws(() => Table.fromColumns({ k: [1.5] }, { k: 'int32' }), isDataError(/column 'k': row 0 is 1.5, expected a 32-bit integer/));
  });

  void it('fromRows infers types, unions keys and treats absent keys as missing', () => {
    const t = Table.fromRows([
      { a: 1, b: 'x', flag: true },
      { a: 2.5, c: 7, flag: false },
      { a: null, b: 3 },
    ]);
    assert.deepEqual(t.columnNames, ['a', 'b', 'flag', 'c']);
    assert.deepEqual(Array.from(t.numericColumn('a')), [1, 2.5, NaN]);
    assert.deepEqual(t.column('b'), ['x', null, '3'], 'a string makes the column a string column');
    assert.deepEqual(Array.from(t.numericColumn('flag')), [1, 0, NaN]);
    assert.deepEqual(Array.from(t.numericColumn('c')), [NaN, 7, NaN]);
  });

  void it('fromRows with explicit columns keeps only those, in order', () => {
    const t = Table.fromRows([{ a: 1, b: 2 }], { columns: ['b', 'z'] });
    assert.deepEqual(t.columnNames, ['b', 'z']);
    assert.deepEqual(t.row(0), { b: 2, z: NaN });
  });

  void it('rejects mismatched lengths, duplicate names and bad cells', () => {
    assert.throws(() => Table.fromColumns({ a: [1, 2], b: [1] }), isDataError(/column 'b' has 1 values but 'a' has 2/));
    assert.throws(() => Table.fromEntries([['a', [1]], ['a', [2]]]), isDataError(/column 'a' appears twice/));
    assert.throws(() => Table.fromRows([{ a: 1 }, { a: { nested: true } }]), isDataError(/column 'a': row 1 is an object/));
  });

  void it('fromEntries keeps integer-like names in the given order', () => {
    const t = Table.fromEntries([['b', [1]], ['2', [2]], ['1', [3]]]);
    assert.deepEqual(t.columnNames, ['b', '2', '1']);
  });
});

void describe('Table access', () => {
  void it('unknown columns list the available ones', () => {
    assert.throws(() => people().column('agee'), isDataError(/unknown column 'agee'; available columns: 'age', 'n', 'city'/));
    assert.throws(() => people().select(['x']), isDataError(/unknown column 'x'/));
    assert.throws(() => people().drop(['x']), isDataError(/unknown column 'x'/));
  });

  void it('numericColumn converts int32, parses numeric strings and names the first bad row', () => {
    const t = Table.fromColumns({ n: new Int32Array([3, 4]), s: ['1.5', null], bad: ['1', 'oops'] });
    assert.deepEqual(Array.from(t.numericColumn('n')), [3, 4]);
    assert.ok(t.numericColumn('n') instanceof Float64Array);
    assert.deepEqual(Array.from(t.numericColumn('s')), [1.5, NaN]);
    assert.throws(() => t.numericColumn('bad'), isDataError(/column 'bad' is not numeric: row 1 is the string "oops"/));
  });

  void it('rows() and row() give plain objects', () => {
    const rows = [...people().rows()];
    assert.equal(rows.length, 4);
    assert.deepEqual(rows[1], { age: 40, n: 2, city: null });
    assert.deepEqual(people().row(2), { age: NaN, n: 3, city: 'Rome' });
    assert.throws(() => people().row(4), isDataError(/row 4 is out of range; the table has 4 rows/));
  });
});

void describe('Table operations', () => {
  void it('select, drop, rename', () => {
    const t = people();
    assert.deepEqual(t.select(['city', 'age']).columnNames, ['city', 'age']);
    assert.deepEqual(t.drop(['n']).columnNames, ['age', 'city']);
    assert.deepEqual(t.rename({ n: 'count' }).columnNames, ['age', 'count', 'city']);
  });

  void it('filter by predicate and by mask', () => {
    const t = people();
    const n = t.column('n') as Int32Array;
    assert.deepEqual(values(t.filter((i) => n[i]! % 2 === 0).column('n')), [2, 4]);
    assert.deepEqual(t.filter([true, false, true, false]).column('city'), ['Oslo', 'Rome']);
    assert.deepEqual(t.filter(new Uint8Array([0, 1, 0, 0])).row(0), { age: 40, n: 2, city: null });
    assert.throws(() => t.filter([true]), isDataError(/mask has 1 entries but the table has 4 rows/));
  });

  void it('take, slice, head', () => {
    const t = people();
    assert.deepEqual(values(t.take([3, 0, 0]).column('n')), [4, 1, 1]);
    assert.throws(() => t.take([0, 4]), isDataError(/index 4 at position 1 is out of range/));
    assert.deepEqual(values(t.slice(1, 3).column('n')), [2, 3]);
    assert.deepEqual(values(t.slice(-1).column('n')), [4]);
    assert.deepEqual(t.head(2).column('city'), ['Oslo', null]);
    assert.equal(t.head(10).numRows, 4);
    assert.equal(t.slice(3, 1).numRows, 0);
  });

  void it('concat requires the same schema', () => {
    const t = people();
    const both = t.concat(t.head(1));
    assert.equal(both.numRows, 5);
    assert.deepEqual(both.column('city'), ['Oslo', null, 'Rome', 'Oslo', 'Oslo']);
    assert.deepEqual(values(both.column('n')), [1, 2, 3, 4, 1]);
    assert.throws(
      () => t.concat(t.drop(['n'])),
      isDataError(/schemas differ; this table has \[age:float64, n:int32, city:string\], the other has \[age:float64, city:string\]/),
    );
    const floatN = t.withColumn('n', t.numericColumn('n'));
    assert.throws(() => t.concat(floatN), isDataError(/n:int32.*n:float64/));
  });

  void it('withColumn appends or replaces in place', () => {
    const t = people();
    const added = t.withColumn('double', [2, 4, 6, 8]);
    assert.deepEqual(added.columnNames, ['age', 'n', 'city', 'double']);
    const replaced = t.withColumn('n', ['a', 'b', 'c', 'd']);
    assert.deepEqual(replaced.columnNames, ['age', 'n', 'city']);
    assert.equal(replaced.columnType('n'), 'string');
    assert.equal(t.columnType('n'), 'int32', 'the original is unchanged');
    assert.throws(() => t.withColumn('x', [1]), isDataError(/column 'x' has 1 values but the table has 4 rows/));
  });

  void it('describe() matches hand-computed statistics', () => {
    const t = Table.fromColumns({ a: new Float64Array([1, 2, 3, 4, NaN]), s: ['x', 'y', 'x', null, 'x'] });
    const [a, s] = t.describe();
    assert.deepEqual(a, {
      name: 'a', type: 'float64', count: 4, missing: 1, mean: 2.5, std: Math.sqrt(5 / 3),
      min: 1, q25: 1.75, median: 2.5, q75: 3.25, max: 4,
    });
    assert.deepEqual(s, { name: 's', type: 'string', count: 4, missing: 1, unique: 2, top: 'x', topCount: 3 });
    const [empty] = Table.fromColumns({ e: new Float64Array([NaN]) }).describe();
    assert.equal(empty!.count, 0);
    assert.ok(Number.isNaN((empty as { mean: number }).mean));
  });

  void it('toMatrix and core toMatrix read numeric columns', () => {
    const t = Table.fromColumns({ a: [1, 2], b: new Int32Array([3, 4]), c: ['x', 'y'] });
    const m = t.toMatrix(['a', 'b']);
    assert.deepEqual(m.toRows(), [[1, 3], [2, 4]]);
    assert.deepEqual(m.columns, ['a', 'b']);
    assert.deepEqual(toMatrix(t.select(['b', 'a'])).toRows(), [[3, 1], [4, 2]]);
    assert.throws(() => toMatrix(t), isDataError(/column 'c' is not numeric: row 0 is the string "x"/));
    const back = Table.fromMatrix(new Matrix(2, 2, new Float64Array([1, 2, 3, 4])));
    assert.deepEqual(back.columnNames, ['x0', 'x1']);
    assert.deepEqual(values(back.column('x1')), [2, 4]);
  });

  void it('empty tables keep their schema', () => {
    const e = Table.empty([{ name: 'a', type: 'float64' }, { name: 's', type: 'string' }]);
    assert.equal(e.numRows, 0);
    assert.deepEqual(e.schema(), [{ name: 'a', type: 'float64' }, { name: 's', type: 'string' }]);
    assert.throws(() => toMatrix(e), isDataError(/empty/));
    assert.equal(e.describe()[0]!.count, 0);
  });

  void it('equals compares values (NaN = NaN), names and types', () => {
    assert.ok(people().equals(people()));
    assert.ok(!people().equals(people().head(3)));
    assert.ok(!people().equals(people().withColumn('n', people().numericColumn('n'))));
  });
});
