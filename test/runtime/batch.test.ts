/** Foreach `batch`: several items per dispatch to a pool worker, each still its own task. */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { analyzeFlow, flow } from '../../src/index.js';
import { Batcher } from '../../src/runtime/batching.js';
import { formatProfile, loadRunProfile } from '../../src/runtime/profile/index.js';
import type { EventRecord, TaskRecord } from '../../src/store/types.js';
import { runFixture, tempHome, type RecordedRun } from '../helpers/run.js';
import { resumeFlow } from '../../src/index.js';

const home = tempHome();
after(() => home.cleanup());

async function events(run: RecordedRun, kind: string): Promise<EventRecord[]> {
  const all = await run.store.meta.listEvents({ runId: run.result.runId, limit: 100_000 });
  return all.filter((e) => e.kind === kind);
}

const batchesOf = async (run: RecordedRun): Promise<number[][]> => (await events(run, 'task-batch')).map((e) => (e.payload as { taskIds: number[] }).taskIds);
const indexOf = (t: TaskRecord): number => t.foreachStack[t.foreachStack.length - 1]!.index;

describe('foreach batch option', () => {
  test('batch: 8 sends 8 items per dispatch; every item keeps its own task, outputs, logs and order', async () => {
    const run = await runFixture('batched.ts', { home: home.home, with: ['batch=8'], params: { values: { n: 40 } } });
    try {
      assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
      const square = run.step('square');
      assert.equal(square.length, 40);
      assert.ok(square.every((t) => t.status === 'done' && t.attempts?.length === 1));
      const [ys] = (await run.values('join', 'ys')) as number[][];
      assert.deepEqual(ys, Array.from({ length: 40 }, (_, i) => (i * 10) ** 2));
      const batches = await batchesOf(run);
      assert.deepEqual(
        batches.map((b) => b.length),
        [8, 8, 8, 8, 8],
      );
      assert.deepEqual(batches.flat().sort((a, b) => a - b), square.map((t) => t.taskId).sort((a, b) => a - b));
      // A batch runs in one worker process; each item's output stays in its own log.
      const [pids] = (await run.values('join', 'pids')) as number[][];
      const byTask = new Map(square.map((t) => [t.taskId, pids![indexOf(t)]]));
      for (const batch of batches) assert.equal(new Set(batch.map((id) => byTask.get(id))).size, 1, `batch ${batch} ran in one worker`);
      for (const t of square.slice(0, 5)) {
        const out = run.store.logs.read({ flow: 'Batched', runId: run.result.runId, step: 'square', taskId: t.taskId, attempt: 0 }, 'stdout');
        assert.equal(out, `square ${indexOf(t)}\n`);
      }
    } finally {
      await run.close();
    }
  });

  test("batch: 'auto' times the first items one by one, then batches cheap items and says why", async () => {
    const infos: string[] = [];
    const run = await runFixture('batched.ts', { home: home.home, with: ['batch=auto'], params: { values: { n: 600 } }, observer: { info: (m) => infos.push(m) } });
    try {
      assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
      const [plan] = await events(run, 'batch-plan');
      assert.ok(plan, 'a batch-plan event');
      const decision = plan.payload as { step: string; batchSize: number; itemMs: number; overheadMs: number; explanation: string };
      assert.equal(decision.step, 'square');
      assert.ok(decision.batchSize > 1, `cheap items are batched (chose ${decision.batchSize}; item ${decision.itemMs} ms, overhead ${decision.overheadMs} ms)`);
      assert.match(decision.explanation, /foreach 'square' \(batch: 'auto', 5 items timed one by one\)/);
      assert.match(infos.join('\n'), /batches of \d+/);
      const batches = await batchesOf(run);
      const batched = batches.flat().length;
      assert.ok(batched >= 600 - 10, `most items went in batches (${batched})`);
      assert.ok(batches.every((b) => b.length <= decision.batchSize));
      // Guided: the last batches shrink so the workers finish together.
      assert.ok(batches[batches.length - 1]!.length < decision.batchSize || batches.length * decision.batchSize === batched);
      const [ys] = (await run.values('join', 'ys')) as number[][];
      assert.equal(ys!.length, 600);
      assert.equal(ys![599], 5990 ** 2);
      // `sluice profile` shows the decision next to what happened.
      const profile = await loadRunProfile(run.store.meta, (await run.store.meta.getRun(run.result.runId))!, { history: 0 });
      assert.deepEqual(
        profile.batches.map((b) => [b.step, b.batchSize, b.batches]),
        [['square', decision.batchSize, batches.length]],
      );
      assert.ok(profile.batches[0]!.spanMs > 0);
      assert.match(formatProfile(profile), /Foreach batches \(batch: 'auto'\)\n {2}square: \d+ items of .* → batches of \d+ \(\d+ sent\)/);
    } finally {
      await run.close();
    }
  });

  test("batch: 'auto' leaves slow items one per dispatch", async () => {
    const run = await runFixture('batched.ts', { home: home.home, with: ['batch=auto'], params: { values: { n: 12, ms: 150 } } });
    try {
      assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
      const [plan] = await events(run, 'batch-plan');
      assert.equal((plan!.payload as { batchSize: number }).batchSize, 1);
      assert.deepEqual(await batchesOf(run), []);
    } finally {
      await run.close();
    }
  });

  test('a failed item in a batch is retried alone; the others are not disturbed', async () => {
    const run = await runFixture('batched.ts', { home: home.home, with: ['batch=8', 'retry:times=1,delay=0'], params: { values: { n: 40, failAt: 13, flaky: true } } });
    try {
      assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
      const square = run.step('square');
      const flaky = square.find((t) => indexOf(t) === 13)!;
      assert.deepEqual(flaky.attempts!.map((a) => a.status), ['failed', 'done']);
      assert.match(flaky.attempts![0]!.error!.message, /item 13 refuses/);
      assert.ok(square.filter((t) => t !== flaky).every((t) => t.attempts!.length === 1 && t.status === 'done'));
    } finally {
      await run.close();
    }
  });

  test('fail-fast: items of the batch that had not begun never start', async () => {
    const run = await runFixture('batched.ts', { home: home.home, with: ['batch=20'], params: { values: { n: 80, ms: 20, failAt: 2 } } });
    try {
      assert.equal(run.result.status, 'failed');
      const failure = run.result.failures[0]!;
      assert.equal(failure.step, 'square');
      assert.deepEqual(failure.item, { step: 'square', index: 2, count: 80 });
      const square = run.step('square');
      assert.ok(square.every((t) => t.status !== 'running'), 'nothing is left marked running');
      // Item 3 may have begun before the cancel arrived; 4..19 of the same batch must not have.
      const later = square.filter((t) => indexOf(t) >= 4 && indexOf(t) < 20);
      assert.ok(
        later.every((t) => t.status === 'pending' && t.startedAt === null),
        later.map((t) => `${indexOf(t)}:${t.status}`).join(' '),
      );
      assert.equal(square.filter((t) => indexOf(t) >= 40).filter((t) => t.status !== 'pending').length, 0);
    } finally {
      await run.close();
    }
  });

  test('a timed-out item is killed with its worker; the rest of its batch runs on a new dispatch', async () => {
    const run = await runFixture('batched.ts', { home: home.home, with: ['batch=10', 'timeout:seconds=1.5', 'retry:times=1,delay=0'], params: { values: { n: 20, hangAt: 4 } } });
    try {
      assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
      const square = run.step('square');
      const hung = square.find((t) => indexOf(t) === 4)!;
      assert.deepEqual(hung.attempts!.map((a) => a.status), ['failed', 'done']);
      assert.equal(hung.attempts![0]!.error!.type, 'Timeout');
      // Items queued behind it in the killed worker were not attempted there: one attempt each.
      assert.ok(square.filter((t) => t !== hung).every((t) => t.status === 'done' && t.attempts!.length === 1));
      const [ys] = (await run.values('join', 'ys')) as number[][];
      assert.deepEqual(ys, Array.from({ length: 20 }, (_, i) => (i * 10) ** 2));
    } finally {
      await run.close();
    }
  });

  test('resume of a batched run clones every finished item', async () => {
    process.env.BATCHED_JOIN_FAILS = '1';
    let origin: RecordedRun;
    try {
      origin = await runFixture('batched.ts', { home: home.home, with: ['batch=auto'], params: { values: { n: 200 } } });
    } finally {
      delete process.env.BATCHED_JOIN_FAILS;
    }
    try {
      assert.equal(origin.result.status, 'failed');
      const resumed = await resumeFlow({ home: home.home, origin: origin.result.pathspec, maxWorkers: 2, env: {}, with: ['batch=auto'] });
      assert.equal(resumed.status, 'succeeded', JSON.stringify(resumed.failures));
      const tasks = await origin.store.meta.listTasks(resumed.runId, { limit: 10_000 });
      assert.equal(tasks.filter((t) => t.step === 'square' && t.attempts?.[0]?.status === 'cloned').length, 200);
    } finally {
      await origin.close();
    }
  });
});

