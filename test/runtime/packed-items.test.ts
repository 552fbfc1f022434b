/** Foreach items stored packed, on real runs with the pool executor: order, values, reads, resume. */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { resumeFlow } from '../../src/index.js';
import { PACK_ITEM_MAX_BYTES } from '../../src/store/values.js';
import { runFixture, tempHome } from '../helpers/run.js';

const home = tempHome('sluice-packed-');
after(() => home.cleanup());

const N = 2000;
const isBig = (i: number): boolean => i % 500 === 7;
const expectedSums = Array.from({ length: N }, (_, i) => (isBig(i) ? i * 10_000 : i + i / 2));

test('a 2,000-item foreach over packed items: every task gets its item, the join sees all of them in order', async () => {
  const run = await runFixture('foreach-packed.ts', { home: home.home, executor: 'pool', maxWorkers: 2 });
  assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
  const [gather] = run.step('gather');
  assert.deepEqual(await run.artifact(gather!, 'order'), Array.from({ length: N }, (_, i) => i));
  assert.deepEqual(await run.artifact(gather!, 'sums'), expectedSums);

  const each = run.step('each');
  assert.equal(each.length, N);
  const items = each.map((t) => t.foreachStack.at(-1)!.item!);
  const packs = new Set(items.filter((p) => p.pack !== undefined).map((p) => p.pack));
  assert.ok(packs.size >= 1 && packs.size <= 2, `${packs.size} packs hold the ${N - 4} small items`);
  each.forEach((task, k) => {
    const item = items[k]!;
    const index = task.foreachStack.at(-1)!.index;
    assert.equal(item.pack === undefined, isBig(index), `item ${index}: only the big items have blobs of their own`);
    if (isBig(index)) assert.ok(item.bytes > PACK_ITEM_MAX_BYTES);
    // Each task read its item, counted as the item's own bytes (the pack is read once per worker).
    assert.equal(task.stats?.bytesRead, item.bytes, `task ${task.taskId} (item ${index})`);
  });
  await run.close();
});

test('resuming a run whose packed item failed clones the finished items and re-runs the rest', async () => {
  process.env.FAIL_ITEM = '1234';
  let origin;
  try {
    origin = await runFixture('foreach-packed.ts', { home: home.home, executor: 'pool', maxWorkers: 2 });
  } finally {
    delete process.env.FAIL_ITEM;
  }
  assert.equal(origin.result.status, 'failed');
  const done = origin.step('each').filter((t) => t.status === 'done').length;
  assert.ok(done > 0 && done < N, `${done} items finished before the failure`);
  const resumed = await resumeFlow({ home: home.home, origin: origin.result.pathspec, maxWorkers: 2, env: {} });
  assert.equal(resumed.status, 'succeeded', JSON.stringify(resumed.failures));
  const tasks = await origin.store.meta.listTasks(resumed.runId, { limit: 100_000 });
  const each = tasks.filter((t) => t.step === 'each');
  // The new run stored the same list again: same item digests, so every finished item is cloned.
  assert.equal(each.filter((t) => t.attempts?.[0]?.status === 'cloned').length, done);
  assert.equal(each.length, N);
  const gather = tasks.find((t) => t.step === 'gather')!;
  const artifacts = await origin.store.meta.listArtifacts(resumed.runId, gather.taskId);
  const { loadValue } = await import('../../src/store/values.js');
  assert.deepEqual(loadValue(origin.store.blobs, artifacts.find((a) => a.name === 'order')!), Array.from({ length: N }, (_, i) => i));
  assert.deepEqual(loadValue(origin.store.blobs, artifacts.find((a) => a.name === 'sums')!), expectedSums);
  await origin.close();
});
