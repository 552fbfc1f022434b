import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import * as arrow from 'apache-arrow';
import { DataError } from '../../../src/ml/core/errors.js';
import {
  fromArrowIPC,
  readArrow,
  readCsv,
  readJsonl,
  readParquet,
  Table,
  toArrowIPC,
  toParquet,
  writeArrow,
  writeCsv,
  writeJsonl,
  writeParquet,
} from '../../../src/ml/data/index.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-ml-io-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every type, missing values, and strings that need quoting. */
function sample(): Table {
  return Table.fromEntries([
    ['x', new Float64Array([1.5, NaN, 0.1 + 0.2, -1e-300, 42])],
    ['k', new Int32Array([1, -2, 2147483647, 0, -2147483648])],
    ['s', ['plain', null, 'a,b', 'q"uote\nnewline', 'ünï 🚀']],
  ]);
}

const isDataError = (pattern: RegExp) => (e: unknown) => e instanceof DataError && pattern.test(e.message);

void describe('CSV', () => {
  void it('round-trips values, NaN and null; int32 needs types', async () => {
    const path = join(dir, 'sample.csv');
    await writeCsv(sample(), path);
    const back = await readCsv(path, { types: { k: 'int32' } });
    assert.ok(back.equals(sample()), JSON.stringify([...back.rows()]));
    const inferred = await readCsv(path);
    assert.deepEqual(inferred.schema().map((c) => c.type), ['float64', 'float64', 'string']);
    assert.equal((await readFile(path, 'utf8')).split('\n')[2], ',-2,', 'NaN and null are empty cells');
  });

  void it('infers per column: all-numeric → float64, otherwise strings; empty → NaN / null', async () => {
    const t = await readCsv(Readable.from(['a;b;c\n1;x;\n2.5;;\n', '-3;7;\n']), { delimiter: ';' });
    assert.deepEqual(t.schema(), [
      { name: 'a', type: 'float64' },
      { name: 'b', type: 'string' },
      { name: 'c', type: 'float64' },
    ]);
    assert.deepEqual(Array.from(t.numericColumn('a')), [1, 2.5, -3]);
    assert.deepEqual(t.column('b'), ['x', null, '7']);
    assert.deepEqual(Array.from(t.numericColumn('c')), [NaN, NaN, NaN]);
  });

  void it('supports headerless files, column selection, custom missing markers', async () => {
    const noHeader = await readCsv(Readable.from(['1,2\n3,4\n']), { header: false, columns: ['p', 'q'] });
    assert.deepEqual(noHeader.toMatrix().toRows(), [[1, 2], [3, 4]]);
    const auto = await readCsv(Readable.from(['1,2\n']), { header: false });
    assert.deepEqual(auto.columnNames, ['column_0', 'column_1']);
    const picked = await readCsv(Readable.from(['a,b,c\n1,2,3\n']), { columns: ['c', 'a'] });
    assert.deepEqual(picked.toMatrix().toRows(), [[3, 1]]);
    const na = await readCsv(Readable.from(['a,s\nNA,x\n2,NA\n']), { missing: ['', 'NA'] });
    assert.deepEqual(Array.from(na.numericColumn('a')), [NaN, 2]);
    assert.deepEqual(na.column('s'), ['x', null]);
  });

  void it('writes to a stream with a custom delimiter', async () => {
    const sink = new PassThrough();
    const text: string[] = [];
    sink.on('data', (chunk: Buffer) => text.push(chunk.toString()));
    await writeCsv(Table.fromColumns({ a: [1, NaN], b: ['x;y', null] }), sink, { delimiter: ';' });
    assert.equal(text.join(''), 'a;b\n1;"x;y"\n;\n');
  });

  void it('errors name the file, line and column', async () => {
    const path = join(dir, 'bad.csv');
    await writeFile(path, 'a,b\n1,2\n"two\nlines",3\n4,oops\n');
    await assert.rejects(readCsv(path, { types: { b: 'float64' } }), isDataError(/bad\.csv' line 5 \(row 2\), column 'b' is "oops", not a number/));
    await assert.rejects(readCsv(path, { types: { a: 'int32' } }), isDataError(/line 4 \(row 1\), column 'a' is "two\\nlines"; the column was declared int32/));
    await assert.rejects(readCsv(path, { columns: ['z'] }), isDataError(/has no column 'z'; its header has 'a', 'b'/));
    await writeFile(path, 'a,b\n1,2\n3\n');
    await assert.rejects(readCsv(path), isDataError(/bad\.csv': Invalid Record Length: expect 2, got 1 on line 3/));
    await writeFile(path, 'a,a\n1,2\n');
    await assert.rejects(readCsv(path), isDataError(/names column 'a' twice/));
    await writeFile(path, '');
    await assert.rejects(readCsv(path), isDataError(/is empty; expected a header line/));
    await assert.rejects(readCsv(join(dir, 'missing.csv')), isDataError(/missing\.csv': ENOENT/));
  });
});

void describe('JSON lines', () => {
  void it('round-trips values and missing values', async () => {
    const path = join(dir, 'sample.jsonl');
    await writeJsonl(sample(), path);
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    assert.equal(lines.length, 5);
    assert.deepEqual(JSON.parse(lines[1]!), { x: null, k: -2, s: null });
    assert.ok((await readJsonl(path, { types: { k: 'int32' } })).equals(sample()));
  });

  void it('infers from values, unions keys, skips blank lines', async () => {
    const t = await readJsonl(Readable.from(['{"a":1,"b":"x"}\r\n\n{"a":true,"c":null}\n{"b":2}']));
    assert.deepEqual(t.columnNames, ['a', 'b', 'c']);
    assert.deepEqual(Array.from(t.numericColumn('a')), [1, 1, NaN]);
    assert.deepEqual(t.column('b'), ['x', null, '2']);
  });

  void it('errors name the file, line and key', async () => {
    const path = join(dir, 'bad.jsonl');
    await writeFile(path, '{"a":1}\n{"a":[1,2]}\n');
    await assert.rejects(readJsonl(path), isDataError(/bad\.jsonl' line 2, key 'a' is an array/));
    await writeFile(path, '{"a":1}\n\n{"a":\n');
    await assert.rejects(readJsonl(path), isDataError(/line 3 is not valid JSON/));
    await writeFile(path, '[1]\n');
    await assert.rejects(readJsonl(path), isDataError(/line 1 is an array; each line must be a JSON object/));
  });
});

void describe('Parquet', () => {
  void it('round-trips every type, NaN and null through a file', async () => {
    const path = join(dir, 'sample.parquet');
    await writeParquet(sample(), path);
    const back = await readParquet(path);
    assert.deepEqual(back.schema(), sample().schema());
    assert.ok(back.equals(sample()));
  });

  void it('reads selected columns from bytes, across row groups', async () => {
    const n = 2500;
    const t = Table.fromColumns({ i: Int32Array.from({ length: n }, (_, i) => i), s: Array.from({ length: n }, (_, i) => (i % 3 ? `v${i}` : null)) });
    const bytes = await toParquet(t, { rowGroupSize: 1000, compression: 'UNCOMPRESSED' });
    const back = await readParquet(bytes, { columns: ['s', 'i'] });
    assert.deepEqual(back.columnNames, ['s', 'i']);
    assert.ok(back.equals(t.select(['s', 'i'])));
    await assert.rejects(readParquet(bytes, { columns: ['nope'] }), isDataError(/no column 'nope'; columns are 'i', 's'/));
  });

  void it('refuses bytes that are not Parquet, naming the file', async () => {
    const path = join(dir, 'not.parquet');
    await writeFile(path, 'hello');
    await assert.rejects(readParquet(path), isDataError(/readParquet '.*not\.parquet' is not a Parquet file/));
  });
});

void describe('Arrow IPC', () => {
  void it('round-trips through a file and the stream format', async () => {
    const path = join(dir, 'sample.arrow');
    await writeArrow(sample(), path);
    assert.ok((await readArrow(path)).equals(sample()));
    assert.ok((await fromArrowIPC(await toArrowIPC(sample(), { format: 'stream' }))).equals(sample()));
  });

  void it('converts foreign Arrow types: nulls, dictionaries, int64, bool, timestamps', async () => {
    const foreign = arrow.tableFromArrays({
      f: [1, null, 3],
      d: ['a', 'b', null],
      big: BigInt64Array.from([1n, 2n, 3n]),
      small: Int16Array.from([1, 2, 3]),
      b: [true, false, null],
      t: [new Date(0), null, new Date(86_400_000)],
    });
    const t = await fromArrowIPC(arrow.tableToIPC(foreign));
    assert.deepEqual(t.schema().map((c) => `${c.name}:${c.type}`), ['f:float64', 'd:string', 'big:float64', 'small:int32', 'b:float64', 't:string']);
    assert.deepEqual(t.row(1), { f: NaN, d: 'b', big: 2, small: 2, b: 0, t: null });
    assert.deepEqual(t.row(2), { f: 3, d: null, big: 3, small: 3, b: NaN, t: '1970-01-02T00:00:00.000Z' });
  });

  void it('refuses nested columns, naming them', async () => {
    const nested = arrow.tableFromArrays({ ok: [1, 2], list: [[1], [2, 3]] } as Record<string, unknown[]>);
    await assert.rejects(fromArrowIPC(arrow.tableToIPC(nested)), isDataError(/column 'list' has Arrow type List/));
    assert.deepEqual((await fromArrowIPC(arrow.tableToIPC(nested), { columns: ['ok'] })).columnNames, ['ok']);
  });
});
