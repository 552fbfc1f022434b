/**
 * Per-task overhead of the pool executor (2 workers): a 200-step linear no-op flow and a
 * 10,000-item no-op foreach. Baseline: starting a fresh Node process per task, measured here.
 * Targets: median overhead per task <= 5 ms; the 10,000-item foreach done in <= 60 s.
 */
import { median, report, runBenchFlow, spawnPerTaskMs } from './lib.js';

const baseline = { label: 'process-per-task', value: spawnPerTaskMs() };
let ok = true;

const linear = await runBenchFlow('linear200.ts', { maxWorkers: 2 });
const ordered = [...linear.tasks].sort((a, b) => a.taskId - b.taskId);
const gaps = ordered.slice(1).map((t, i) => t.startedAt! - ordered[i]!.startedAt!);
ok = report('linear-200 median per-task overhead', median(gaps), 'ms', baseline, { ok: median(gaps) <= 5, text: '<= 5 ms' }) && ok;
report('linear-200 run wall (incl. pool start)', linear.wallMs, 'ms', undefined);

const n = Number(process.env.BENCH_FOREACH_N ?? 10_000);
const foreach = await runBenchFlow('foreach-noop.ts', { maxWorkers: 2, params: { values: { n } } });
const inner = foreach.tasks.filter((t) => t.step === 'noop');
const first = Math.min(...inner.map((t) => t.startedAt!));
const last = Math.max(...inner.map((t) => t.endedAt!));
const perTask = ((last - first) * 2) / inner.length;
ok = report(`foreach-${n} per-task overhead (wall × workers / tasks)`, perTask, 'ms', baseline, { ok: perTask <= 5, text: '<= 5 ms' }) && ok;
ok = report(`foreach-${n} run wall`, foreach.wallMs / 1000, 's', { label: 'process-per-task estimate', value: (baseline.value * n) / 2 / 1000 }, { ok: foreach.wallMs <= 60_000, text: '<= 60 s' }) && ok;
if (inner.length !== n) throw new Error(`expected ${n} foreach tasks, recorded ${inner.length}`);
process.exitCode = ok ? 0 : 1;
