import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FsLogStore } from '../../src/store/logs.js';
import type { LogKey } from '../../src/store/types.js';

const base = mkdtempSync(join(tmpdir(), 'sluice-logs-'));
after(() => rmSync(base, { recursive: true, force: true }));
let counter = 0;
const freshStore = (): FsLogStore => new FsLogStore(join(base, `logs${counter++}`));
const key: LogKey = { flow: 'TrainFlow', runId: 'mhf0q3k2a4x9z1b', step: 'train', taskId: 7, attempt: 1 };

void describe('FsLogStore', () => {
  void it('writes to <flow>/<runId>/<step>/<taskId>.<attempt>.<stream>', () => {
    const store = freshStore();
    const writer = store.open(key, 'stdout');
    writer.write('hello ');
    writer.write(Buffer.from('world\n'));
    writer.close();
    const path = join(store.root, 'TrainFlow', 'mhf0q3k2a4x9z1b', 'train', '7.1.stdout');
    assert.equal(store.pathOf(key, 'stdout'), path);
    assert.equal(readFileSync(path, 'utf8'), 'hello world\n');
    assert.equal(store.read(key, 'stdout'), 'hello world\n');
  });

  void it('keeps stdout and stderr, and attempts, apart', () => {
    const store = freshStore();
    const out = store.open(key, 'stdout');
    const err = store.open(key, 'stderr');
    const retry = store.open({ ...key, attempt: 2 }, 'stdout');
    out.write('out');
    err.write('err');
    retry.write('second try');
    for (const w of [out, err, retry]) w.close();
    assert.equal(store.read(key, 'stdout'), 'out');
    assert.equal(store.read(key, 'stderr'), 'err');
    assert.equal(store.read({ ...key, attempt: 2 }, 'stdout'), 'second try');
  });

  void it('creates no file for a task that prints nothing (empty writes included)', () => {
    const store = freshStore();
    const writer = store.open(key, 'stdout');
    writer.write('');
    writer.write(new Uint8Array(0));
    writer.close();
    assert.equal(existsSync(store.pathOf(key, 'stdout')), false);
    assert.equal(existsSync(store.root), false);
    assert.equal(store.read(key, 'stdout'), '');
    assert.deepEqual(store.readFrom(key, 'stdout', 0), { text: '', nextOffset: 0 });
  });

  void it('appends across writers of the same attempt (a reopened stream continues)', () => {
    const store = freshStore();
    const first = store.open(key, 'stderr');
    first.write('a\n');
    first.close();
    const second = store.open(key, 'stderr');
    second.write('b\n');
    second.close();
    assert.equal(store.read(key, 'stderr'), 'a\nb\n');
  });

  void it('readFrom tails a log while it is being written', () => {
    const store = freshStore();
    const writer = store.open(key, 'stdout');
    writer.write('line 1\n');
    const first = store.readFrom(key, 'stdout', 0);
    assert.deepEqual(first, { text: 'line 1\n', nextOffset: 7 });
    assert.deepEqual(store.readFrom(key, 'stdout', first.nextOffset), { text: '', nextOffset: 7 });
    writer.write('line 2\n');
    assert.deepEqual(store.readFrom(key, 'stdout', first.nextOffset), { text: 'line 2\n', nextOffset: 14 });
    writer.close();
  });

  void it('readFrom never splits a multi-byte character', () => {
    const store = freshStore();
    const writer = store.open(key, 'stdout');
    const euro = Buffer.from('€'); // 3 bytes: e2 82 ac
    writer.write(Buffer.concat([Buffer.from('a'), euro.subarray(0, 2)]));
    const partial = store.readFrom(key, 'stdout', 0);
    assert.deepEqual(partial, { text: 'a', nextOffset: 1 });
    writer.write(euro.subarray(2));
    writer.write('😀');
    assert.deepEqual(store.readFrom(key, 'stdout', partial.nextOffset), { text: '€😀', nextOffset: 8 });
    writer.close();
  });

  void it('refuses writes after close, naming the log', () => {
    const store = freshStore();
    const writer = store.open(key, 'stdout');
    writer.close();
    writer.close(); // idempotent
    assert.throws(() => writer.write('late'), /log .*7\.1\.stdout is closed/);
  });

  void it('rejects key parts that could escape the logs directory', () => {
    const store = freshStore();
    const cases: [Partial<LogKey>, RegExp][] = [
      [{ flow: '..' }, /log flow name '\.\.' is not a usable path part/],
      [{ runId: '.' }, /log run id '\.' is not a usable path part/],
      [{ step: '' }, /log step name '' is not a usable path part/],
      [{ step: 'a/../../x' }, /log step name 'a\/\.\.\/\.\.\/x' contains '\/'/],
      [{ flow: 'a\\b' }, /log flow name 'a\\b' contains/],
      [{ runId: 'r\0x' }, /log run id 'r\\0x' contains .*NUL/],
      [{ taskId: -1 }, /log task id -1 must be a non-negative integer/],
      [{ attempt: 1.5 }, /log attempt 1\.5 must be a non-negative integer/],
    ];
    for (const [patch, message] of cases) {
      const bad = { ...key, ...patch };
      assert.throws(() => store.open(bad, 'stdout'), { name: 'StoreError', message });
      assert.throws(() => store.read(bad, 'stdout'), { name: 'StoreError', message });
    }
    assert.throws(() => store.read(key, 'stdin' as 'stdout'), /log stream 'stdin' is not one of stdout, stderr/);
    assert.throws(() => store.readFrom(key, 'stdout', -3), /log read offset -3 must be a non-negative integer/);
  });
});
