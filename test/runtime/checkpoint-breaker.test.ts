import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { runFixture, tempHome } from '../helpers/run.js';

const home = tempHome();
after(() => home.cleanup());

test('a task killed at chunk 30 of 50 resumes from its checkpoint and ends like an uninterrupted run', async () => {
  const clean = await runFixture('checkpointed.ts', { home: home.home });
  const crashed = await runFixture('checkpointed.ts', { home: home.home, params: { values: { crashAt: 30 } } });
  assert.equal(crashed.result.status, 'succeeded', JSON.stringify(crashed.result.failures));
  const train = crashed.step('train')[0]!;
  assert.deepEqual(train.attempts!.map((a) => a.status), ['failed', 'done']);
  assert.match(train.attempts![0]!.error!.message, /SIGKILL/);
  assert.deepEqual(await crashed.values('train', 'resumedAt'), [30]);
  assert.deepEqual(await crashed.values('train', 'weights'), await clean.values('train', 'weights'));
  await clean.close();
  await crashed.close();
});

test('a circuit breaker shared across the tasks of a run opens after 3 failures and fails fast', async () => {
  const run = await runFixture('breaker.ts', { home: home.home, maxWorkers: 2 });
  assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
  const [errors] = (await run.values('join', 'errors')) as string[][];
  assert.equal(errors!.length, 6);
  const calledService = errors!.filter((e) => e === 'Error').length;
  assert.ok(calledService >= 3 && calledService <= 4, `the service saw ${calledService} calls (3, plus at most one in flight)`);
  assert.equal(errors!.filter((e) => e === 'CircuitOpenError').length, 6 - calledService);
  const events = (await run.store.meta.listEvents({ runId: run.result.runId })).filter((e) => e.kind === 'breaker-state');
  assert.deepEqual(events.map((e) => [e.payload.from, e.payload.to]), [['closed', 'open']]);
  await run.close();
});
