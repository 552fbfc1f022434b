/**
 * foreach-batch: `batch: 'auto'` against one item per dispatch, on the pool (2 workers).
 *
 * Cells: 100,000 items of 1 ms — the issue's case (per-dispatch overhead is about the item's cost:
 * batching should pay; the cell takes ~2.5 minutes), and 100 items of 50 ms (overhead is noise:
 * batching must not hurt). Each item spins the CPU for its time and returns a small value. Measured: the foreach phase (first item start → last item
 * end), so the upstream step that stores the items does not count; the ideal is the items' own
 * recorded user time divided by the workers.
 *
 * Targets: 1 ms items — auto at least 1.3× faster than one item per dispatch; 50 ms items — auto
 * no more than 10% slower. Exits 1 when a target fails.
 *
 * Usage: node --import tsx bench/foreach-batch.ts   (BENCH_BATCH_N overrides the 100,000)
 */
import { loadavg } from 'node:os';
import { report, runBenchFlow } from './lib.js';

const WORKERS = 2;

async function phase(n: number, ms: number, batch: string): Promise<{ ms: number; idealMs: number; batchSize: string }> {
  let chosen = batch;
  const run = await runBenchFlow('foreach-spin.ts', {
    maxWorkers: WORKERS,
    params: { values: { n, ms } },
    with: batch === '1' ? [] : [`batch=${batch}`],
    observer: { info: (m) => (chosen = /batches of (\d+)/.exec(m)?.[1] ?? chosen) },
  });
  const work = run.tasks.filter((t) => t.step === 'work');
  if (work.length !== n || work.some((t) => t.status !== 'done')) throw new Error(`expected ${n} finished items, got ${work.filter((t) => t.status === 'done').length}`);
  const first = Math.min(...work.map((t) => t.startedAt!));
  const last = Math.max(...work.map((t) => t.endedAt!));
  const user = work.reduce((s, t) => s + (t.stats?.userMs ?? 0), 0);
  return { ms: last - first, idealMs: user / WORKERS, batchSize: chosen };
}

let ok = true;
const n = Number(process.env.BENCH_BATCH_N ?? 100_000);
console.log(`load average ${loadavg()[0]!.toFixed(2)} (2 cores): figures mean little on a busy machine`);
for (const cell of [
  { n, ms: 1, target: (ratio: number) => ({ ok: ratio <= 1 / 1.3, text: '>= 1.3× faster than one per dispatch' }) },
  { n: 100, ms: 50, target: (ratio: number) => ({ ok: ratio <= 1.1, text: '<= 1.1× one per dispatch' }) },
]) {
  const single = await phase(cell.n, cell.ms, '1');
  const auto = await phase(cell.n, cell.ms, 'auto');
  const name = `foreach ${cell.n} × ${cell.ms} ms`;
  report(`${name}, one item per dispatch`, single.ms / 1000, 's', { label: 'ideal', value: single.idealMs / 1000 });
  ok = report(`${name}, batch auto (batches of ${auto.batchSize})`, auto.ms / 1000, 's', { label: 'one per dispatch', value: single.ms / 1000 }, cell.target(auto.ms / single.ms)) && ok;
  report(`${name}, overhead per item: one per dispatch / auto`, ((single.ms - single.idealMs) * WORKERS) / cell.n, 'ms', { label: 'auto', value: ((auto.ms - auto.idealMs) * WORKERS) / cell.n });
}
process.exitCode = ok ? 0 : 1;
