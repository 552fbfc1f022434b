import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFixture, tempHome } from '../helpers/run.js';

test('aborting a run kills running tasks (even a synchronous loop) and records the run as interrupted', async () => {
  const home = tempHome();
  const controller = new AbortController();
  let started = 0;
  const begun = Date.now();
  const run = await runFixture('slow.ts', {
    home: home.home,
    signal: controller.signal,
    observer: {
      log: (chunk) => {
        if (chunk.text.startsWith('started') && ++started === 2) controller.abort('test abort');
      },
    },
  });
  assert.ok(Date.now() - begun < 30_000, 'the run stopped long before its tasks would have finished');
  assert.equal(run.result.status, 'failed');
  const wait = run.step('wait');
  assert.equal(wait.length, 2);
  for (const task of wait) {
    assert.equal(task.status, 'failed');
    assert.equal(task.error!.type, 'Interrupted');
    assert.match(task.error!.message, /interrupted \(test abort\)/);
  }
  const record = await run.store.meta.getRun(run.result.runId);
  assert.equal(record!.status, 'failed');
  assert.match(record!.error!, /interrupted/);
  await run.close();
  home.cleanup();
});
