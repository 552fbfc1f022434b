/**
 * Five parallel ML workloads, each run serially (a plain loop) and through the planner:
 *   1. feature extraction over 100 signals      4. batch prediction over 1,000 rows
 *   2. 5-fold cross-validation                  5. training an 8-model ensemble
 *   3. a 36-combination grid search
 * For each it prints the plan's explanation, the estimated and realised speedups, checks that both
 * runs agree, and writes `parallel-ml.svg` (and `results.json`) to the output directory.
 *
 *   node --import tsx examples/parallel-ml/run.ts [--out DIR] [--quick]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LogisticRegression, makeClassification, parameterGrid, StratifiedKFold } from 'sluice/ml';
import { mapPool, planMap, type ParallelFn } from '../../src/runtime/planner/index.js';
import { barChart, type ChartRow } from './chart.js';
import { cvFold, evaluateCandidate, extractFeatures, predictRow, trainMember, type Candidate } from './tasks.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outAt = args.indexOf('--out');
const out = resolve(outAt >= 0 && args[outAt + 1] ? args[outAt + 1]! : join(tmpdir(), 'sluice-parallel-ml'));
const home = join(out, 'home');

interface Workload {
  readonly name: string;
  readonly items: readonly unknown[];
  readonly fn: ParallelFn;
  readonly shared?: unknown;
  /** Both runs must agree on this digest of the results. */
  readonly digest: (results: readonly unknown[]) => string;
}

function signals(count: number, length: number): Float64Array[] {
  return Array.from({ length: count }, (_, k) => {
    const s = new Float64Array(length);
    for (let i = 0; i < length; i++) s[i] = Math.sin((i * (k + 3)) / 50) + 0.3 * Math.sin(i / 7 + k) + ((i * 7919 + k * 104729) % 997) / 997 - 0.5;
    return s;
  });
}

function workloads(): Workload[] {
  const data = makeClassification({ nSamples: quick ? 1500 : 4000, nFeatures: 20, nInformative: 8, seed: 42 });
  const folds = new StratifiedKFold({ nSplits: 5, shuffle: true, seed: 0 }).split(data.y.length, data.y);
  const order = Array.from({ length: data.y.length }, (_, i) => i);
  const cut = Math.floor(order.length * 0.75);
  const holdout = { ...data, train: Int32Array.from(order.slice(0, cut)), valid: Int32Array.from(order.slice(cut)) };
  const grid = parameterGrid<Record<string, unknown>>({ nEstimators: [10, 30, 50], maxDepth: [4, 8, null], maxFeatures: ['sqrt', 0.5], minSamplesLeaf: [1, 5] }) as unknown as Candidate[];
  const model = new LogisticRegression().fit(data.x, data.y);
  const rows = Array.from({ length: 1000 }, (_, i) => data.x.data.slice((i % data.x.rows) * data.x.cols, ((i % data.x.rows) + 1) * data.x.cols));
  const round = (v: number): string => v.toFixed(6);
  return [
    { name: 'feature extraction (100 signals)', items: signals(100, quick ? 4096 : 16_384), fn: extractFeatures, digest: (r) => round((r as Float64Array[]).reduce((s, f) => s + f[5]!, 0)) },
    { name: '5-fold cross-validation', items: folds, fn: cvFold, shared: data, digest: (r) => (r as number[]).map(round).join(',') },
    { name: '36-candidate grid search', items: grid, fn: evaluateCandidate, shared: holdout, digest: (r) => (r as { score: number }[]).map((c) => round(c.score)).join(',') },
    { name: 'batch prediction (1,000 rows)', items: rows, fn: predictRow, shared: model, digest: (r) => round((r as number[]).reduce((s, v) => s + v, 0)) },
    { name: '8-model ensemble', items: [1, 2, 3, 4, 5, 6, 7, 8], fn: trainMember, shared: data, digest: (r) => String(r.length) },
  ];
}

const secs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const rows: ChartRow[] = [];
  const report: Record<string, unknown>[] = [];
  for (const w of workloads()) {
    console.log(`\n=== ${w.name}`);
    // Serial runs before and after the planned one (their mean is the baseline): the first warms
    // this thread's JIT, which the planned run then benefits from; the second does not.
    const serialRun = (): { results: unknown[]; ms: number } => {
      const t0 = performance.now();
      const results = w.items.map((item, i) => w.fn(item, i, w.shared) as unknown);
      return { results, ms: performance.now() - t0 };
    };
    const before = serialRun();
    const t = performance.now();
    const plan = await planMap(w.items, w.fn, { shared: w.shared, home });
    console.log(plan.explain());
    const planned = await plan.run();
    const plannedMs = performance.now() - t;
    const after = serialRun();
    const serial = after.results;
    const serialMs = (before.ms + after.ms) / 2;
    if (w.digest(serial) !== w.digest(planned)) throw new Error(`${w.name}: the planned run's results differ from the serial run's`);
    const realised = serialMs / plannedMs;
    console.log(`serial ${secs(before.ms)} before / ${secs(after.ms)} after, planner ${secs(plannedMs)}: estimated ${plan.estimatedSpeedup.toFixed(2)}×, realised ${realised.toFixed(2)}× (results agree)`);
    const data = plan.toJSON();
    rows.push({
      name: w.name,
      serialMs,
      plannedMs,
      plan: data.mode === 'serial' ? 'serial' : `${data.workers} workers × ${data.chunkSize}`,
      estimated: plan.estimatedSpeedup,
      realised,
    });
    report.push({ workload: w.name, serialMs, plannedMs, realisedSpeedup: realised, plan: data });
  }
  await mapPool().shutdown();
  const svg = join(out, 'parallel-ml.svg');
  writeFileSync(svg, barChart(rows, 'Serial vs planner, per workload'));
  writeFileSync(join(out, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nchart: ${svg}\nresults: ${join(out, 'results.json')}`);
  console.log('\nworkload                            serial     planner    plan                  est.    realised');
  for (const r of rows) {
    console.log(`${r.name.padEnd(34)}  ${secs(r.serialMs).padStart(9)}  ${secs(r.plannedMs).padStart(9)}    ${r.plan.padEnd(20)}  ${r.estimated.toFixed(2)}×   ${r.realised.toFixed(2)}×`);
  }
}

await main();
