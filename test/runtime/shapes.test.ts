/**
 * Every graph shape the runtime supports, run for real on the pool executor; each test checks the
 * artifacts and the order tasks ran in, not just that the run finished.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { runFixture, tempHome } from '../helpers/run.js';

const home = tempHome();
after(() => home.cleanup());

describe('flow shapes on the pool executor', () => {
  test('linear: artifacts flow step to step in order', async () => {
    const run = await runFixture('linear.ts', { home: home.home });
    assert.equal(run.result.status, 'succeeded');
    assert.deepEqual(run.stepOrder(), ['start', 'double', 'end']);
    assert.deepEqual(await run.values('end', 'sum'), [9]);
    const double = run.step('double')[0]!;
    assert.deepEqual(double.parentTaskIds, [run.step('start')[0]!.taskId]);
    await run.close();
  });

  test('static branch + join: inputs in branch order, merge carries agreeing values, explicit set wins', async () => {
    const run = await runFixture('branch.ts', { home: home.home });
    assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
    const [result] = (await run.values('end', 'result')) as Record<string, unknown>[];
    assert.deepEqual(result, { shared: 'same', conflict: [1, 2], steps: ['a', 'b'], sum: 3, fromA: 1 });
    const join = run.step('join')[0]!;
    assert.deepEqual(join.parentTaskIds, [run.step('a')[0]!.taskId, run.step('b')[0]!.taskId]);
    await run.close();
  });

  test('merge conflict: the join fails naming the artifact and sets nothing', async () => {
    const run = await runFixture('merge-conflict.ts', { home: home.home });
    assert.equal(run.result.status, 'failed');
    const failure = run.result.failures[0]!;
    assert.equal(failure.step, 'join');
    assert.match(failure.error.message, /'x' differs between inputs/);
    assert.doesNotMatch(failure.error.message, /'y'/);
    assert.equal(run.step('end').length, 0);
    await run.close();
  });

  test('three levels of nested branches joined level by level', async () => {
    const run = await runFixture('nested-branch.ts', { home: home.home });
    assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
    assert.deepEqual(await run.values('end', 'all'), [['start/l1a/l2a/l3a', 'start/l1a/l2a/l3b', 'start/l1a/l2b', 'start/l1b']]);
    await run.close();
  });

  test('foreach: join sees split order of a non-monotonic list; consecutive steps keep index and item', async () => {
    const run = await runFixture('foreach.ts', { home: home.home });
    assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
    const values = Array.from({ length: 32 }, (_, i) => (i * 37) % 32);
    const [result] = (await run.values('end', 'result')) as { squares: number[]; same: boolean; indexes: number[] }[];
    assert.deepEqual(result!.squares, values.map((v) => v * v));
    assert.deepEqual(result!.indexes, [...values.keys()]);
    assert.equal(result!.same, true);
    assert.equal(run.step('square').length, 32);
    assert.equal(run.step('again').length, 32);
    // Each split task's frame points at its own item blob; the list is stored as a manifest.
    const frames = run.step('square').map((t) => t.foreachStack.at(-1)!);
    assert.equal(new Set(frames.map((f) => f.item!.digest)).size, 32);
    const listRecord = (await run.store.meta.listArtifacts(run.result.runId, run.step('start')[0]!.taskId)).find((a) => a.name === 'values')!;
    assert.equal(listRecord.codec, 'sluice.items');
    await run.close();
  });

  test('nested foreach 3 × 2 × 6: 36 inner tasks, full cartesian product, whole stack visible', async () => {
    const run = await runFixture('nested-foreach.ts', { home: home.home });
    assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
    assert.equal(run.step('inner').length, 36);
    const [combos] = (await run.values('end', 'combos')) as string[][];
    const expected: string[] = [];
    for (const x of ['a', 'b', 'c']) for (const y of [10, 20]) for (let i = 0; i < 6; i++) expected.push(`${x}-${y}-${y + i}`);
    assert.deepEqual(combos, expected);
    const stacks = (await run.values('inner', 'stack')) as { step: string; index: number; count: number; item: unknown }[][];
    const sample = stacks.find((s) => s[0]!.item === 'c' && s[1]!.item === 20 && s[2]!.index === 5)!;
    assert.deepEqual(sample, [
      { step: 'outer', index: 2, count: 3, item: 'c' },
      { step: 'middle', index: 1, count: 2, item: 20 },
      { step: 'inner', index: 5, count: 6, item: 25 },
    ]);
    await run.close();
  });

  test('switch: only the chosen path runs; nested switch', async () => {
    for (const [size, fine, path] of [
      ['small', false, ['small']],
      ['medium', false, ['medium']],
      ['big', true, ['big', 'bigFine']],
      ['big', false, ['big', 'bigCoarse']],
    ] as const) {
      const run = await runFixture('switch.ts', { home: home.home, params: { values: { size, fine } } });
      assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
      assert.deepEqual(await run.values('end', 'path'), [path]);
      const ran = new Set(run.tasks.map((t) => t.step));
      for (const step of ['small', 'medium', 'big', 'bigFine', 'bigCoarse']) {
        assert.equal(ran.has(step), (path as readonly string[]).includes(step), `step ${step} for ${size}/${fine}`);
      }
      await run.close();
    }
  });

  test('switch inside a branch, and a branch inside a switch path', async () => {
    const run = await runFixture('switch-in-branch.ts', { home: home.home });
    assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
    assert.deepEqual(await run.values('end', 'sides'), [['leftTwo', 'fan:AB']]);
    assert.equal(run.step('leftOne').length, 0);
    await run.close();
  });

  test('foreach inside a switch path, with per-item routing', async () => {
    const run = await runFixture('switch-in-foreach.ts', { home: home.home });
    assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
    assert.deepEqual(await run.values('end', 'outs'), [['odd:1', 'even:2', 'odd:3', 'even:4', 'odd:5']]);
    assert.equal(run.step('even').length, 2);
    assert.equal(run.step('odd').length, 3);
    await run.close();
  });

  test('loop via a switch back-edge counts to 10', async () => {
    const run = await runFixture('loop.ts', { home: home.home });
    assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
    assert.deepEqual(await run.values('end', 'final'), [10]);
    assert.deepEqual(await run.values('end', 'trail'), [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]);
    assert.equal(run.step('body').length, 10);
    await run.close();
  });

  test('a loop exceeding maxIterations fails cleanly, naming the switch', async () => {
    const run = await runFixture('loop.ts', { home: home.home, params: { values: { target: 50 } } });
    assert.equal(run.result.status, 'failed');
    const failure = run.result.failures[0]!;
    assert.equal(failure.step, 'check');
    assert.match(failure.error.message, /step 'check' looped back to 'body' more than maxIterations \(12\)/);
    assert.equal(run.step('body').length, 13);
    assert.equal(run.step('end').length, 0);
    await run.close();
  });

  test('a loop inside a foreach: items loop different numbers of times', async () => {
    const run = await runFixture('loop-in-foreach.ts', { home: home.home });
    assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
    assert.deepEqual(await run.values('end', 'counts'), [[3, 1, 5, 2]]);
    assert.equal(run.step('work').length, 3 + 1 + 5 + 2);
    await run.close();
  });

  test('fan-in of unequal paths: start → a → j and start → j', async () => {
    const run = await runFixture('triangle.ts', { home: home.home });
    assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
    assert.deepEqual(await run.values('end', 'seen'), [['a:11', 'start:1']]);
    await run.close();
  });

  test('structured values survive; set() and return both persist', async () => {
    const run = await runFixture('values.ts', { home: home.home });
    assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
    assert.deepEqual(await run.values('end', 'check'), [{ map: true, when: true, big: true, vec: true, viaSet: 'set-value' }]);
    const records = await run.store.meta.listArtifacts(run.result.runId, run.step('start')[0]!.taskId);
    assert.equal(records.find((r) => r.name === 'vec')!.codec, 'raw:Float64Array');
    await run.close();
  });

  test('a class instance without a codec fails the step naming the artifact', async () => {
    const run = await runFixture('unstorable.ts', { home: home.home });
    assert.equal(run.result.status, 'failed');
    assert.match(run.result.failures[0]!.error.message, /artifact 'model' of step 'start' cannot be stored: .*class Opaque.*registerCodec/);
    await run.close();
  });

  test('a failing foreach item fails the run with step, item, error and log tail; running tasks finish', async () => {
    const run = await runFixture('failing.ts', { home: home.home });
    assert.equal(run.result.status, 'failed');
    const failure = run.result.failures[0]!;
    assert.equal(failure.step, 'work');
    assert.deepEqual(failure.item, { step: 'work', index: 2, count: 4 });
    assert.equal(failure.error.type, 'RangeError');
    assert.match(failure.logTail, /working on 2/);
    const runRecord = await run.store.meta.getRun(run.result.runId);
    assert.equal(runRecord!.status, 'failed');
    assert.match(runRecord!.error!, /step 'work'/);
    // No task is left marked running, and the join never ran.
    assert.equal(run.tasks.filter((t) => t.status === 'running').length, 0);
    assert.equal(run.step('join').length, 0);
    await run.close();
  });

  test('the inline executor runs the same flow with the same results', async () => {
    const run = await runFixture('nested-foreach.ts', { home: home.home, executor: 'inline' });
    assert.equal(run.result.status, 'succeeded');
    assert.deepEqual(await run.values('end', 'total'), [36]);
    await run.close();
  });
});
