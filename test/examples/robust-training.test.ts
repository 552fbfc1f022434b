/** The robust-training example through the real CLI (built dist), checking what its README promises. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client } from '../../src/client/index.js';
import { tempHome } from '../helpers/run.js';

const ROOT = join(import.meta.dirname, '..', '..');

test('robust-training: crash retried, OOM and timeout caught, breaker recovers, report lists both', async () => {
  const home = tempHome();
  const result = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), 'run', join(ROOT, 'examples', 'robust-training', 'flow.ts'), '--crash-rate', '0.5'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, SLUICE_HOME: home.home },
  });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /\[breaker data-api\] closed → open/);
  assert.match(result.stdout, /\[breaker data-api\] half-open → closed/);
  const client = new Client({ home: home.home });
  const run = await client.flow('RobustTraining').then((f) => f.latestRun());
  assert.ok(run);
  const report = (await (await run.step('report')).taskList())[0]!;
  const failures = (await report.artifact('failureReport')) as { job: string; type: string }[];
  const results = (await report.artifact('results')) as { job: string; accuracy: number }[];
  // crashy either trained after retries or, rarely (0.5^6 ≈ 1.6% at this crash rate), exhausted
  // all 6 attempts and was caught as a crash: exactly one of the two.
  const crashyFailed = failures.filter((f) => f.job === 'crashy');
  assert.equal(results.some((r) => r.job === 'crashy'), crashyFailed.length === 0);
  assert.deepEqual(crashyFailed.map((f) => f.type), crashyFailed.length ? ['WorkerDied'] : []);
  assert.deepEqual(
    failures.filter((f) => f.job !== 'crashy').map((f) => [f.job, f.type]).sort(),
    [['hungry', 'OutOfMemory'], ['slow', 'Timeout']],
  );
  assert.ok(results.some((r) => r.job === 'steady' && r.accuracy > 0.7));
  await client.close();
  home.cleanup();
});
