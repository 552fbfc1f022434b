import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRunId, newRunId, runIdTime } from '../../src/store/ids.js';

type IdsModule = typeof import('../../src/store/ids.js');
let instances = 0;
/** A fresh copy of the module (its own "last id" state), like another process. */
const fresh = async (): Promise<IdsModule> => (await import(`../../src/store/ids.js?instance=${instances++}`)) as IdsModule;

const T = Date.UTC(2026, 0, 15, 12, 0, 0, 123);

void describe('newRunId', () => {
  void it('is 15 characters of [0-9a-z], safe in paths and URLs', () => {
    const id = newRunId();
    assert.match(id, /^[0-9a-z]{15}$/);
    assert.equal(encodeURIComponent(id), id);
    assert.ok(isRunId(id));
  });

  void it('keeps creation order in a tight loop on the real clock', () => {
    const ids = Array.from({ length: 10_000 }, () => newRunId());
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
  });

  void it('encodes its creation time', async () => {
    const { newRunId: make } = await fresh();
    assert.equal(runIdTime(make(T)), T);
    assert.equal(runIdTime(make(0)), T, 'an earlier clock reading keeps the last time');
  });

  void it('sorts by creation time across milliseconds', async () => {
    const { newRunId: make } = await fresh();
    const earlier = make(T);
    const later = make(T + 1);
    const muchLater = make(T + 86_400_000 * 365);
    assert.ok(earlier < later && later < muchLater);
  });

  void it('keeps creation order for many ids in the same millisecond', async () => {
    const { newRunId: make } = await fresh();
    const ids = Array.from({ length: 5000 }, () => make(T));
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort(), ids);
    assert.ok(ids.every((id) => runIdTime(id) === T));
  });

  void it('keeps creation order when the clock goes backwards', async () => {
    const { newRunId: make } = await fresh();
    const first = make(T + 1000);
    const second = make(T);
    assert.ok(second > first);
  });

  void it('two processes in the same millisecond share the time prefix but not the id', async () => {
    const a = await fresh();
    const b = await fresh();
    assert.notEqual(a.newRunId, b.newRunId);
    const ids = [a.newRunId(T), b.newRunId(T)];
    assert.notEqual(ids[0], ids[1]);
    assert.equal(ids[0]!.slice(0, 9), ids[1]!.slice(0, 9));
  });

  void it('runIdTime refuses strings that are not run ids', () => {
    assert.throws(() => runIdTime('../x'), /'\.\.\/x' is not a Sluice run id/);
    assert.equal(isRunId('ABCDEFGHIJKLMNO'), false);
  });
});
