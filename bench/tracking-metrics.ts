/**
 * Logging 100,000 metric points from one task.
 * Figure: how much longer the task takes (median wall time, start to committed) than the same task
 * not logging; also the whole run's extra time, which includes the coordinator writing the points.
 * Baseline: the same flow with `--log false`, run in this process, same command.
 * Target: <= 1 s extra.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFlow } from '../src/index.js';
import { openStore } from '../src/store/home.js';
import { median, report } from './lib.js';

const POINTS = 100_000;
const REPEATS = 3;
const file = join(import.meta.dirname, 'tracking-metrics-flow.ts');

async function once(log: boolean): Promise<{ taskMs: number; runMs: number }> {
  const home = mkdtempSync(join(tmpdir(), 'sluice-bench-metrics-'));
  try {
    const started = performance.now();
    const result = await runFlow({ file, home, env: {}, maxWorkers: 1, params: { values: { points: POINTS, log } } });
    const runMs = performance.now() - started;
    if (result.status !== 'succeeded') throw new Error(JSON.stringify(result.failures[0]));
    const store = openStore(home);
    try {
      const [task] = await store.meta.listTasks(result.runId, { step: 'start' });
      if (log) {
        const [summary] = await store.meta.tracking.getMetricSummaries(result.runId);
        if (summary?.count !== POINTS) throw new Error(`expected ${POINTS} points stored, found ${summary?.count}`);
      }
      return { taskMs: task!.endedAt! - task!.startedAt!, runMs };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

await once(false); // warm-up: tsx compile caches, page cache
const quiet: { taskMs: number; runMs: number }[] = [];
const logging: { taskMs: number; runMs: number }[] = [];
for (let i = 0; i < REPEATS; i++) {
  quiet.push(await once(false));
  logging.push(await once(true));
}
const baseTask = median(quiet.map((r) => r.taskMs));
const logTask = median(logging.map((r) => r.taskMs));
const baseRun = median(quiet.map((r) => r.runMs));
const logRun = median(logging.map((r) => r.runMs));
const extraTask = logTask - baseTask;
const extraRun = logRun - baseRun;
console.log(`task wall: ${logTask.toFixed(0)} ms logging vs ${baseTask.toFixed(0)} ms not logging; run wall: ${logRun.toFixed(0)} ms vs ${baseRun.toFixed(0)} ms`);
const okTask = report(`${POINTS.toLocaleString('en')} metric points from one task: extra task time`, extraTask, 'ms', { label: 'task not logging', value: baseTask }, { ok: extraTask <= 1000, text: '<= 1000 ms extra' });
const okRun = report(`${POINTS.toLocaleString('en')} metric points from one task: extra run time (incl. commit)`, extraRun, 'ms', { label: 'run not logging', value: baseRun }, { ok: extraRun <= 1000, text: '<= 1000 ms extra' });
process.exitCode = okTask && okRun ? 0 : 1;
