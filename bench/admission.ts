/**
 * Admission: 8 tasks each declaring memoryMiB 6000 on this machine (24 GiB; admission hands out
 * 90% of RAM by default), 8 pool workers. Target: never more than 3 at once, and the run finishes.
 * Baseline: the same tasks with no memory declared (limited only by workers), same command.
 */
import { totalmem } from 'node:os';
import { report, runBenchFlow } from './lib.js';

const limited = await runBenchFlow('admission8.ts', { maxWorkers: 8, cpus: 8 });
const free = await runBenchFlow('admission8.ts', { maxWorkers: 8, cpus: 8, with: [], memoryMiB: 1_000_000 });
const expected = Math.floor((totalmem() / 2 ** 20) * 0.9 / 6000);
console.log(`admission: machine ${(totalmem() / 2 ** 30).toFixed(1)} GiB → at most ${expected} tasks of 6000 MiB`);
const ok = report('admission: peak concurrent 6000 MiB tasks', limited.result.peakConcurrency, 'tasks', { label: 'unconstrained', value: free.result.peakConcurrency }, {
  ok: limited.result.peakConcurrency <= 3 && limited.result.status === 'succeeded',
  text: '<= 3 at once and finishes',
});
report('admission: wall with memory limits', limited.wallMs, 'ms', { label: 'unconstrained', value: free.wallMs });
process.exitCode = ok ? 0 : 1;
