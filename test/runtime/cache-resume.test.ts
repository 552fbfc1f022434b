/** The step cache and resume, on real runs. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { resumeFlow } from '../../src/index.js';
import type { ArtifactRecord } from '../../src/store/types.js';
import { FIXTURES, runFixture, tempHome } from '../helpers/run.js';

const home = tempHome();
after(() => home.cleanup());

function copyFixture(name: string, edit: (source: string) => string = (s) => s): string {
  const source = readFileSync(join(FIXTURES, name), 'utf8').replace("'../../../src/index.js'", JSON.stringify(join(FIXTURES, '..', '..', '..', 'src', 'index.js')));
  // An ESM package, as a flow project would be.
  if (!existsSync(join(home.home, 'package.json'))) writeFileSync(join(home.home, 'package.json'), '{ "type": "module" }');
  const file = join(home.home, `copy-${Math.random().toString(36).slice(2)}-${name}`);
  writeFileSync(file, edit(source));
  return file;
}

async function reused(runPromise: ReturnType<typeof runFixture>): Promise<Record<string, string>> {
  const run = await runPromise;
  assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
  const out = Object.fromEntries(run.tasks.map((t) => [t.step, t.attempts?.[0]?.status ?? 'none']));
  await run.close();
  return out;
}

describe('step cache', () => {
  test('a second identical run is served from the cache; changing a param re-runs only what reads it', async () => {
    const cacheHome = tempHome();
    const file = copyFixture('cached.ts');
    const run = (values: Record<string, unknown> = {}) => runFixture(file, { home: cacheHome.home, params: { values } });
    assert.deepEqual(await reused(run()), { start: 'done', scale: 'done', late: 'done', end: 'done' });
    assert.deepEqual(await reused(run()), { start: 'cached', scale: 'cached', late: 'cached', end: 'cached' });
    // Nobody reads `unused`: still all cached.
    assert.deepEqual(await reused(run({ unused: 'y' })), { start: 'cached', scale: 'cached', late: 'cached', end: 'cached' });
    // `scale` reads `factor`: it and what depends on its changed output re-run; start stays cached.
    const changed = await run({ factor: 3 });
    assert.deepEqual(Object.fromEntries(changed.tasks.map((t) => [t.step, t.attempts![0]!.status])), { start: 'cached', scale: 'done', late: 'done', end: 'done' });
    assert.deepEqual(await changed.values('end', 'total'), [18]);
    assert.match(changed.step('start')[0]!.originPathspec!, /^Cached\/\w+\/start\/1$/);
    // The cached task's small outputs are inline: its rows carry the bytes, and they load.
    const cachedStart = await changed.store.meta.listArtifacts(changed.result.runId, changed.step('start')[0]!.taskId);
    assert.ok(cachedStart.length === 2 && cachedStart.every((a) => a.inline !== undefined && a.inline.byteLength === a.bytes));
    assert.deepEqual(await changed.values('start', 'base'), [[1, 2, 3]]);
    await changed.close();
    cacheHome.cleanup();
  });

  test("editing one step's code re-runs it and everything downstream, nothing upstream", async () => {
    const cacheHome = tempHome();
    const first = copyFixture('cached.ts');
    assert.deepEqual(await reused(runFixture(first, { home: cacheHome.home })), { start: 'done', scale: 'done', late: 'done', end: 'done' });
    const edited = copyFixture('cached.ts', (s) => s.replace('scaled.reduce((a, b) => a + b, 0)', 'scaled.reduce((a, b) => a + b, 0) * 1'));
    assert.deepEqual(await reused(runFixture(edited, { home: cacheHome.home })), { start: 'cached', scale: 'cached', late: 'done', end: 'done' });
    cacheHome.cleanup();
  });
});

describe('resume', () => {
  const failing = async (failAt: string) => {
    process.env.FAIL_AT = failAt;
    try {
      return await runFixture('resumable.ts', { home: home.home });
    } finally {
      delete process.env.FAIL_AT;
    }
  };

  for (const [where, clonedSteps] of [
    ['start', []],
    ['item3', ['start', 'square']],
    ['join', ['start', 'square']],
    ['finish', ['start', 'square', 'sum']],
  ] as const) {
    test(`a failure at ${where}: finished tasks are cloned, the rest re-run, results equal an uninterrupted run`, async () => {
      const origin = await failing(where);
      assert.equal(origin.result.status, 'failed');
      const resumed = await resumeFlow({ home: home.home, origin: origin.result.pathspec, maxWorkers: 2, env: {} });
      assert.equal(resumed.status, 'succeeded', JSON.stringify(resumed.failures));
      assert.equal(resumed.originRunId, origin.result.runId);
      const run = await runFixture('resumable.ts', { home: home.home });
      const tasks = await run.store.meta.listTasks(resumed.runId);
      const clonedOf = (step: string) => tasks.filter((t) => t.step === step && t.attempts?.[0]?.status === 'cloned').length;
      const squareDone = origin.step('square').filter((t) => t.status === 'done').length;
      assert.equal(clonedOf('start'), (clonedSteps as readonly string[]).includes('start') ? 1 : 0);
      assert.equal(clonedOf('square'), (clonedSteps as readonly string[]).includes('square') ? squareDone : 0);
      assert.equal(clonedOf('sum'), (clonedSteps as readonly string[]).includes('sum') ? 1 : 0);
      const end = tasks.find((t) => t.step === 'finish')!;
      const result = (await run.store.meta.listArtifacts(resumed.runId, end.taskId)).find((a) => a.name === 'result')!;
      const fresh = (await run.store.meta.listArtifacts(run.result.runId, run.step('finish')[0]!.taskId)).find((a) => a.name === 'result')!;
      assert.equal(result.digest, fresh.digest, 'same result as an uninterrupted run');
      // Cloned tasks point at their originals and share their artifacts' blobs.
      const clone = tasks.find((t) => t.attempts?.[0]?.status === 'cloned');
      if (clone) {
        assert.match(clone.originPathspec!, new RegExp(`^Resumable/${origin.result.runId}/`));
        // Small outputs are inline: the clone's rows carry the original's bytes under the same digests.
        const originTask = Number(clone.originPathspec!.split('/')[3]);
        const bytesOf = (list: readonly ArtifactRecord[]) => list.map((a) => [a.name, a.digest, a.inline === undefined ? null : Buffer.from(a.inline).toString('hex')]);
        const mine = await run.store.meta.listArtifacts(resumed.runId, clone.taskId);
        assert.ok(mine.some((a) => a.inline !== undefined), 'the cloned task has inline outputs');
        assert.deepEqual(bytesOf(mine), bytesOf(await run.store.meta.listArtifacts(origin.result.runId, originTask)));
      }
      await run.close();
      await origin.close();
    });
  }

  test('--from re-runs a step of a successful run and everything after it', async () => {
    const origin = await runFixture('resumable.ts', { home: home.home });
    const resumed = await resumeFlow({ home: home.home, origin: origin.result.pathspec, from: 'square', maxWorkers: 2, env: {} });
    assert.equal(resumed.status, 'succeeded');
    const tasks = await origin.store.meta.listTasks(resumed.runId);
    assert.deepEqual([...new Set(tasks.filter((t) => t.attempts?.[0]?.status === 'cloned').map((t) => t.step))], ['start']);
    assert.equal(tasks.filter((t) => t.step === 'square' && t.attempts?.[0]?.status === 'done').length, 8);
    await origin.close();
  });

  test('resume with a changed param re-runs only the steps that read it', async () => {
    const origin = await runFixture('resumable.ts', { home: home.home });
    const resumed = await resumeFlow({ home: home.home, origin: origin.result.pathspec, params: { values: { offset: 5 } }, maxWorkers: 2, env: {} });
    assert.equal(resumed.status, 'succeeded');
    const tasks = await origin.store.meta.listTasks(resumed.runId);
    const rerun = tasks.filter((t) => t.attempts?.[0]?.status === 'done').map((t) => t.step);
    // `end` reads nothing, so it is cloned too: only what reads `offset` re-runs.
    assert.deepEqual(rerun, ['finish']);
    const finish = tasks.find((t) => t.step === 'finish')!;
    const result = (await origin.store.meta.listArtifacts(resumed.runId, finish.taskId)).find((a) => a.name === 'result')!;
    const { loadValue } = await import('../../src/store/values.js');
    assert.equal(loadValue(origin.store.blobs, result), 140 + 5);
    await origin.close();
  });
});