describe('batch option validation', () => {
  const noop = (): void => {};
  test('batch must be auto or a positive integer, on a foreach step', () => {
    const bad = flow('BadBatch')
      .step('start', () => ({ xs: [1, 2] }), { batch: 4 })
      .foreach('each', { over: 'xs', batch: 0 }, noop)
      .join('join', noop)
      .step('end');
    assert.throws(
      () => analyzeFlow(bad),
      (error: Error) =>
        /step 'start': batch applies to foreach steps/.test(error.message) && /step 'each': batch must be 'auto' or a positive integer \(items per dispatch\), got 0/.test(error.message),
    );
  });

  test('sizes: fixed sizes are capped by what waits; auto probes first, then plans, guided at the end', () => {
    const decisions: number[] = [];
    const batcher = new Batcher(2, (d) => decisions.push(d.batchSize));
    assert.equal(batcher.size('s', { batch: 8 }, 3), 3);
    assert.equal(batcher.size('s', { batch: 8 }, 30), 8);
    assert.equal(batcher.size('a', { batch: 'auto' }, 1000), 1);
    for (let i = 0; i < 5; i++) batcher.observe('a', { batch: 'auto' }, 0.5, 2.5, 1000 - i);
    assert.equal(decisions.length, 1);
    const size = decisions[0]!;
    assert.ok(size > 1);
    assert.equal(batcher.size('a', { batch: 'auto' }, 10_000), size);
    assert.equal(batcher.size('a', { batch: 'auto' }, 3), 2, 'the last items split over both workers');
    assert.equal(batcher.size('a', { batch: 'auto', concurrency: 1 }, 3), Math.min(size, 3));
  });
});
