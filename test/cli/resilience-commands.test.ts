/** `sluice dlq`, `sluice resume --only-failed`, `sluice cache ls|clear` and `--gpus`, through the real CLI. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FIXTURES, runFixture, tempHome } from '../helpers/run.js';

const ROOT = join(import.meta.dirname, '..', '..');
const home = tempHome();
after(() => home.cleanup());

function sluice(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, SLUICE_HOME: home.home, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('dlq lists the failed item; resume --only-failed re-runs just it (and the join)', async () => {
  const run = await runFixture('continue.ts', { home: home.home });
  const pathspec = run.result.pathspec;
  await run.close();
  const dlq = sluice(['dlq', pathspec]);
  assert.equal(dlq.code, 0, dlq.stderr);
  assert.match(dlq.stdout, /Continue\/\w+\/work\/\d+\s+work\[3\] 3\s+2\s+Error: item 3 cannot be processed/);
  assert.match(dlq.stdout, /sluice resume .* --only-failed/);
  const json = JSON.parse(sluice(['dlq', pathspec, '--json']).stdout) as { index: number; item: unknown; attempts: number }[];
  assert.deepEqual(json.map((d) => [d.index, d.item, d.attempts]), [[3, 3, 2]]);

  // The cause is fixed: the failed item now succeeds, so the join re-runs with all five inputs.
  const resumed = sluice(['resume', pathspec, '--only-failed', '--json'], { CONTINUE_FIXED: '1' });
  assert.equal(resumed.code, 0, resumed.stderr);
  const events = resumed.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; step?: string; reused?: string; ok?: boolean });
  const finished = events.filter((e) => e.event === 'task-finished');
  // `end` reads nothing that changed, so it is cloned too.
  assert.deepEqual(finished.filter((e) => !e.reused).map((e) => e.step).sort(), ['collect', 'work']);
  assert.equal(finished.filter((e) => e.reused === 'cloned' && e.step === 'work').length, 4);
  assert.equal(sluice(['dlq', 'Continue/nope']).code, 2);
});

test('cache ls shows entries and cache clear forgets them', async () => {
  const cacheHome = tempHome();
  const env = { SLUICE_HOME: cacheHome.home };
  assert.equal(sluice(['run', join(FIXTURES, 'linear.ts'), '--cache', '--quiet'], env).code, 0);
  const ls = sluice(['cache', 'ls', '--json'], env);
  const entries = JSON.parse(ls.stdout) as { task: string }[];
  assert.deepEqual(entries.map((e) => e.task.split('/')[2]).sort(), ['double', 'end', 'start']);
  assert.match(sluice(['cache', 'ls', '--step', 'double'], env).stdout, /Linear\/\w+\/double\/2/);
  assert.equal(sluice(['cache', 'clear', '--step', 'double'], env).stdout, 'cleared 1 cache entry\n');
  assert.equal((JSON.parse(sluice(['cache', 'ls', '--json'], env).stdout) as unknown[]).length, 2);
  cacheHome.cleanup();
});

test('--gpus hands each GPU task its own device through CUDA_VISIBLE_DEVICES', async () => {
  const run = await runFixture('gpus.ts', { home: home.home, gpus: ['0', '1'] });
  assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
  const [devices] = (await run.values('join', 'devices')) as string[][];
  assert.deepEqual([...devices!].sort(), ['0', '1']);
  assert.deepEqual(await run.values('end', 'after'), [null], 'the variable does not leak into later tasks');
  await run.close();
  const isolated = tempHome();
  await assert.rejects(runFixture('gpus.ts', { home: isolated.home }), /step 'use' asks for 1 GPUs but 0 are available \(--gpus none given\)/);
  isolated.cleanup();
});
