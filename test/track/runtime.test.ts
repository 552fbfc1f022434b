import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { runFixture, tempHome } from '../helpers/run.js';

const home = tempHome('sluice-track-runtime-');
after(() => home.cleanup());

void describe('tracking inside flows', () => {
  void it('logs params, metric histories (NaN, ±Infinity kept) and tags from several tasks; flow params are recorded', async () => {
    const run = await runFixture('track-basic.ts', { home: home.home });
    try {
      assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
      const { runId } = run.result;
      const start = run.step('start')[0]!.taskId;
      const tracking = run.store.meta.tracking;
      const params = await tracking.getParams(runId);
      assert.deepEqual(
        params.map((p) => [p.key, p.value, p.source, p.taskId]),
        [
          ['depth', 3, 'logged', start],
          ['layers', [8, 4], 'logged', start],
          ['lr', 0.1, 'flow', null],
          ['model', 'rf', 'flow', null],
          ['note', 'first try', 'logged', start],
        ],
      );
      const loss = await tracking.getMetricHistory(runId, 'loss');
      assert.deepEqual(loss.map((p) => [p.step, p.value]), [[0, 1], [1, 0.5], [2, 1 / 3], [3, 0.25], [4, 0.2]]);
      assert.deepEqual((await tracking.getMetricHistory(runId, 'weird')).map((p) => [p.step, p.value]), [[0, NaN], [2, -Infinity], [7, Infinity]]);
      const summaries = Object.fromEntries((await tracking.getMetricSummaries(runId)).map((s) => [s.key, s]));
      assert.deepEqual(Object.keys(summaries), ['a', 'b', 'final', 'item_score', 'loss', 'weird']);
      assert.deepEqual([summaries.loss!.value, summaries.loss!.step, summaries.loss!.min, summaries.loss!.max, summaries.loss!.count, summaries.loss!.taskId], [0.2, 4, 0.2, 1, 5, start]);
      assert.deepEqual([summaries.weird!.value, summaries.weird!.min, summaries.weird!.max, summaries.weird!.count], [Infinity, -Infinity, Infinity, 3]);
      assert.deepEqual([summaries.item_score!.min, summaries.item_score!.max, summaries.item_score!.count], [10, 30, 3]);
      const eachIds = run.step('each').map((t) => t.taskId);
      assert.ok(eachIds.includes(summaries.item_score!.taskId!), 'the latest item score names a split task');
      assert.deepEqual([summaries.final!.step, summaries.final!.timestamp, summaries.a!.step], [10, 1_800_000_000_000, 3]);
      const tags = await tracking.getRunTags(runId);
      assert.equal(tags.team, 'vision');
      assert.equal(tags.runtime, 'local');
      const events = await run.store.meta.listEvents({ runId });
      assert.deepEqual(events.filter((e) => e.kind === 'param-conflict' || e.kind === 'record-problem'), []);
    } finally {
      await run.close();
    }
  });

  void it("changing a flow param fails the step, naming the key and both values", async () => {
    const run = await runFixture('track-conflict.ts', { home: home.home, params: { values: { mode: 'flow' } } });
    try {
      assert.equal(run.result.status, 'failed');
      const [failure] = run.result.failures;
      assert.equal(failure?.step, 'start');
      assert.equal(failure?.error.type, 'ParamConflictError');
      assert.match(failure!.error.message, new RegExp(`param 'lr' of run ${run.result.runId} is already "0.1"; it cannot change to "0.5"`));
    } finally {
      await run.close();
    }
  });

  void it('a later task changing a param fails, and the first value stays', async () => {
    const run = await runFixture('track-conflict.ts', { home: home.home, params: { values: { mode: 'later' } } });
    try {
      assert.equal(run.result.status, 'failed');
      assert.deepEqual(run.result.failures.map((f) => [f.step, f.item?.index]), [['each', 1]]);
      assert.match(run.result.failures[0]!.error.message, /param 'seed' of run \w+ is already "7"; it cannot change to "8"/);
      assert.equal((await run.store.meta.tracking.getParams(run.result.runId)).find((p) => p.key === 'seed')?.value, 7);
    } finally {
      await run.close();
    }
  });

  void it('two tasks racing in different workers with different values: exactly one fails', async () => {
    const run = await runFixture('track-conflict.ts', { home: home.home, params: { values: { mode: 'race' } } });
    try {
      assert.equal(run.result.status, 'failed');
      assert.equal(run.result.failures.length, 1, JSON.stringify(run.result.failures.map((f) => f.error.message)));
      const match = /param 'fold' of run \w+ is already "(\d)"; it cannot change to "(\d)"/.exec(run.result.failures[0]!.error.message);
      assert.ok(match, run.result.failures[0]!.error.message);
      assert.deepEqual(new Set([match[1], match[2]]), new Set(['7', '8']));
      const stored = (await run.store.meta.tracking.getParams(run.result.runId)).find((p) => p.key === 'fold');
      assert.equal(String(stored?.value), match[1]);
    } finally {
      await run.close();
    }
  });
});
