/**
 * kill -9 of the coordinator at random moments: the store stays intact, the run is detected as
 * crashed (not "running" forever), and resume finishes it with the same results as an
 * uninterrupted run. Also: two runs of one flow started together don't interfere.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { resumeFlow } from '../../src/index.js';
import { markCrashedRuns } from '../../src/runtime/crash.js';
import { openStore } from '../../src/store/home.js';
import { loadValue } from '../../src/store/values.js';
import { FIXTURES, runFixture, tempHome } from '../helpers/run.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TRIALS = 20;
const EXPECTED_TOTAL = Array.from({ length: 16 }, (_, i) => i * 3 + 1).reduce((a, b) => a + b, 0);
const home = tempHome();
after(() => home.cleanup());

async function endTotal(runId: string): Promise<number> {
  const store = openStore(home.home);
  try {
    const end = (await store.meta.listTasks(runId, { step: 'end' }))[0]!;
    const artifact = (await store.meta.listArtifacts(runId, end.taskId)).find((a) => a.name === 'total')!;
    return loadValue(store.blobs, artifact) as number;
  } finally {
    await store.close();
  }
}

/**
 * Starts `sluice run` and SIGKILLs the coordinator `delayMs` after its run appears in the store
 * (or, one time in five, before it does). Waiting for the run keeps the kill moments spread over
 * the run whatever the machine's load.
 */
function runAndKill(delayMs: number, known: Set<string>): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), 'run', join(FIXTURES, 'crashable.ts'), '--quiet', '--max-workers', '2'], {
      cwd: ROOT,
      env: { ...process.env, SLUICE_HOME: home.home },
      stdio: 'ignore',
    });
    let timer: NodeJS.Timeout | undefined;
    const early = Math.random() < 0.2;
    const poll = setInterval(() => {
      if (timer) return;
      if (early) {
        timer = setTimeout(() => child.kill('SIGKILL'), Math.random() * 300);
        return;
      }
      void openStoreRuns().then((runs) => {
        if (!timer && runs.some((r) => !known.has(r.runId))) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
      }).catch(() => {});
    }, 50);
    child.on('exit', () => {
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      resolve();
    });
  });
}

test(`kill -9 of the coordinator at ${TRIALS} random moments never corrupts the store, and resume finishes the run`, async () => {
  const outcomes: Record<string, number> = {};
  for (let trial = 0; trial < TRIALS; trial++) {
    const before = new Set((await openStoreRuns()).map((r) => r.runId));
    await runAndKill(Math.floor(Math.random() * 1500), before);
    const store = openStore(home.home);
    const crashedIds = await markCrashedRuns(store.meta);
    const runs = (await store.meta.listRuns({ flow: 'Crashable' })).filter((r) => !before.has(r.runId));
    await store.close();
    const db = new Database(join(home.home, 'meta.db'), { readonly: true });
    assert.deepEqual(db.prepare('PRAGMA integrity_check').all(), [{ integrity_check: 'ok' }], `trial ${trial}: store intact`);
    db.close();
    const run = runs[0];
    if (!run) {
      outcomes.beforeRun = (outcomes.beforeRun ?? 0) + 1;
      continue;
    }
    assert.notEqual(run.status, 'running', `trial ${trial}: a dead coordinator's run must not stay running`);
    outcomes[run.status] = (outcomes[run.status] ?? 0) + 1;
    if (run.status === 'succeeded') {
      assert.equal(await endTotal(run.runId), EXPECTED_TOTAL);
      continue;
    }
    assert.equal(run.status, 'crashed');
    assert.ok(crashedIds.includes(run.runId));
    const resumed = await resumeFlow({ home: home.home, origin: `Crashable/${run.runId}`, maxWorkers: 2, env: {} });
    assert.equal(resumed.status, 'succeeded', `trial ${trial}: ${JSON.stringify(resumed.failures)}`);
    assert.equal(await endTotal(resumed.runId), EXPECTED_TOTAL, `trial ${trial}: resumed result equals an uninterrupted run`);
  }
  assert.ok((outcomes.crashed ?? 0) >= TRIALS / 4, `most kills should land mid-run: ${JSON.stringify(outcomes)}`);
});

async function openStoreRuns() {
  const store = openStore(home.home);
  try {
    return await store.meta.listRuns({ flow: 'Crashable' });
  } finally {
    await store.close();
  }
}

test('two runs of the same flow started at the same moment do not interfere', async () => {
  const [a, b] = await Promise.all([runFixture('crashable.ts', { home: home.home }), runFixture('crashable.ts', { home: home.home })]);
  assert.notEqual(a.result.runId, b.result.runId);
  for (const run of [a, b]) {
    assert.equal(run.result.status, 'succeeded');
    assert.deepEqual(await run.values('end', 'total'), [EXPECTED_TOTAL]);
    assert.equal(run.tasks.length, 1 + 16 + 2);
    await run.close();
  }
});
