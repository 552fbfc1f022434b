/** Retries, catch, timeouts, memory limits, admission, concurrency and onFailure — on the real pool. */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { retryDelayMs, parseWithOptions } from '../../src/flow/options.js';
import type { AttemptRecord } from '../../src/store/types.js';
import { runFixture, tempHome } from '../helpers/run.js';

const home = tempHome();
after(() => home.cleanup());

function gaps(attempts: readonly AttemptRecord[]): number[] {
  return attempts.slice(1).map((a, i) => a.startedAt! - attempts[i]!.endedAt!);
}

describe('retry policy', () => {
  test('delays follow the policy: exponential, capped, jittered within bounds', () => {
    const policy = { times: 5, backoff: 'exponential' as const, delay: 1, maxDelay: 5 };
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => retryDelayMs(policy, n)), [1000, 2000, 4000, 5000, 5000]);
    assert.deepEqual([1, 2, 3].map((n) => retryDelayMs({ ...policy, backoff: 'fixed' }, n)), [1000, 1000, 1000]);
    assert.equal(retryDelayMs({ ...policy, jitter: true }, 2, () => 0.25), 500);
    assert.equal(retryDelayMs({ ...policy, jitter: 0.1 }, 1, () => 0), 900);
    assert.equal(retryDelayMs({ ...policy, jitter: 0.1 }, 1, () => 1), 1100);
  });

  test('--with parses option defaults and rejects unknown ones', () => {
    assert.deepEqual(parseWithOptions(['retry:times=3,backoff=fixed', 'timeout:seconds=60', 'cache', 'concurrency=2']), {
      retry: { times: 3, backoff: 'fixed' },
      timeout: { seconds: 60 },
      cache: true,
      concurrency: 2,
    });
    assert.throws(() => parseWithOptions(['retyr:times=3']), /unknown option 'retyr'/);
    assert.throws(() => parseWithOptions(['retry:tiems=3']), /retry has no setting 'tiems'/);
  });
});

describe('resilience on the pool executor', () => {
  test('retries: a step succeeding on attempt 3, a split and a join on attempt 2, retryOn, --with defaults', async () => {
    const run = await runFixture('retry.ts', { home: home.home, with: ['retry:times=1,delay=0.05'] });
    assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
    const start = run.step('start')[0]!;
    assert.equal(start.attempt, 3);
    assert.deepEqual(start.attempts!.map((a) => a.status), ['failed', 'failed', 'failed', 'done']);
    assert.match(start.attempts![0]!.error!.message, /flaky start \(attempt 0\)/);
    // Exponential from 0.1 s: 100, 200, 400 ms between attempts (never shorter).
    const waited = gaps(start.attempts!);
    [100, 200, 400].forEach((min, i) => assert.ok(waited[i]! >= min - 5, `gap ${i} was ${waited[i]} ms, expected >= ${min}`));
    assert.deepEqual(start.attempts!.slice(0, 3).map((a) => a.retryDelayMs), [100, 200, 400]);
    // Each attempt's output is kept apart.
    const logs = [0, 1, 2, 3].map((attempt) => run.store.logs.read({ flow: 'Retry', runId: run.result.runId, step: 'start', taskId: start.taskId, attempt }, 'stdout'));
    assert.deepEqual(logs, [0, 1, 2, 3].map((a) => `start attempt ${a}\n`));
    const [joined] = (await run.values('join', 'values')) as number[][];
    assert.deepEqual(joined, [0, 10, 20]);
    assert.deepEqual(await run.values('join', 'attempts'), [[0, 2, 0]]);
    assert.deepEqual(await run.values('join', 'joinAttempt'), [2]);
    // retryOn [RangeError] does not retry a TypeError: one attempt, then caught.
    const strict = run.step('strict')[0]!;
    assert.equal(strict.attempts!.length, 1);
    assert.deepEqual(((await run.values('strict', 'strictError')) as { type: string }[])[0]!.type, 'TypeError');
    // --with retry applied to the step without its own retry.
    assert.deepEqual(await run.values('defaults', 'defaultsAttempt'), [1]);
    await run.close();
  });

  test('catch: thrown errors, SIGKILL, timeouts of a CPU-bound loop (after a retry), memory limits', async () => {
    const run = await runFixture('catch.ts', { home: home.home });
    assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
    const [errors] = (await run.values('end', 'errors')) as Record<string, { type: string; message: string; kind: string; stack: string | null }>[];
    assert.equal(errors!.startError!.type, 'RangeError');
    assert.equal(errors!.startError!.message, 'bad input row 7');
    assert.match(errors!.startError!.stack!, /bad input row 7/);
    assert.equal(errors!.killError!.kind, 'system');
    assert.match(errors!.killError!.message, /died \(signal SIGKILL\)/);
    assert.equal(errors!.spinError!.type, 'Timeout');
    assert.match(errors!.spinError!.message, /timeout: step 'spin' ran longer than its 1 s limit/);
    assert.equal(run.step('spin')[0]!.attempts!.length, 2);
    assert.equal(errors!.hogError!.type, 'OutOfMemory');
    assert.match(errors!.hogError!.message, /out of memory: used \d+ of 300 MiB \(resources\.memoryMiB\) in step 'hog'/);
    await run.close();
  });

  test("onFailure 'continue': the failed item is a dead letter; the join gets the successes and a failure summary", async () => {
    const run = await runFixture('continue.ts', { home: home.home });
    assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
    assert.equal(run.result.deadLetters.length, 1);
    assert.deepEqual(run.result.deadLetters[0]!.item, { step: 'work', index: 3, count: 5 });
    assert.deepEqual(await run.values('collect', 'doubled'), [[0, 2, 4, 8]]);
    assert.deepEqual(await run.values('collect', 'indexes'), [[0, 1, 2, 4]]);
    assert.deepEqual(await run.values('collect', 'failed'), [[{ index: 3, item: 3, message: 'item 3 cannot be processed' }]]);
    const failed = run.step('work').find((t) => t.status === 'failed')!;
    assert.equal(failed.attempts!.length, 2);
    await run.close();
  });

  test('admission: memory declarations cap concurrency; fractional CPUs share cores', async () => {
    const run = await runFixture('admission.ts', { home: home.home, maxWorkers: 4, memoryMiB: 2500, params: { values: { n: 6 } } });
    assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
    assert.equal(run.result.peakConcurrency, 2);
    const [spans] = (await run.values('join', 'spans')) as [number, number][][];
    const overlap = Math.max(...spans!.map(([s]) => spans!.filter(([a, b]) => a <= s && s < b).length));
    assert.ok(overlap <= 2, `at most 2 tasks overlapped, saw ${overlap}`);
    await run.close();
  });

  test('concurrency: 1 runs the tasks of a step one at a time', async () => {
    const run = await runFixture('concurrency.ts', { home: home.home, maxWorkers: 2 });
    assert.equal(run.result.status, 'succeeded');
    const [spans] = (await run.values('join', 'spans')) as [number, number][][];
    const sorted = [...spans!].sort((a, b) => a[0] - b[0]);
    sorted.slice(1).forEach(([s], i) => assert.ok(s >= sorted[i]![1] - 2, `task ${i + 1} started before task ${i} ended`));
    await run.close();
  });

  test('a request that can never fit fails before the run starts', async () => {
    const isolated = tempHome();
    await assert.rejects(runFixture('impossible.ts', { home: isolated.home }), /flow Impossible cannot run:\n {2}- step 'start' asks for 10000000 MiB of memory but only \d+ MiB are available \(--memory\)/);
    isolated.cleanup();
  });
});
