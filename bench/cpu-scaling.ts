/**
 * CPU-bound foreach: 20 tasks of ~200 ms of real compute each, with --max-workers 2 vs 1.
 * Target: 2 workers at least 1.8× faster than 1.
 */
import { report, runBenchFlow } from './lib.js';

function burn(iterations: number): number {
  let acc = 0;
  for (let i = 1; i <= iterations; i++) acc += Math.sqrt(i) * Math.sin(i);
  return acc;
}
// Calibrate iterations for ~200 ms on this machine.
let iterations = 1_000_000;
for (;;) {
  const t = performance.now();
  burn(iterations);
  const ms = performance.now() - t;
  if (ms > 50) {
    iterations = Math.round((iterations * 200) / ms);
    break;
  }
  iterations *= 2;
}

const tasks = 20;
const span = (r: Awaited<ReturnType<typeof runBenchFlow>>): number => {
  const work = r.tasks.filter((t) => t.step === 'work');
  return Math.max(...work.map((t) => t.endedAt!)) - Math.min(...work.map((t) => t.startedAt!));
};
const one = await runBenchFlow('cpu-foreach.ts', { maxWorkers: 1, params: { values: { tasks, iterations } } });
const two = await runBenchFlow('cpu-foreach.ts', { maxWorkers: 2, params: { values: { tasks, iterations } } });
const speedup = span(one) / span(two);
report('cpu-foreach 1 worker (foreach span)', span(one), 'ms', undefined);
report('cpu-foreach 2 workers (foreach span)', span(two), 'ms', { label: '1 worker', value: span(one) });
const ok = report('cpu-foreach speedup 2 vs 1 workers', speedup, '×', undefined, { ok: speedup >= 1.8, text: '>= 1.8×' });
process.exitCode = ok ? 0 : 1;
