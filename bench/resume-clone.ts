/**
 * Resume of a run with a 1,000-item foreach that failed in its join: the 1,001 finished tasks are
 * cloned (metadata only). Figure: time from the resumed run's creation to its last cloned task.
 * Baseline: the original run's start → last foreach task, in this same command.
 * Target: cloning 1,000+ tasks takes <= 1 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resumeFlow, runFlow } from '../src/index.js';
import { openStore } from '../src/store/home.js';
import { FLOWS, report } from './lib.js';

const home = mkdtempSync(join(tmpdir(), 'sluice-bench-resume-'));
process.env.BENCH_FAIL_JOIN = '1';
const origin = await runFlow({ file: join(FLOWS, 'resume1000.ts'), home, env: {}, maxWorkers: 2 });
delete process.env.BENCH_FAIL_JOIN;
if (origin.status !== 'failed') throw new Error('the origin run should fail in its join');
const resumed = await resumeFlow({ home, origin: origin.pathspec, env: {}, maxWorkers: 2 });
if (resumed.status !== 'succeeded') throw new Error(JSON.stringify(resumed.failures[0]));
const store = openStore(home);
const run = (await store.meta.getRun(resumed.runId))!;
const tasks = await store.meta.listTasks(resumed.runId);
const originRun = (await store.meta.getRun(origin.runId))!;
const originTasks = await store.meta.listTasks(origin.runId);
await store.close();
rmSync(home, { recursive: true, force: true });
const cloned = tasks.filter((t) => t.attempts?.[0]?.status === 'cloned');
const cloneMs = Math.max(...cloned.map((t) => t.endedAt!)) - run.createdAt;
const originMs = Math.max(...originTasks.filter((t) => t.step === 'work').map((t) => t.endedAt!)) - originRun.createdAt;
console.log(`resume: cloned ${cloned.length} tasks, re-ran ${tasks.length - cloned.length}`);
const ok = report(`resume: clone ${cloned.length} tasks`, cloneMs, 'ms', { label: 'original run to the same point', value: originMs }, {
  ok: cloneMs <= 1000 && cloned.length >= 1001,
  text: '1,000+ tasks in <= 1000 ms',
});
process.exitCode = ok ? 0 : 1;
