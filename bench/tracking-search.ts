/**
 * Run search over 10,000 runs with a 3-clause filter (a metric range, a param, a tag).
 * Figure: median time of `searchRuns` returning the first page (100 runs, newest first).
 * Baseline: the same search with no filter, measured in this process.
 * Target: <= 100 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/home.js';
import type { RunRecord, WriteOp } from '../src/store/types.js';
import { median, report } from './lib.js';

const RUNS = 10_000;
const FILTER = "metrics.auc > 0.8 and params.model = 'rf' and tags.team = 'vision'";

const home = mkdtempSync(join(tmpdir(), 'sluice-bench-search-'));
const store = openStore(home);
try {
  const models = ['rf', 'gbm', 'lr', 'svm'];
  const teams = ['vision', 'nlp', 'ads'];
  const seedStarted = performance.now();
  let ops: WriteOp[] = [];
  for (let i = 0; i < RUNS; i++) {
    const runId = `r${String(i).padStart(14, '0')}`;
    const run: RunRecord = {
      flow: `Flow${i % 5}`,
      runId,
      status: i % 7 === 0 ? 'failed' : 'succeeded',
      createdAt: 1_700_000_000_000 + i * 1000,
      endedAt: 1_700_000_000_500 + i * 1000,
      user: 'bench',
      flowFile: '/bench/flow.ts',
      codeDigest: 'c0de',
      params: { model: models[i % models.length], seed: i },
      tags: [],
      systemTags: ['user:bench', 'runtime:local'],
      originRunId: null,
      coordinator: { pid: 1, host: 'bench', heartbeatAt: 0 },
      error: null,
    };
    await store.meta.createRun(run);
    const auc = ((i * 7919) % 1000) / 1000;
    ops.push(
      { op: 'metrics', runId, taskId: 1, points: [{ key: 'auc', value: auc, step: 0, timestamp: run.createdAt }, { key: 'loss', value: 1 - auc, step: 0, timestamp: run.createdAt }] },
      { op: 'params', runId, taskId: 1, time: run.createdAt, source: 'logged', params: [{ key: 'depth', value: i % 10 }] },
      { op: 'run-tags', runId, tags: [{ key: 'team', value: teams[i % teams.length]! }] },
    );
    if (ops.length >= 3000) {
      await store.meta.write(ops);
      ops = [];
    }
  }
  await store.meta.write(ops);
  console.log(`seeded ${RUNS} runs (params, 2 metrics, a tag each) in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

  const time = async (filter: string | undefined): Promise<{ ms: number; count: number }> => {
    const samples: number[] = [];
    let count = 0;
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now();
      const result = await store.meta.tracking.searchRuns({ filter, limit: 100 });
      samples.push(performance.now() - t0);
      count = result.runs.length;
    }
    return { ms: median(samples), count };
  };
  const baseline = await time(undefined);
  const filtered = await time(FILTER);
  const matching = await time(`${FILTER} order by metrics.auc desc`);
  console.log(`filter: ${FILTER} → first page ${filtered.count} runs`);
  report('search 10,000 runs, 3-clause filter (first page of 100)', filtered.ms, 'ms', { label: 'no filter', value: baseline.ms }, { ok: filtered.ms <= 100, text: '<= 100 ms' });
  const ok = report('search 10,000 runs, 3-clause filter ordered by metric', matching.ms, 'ms', { label: 'no filter', value: baseline.ms }, { ok: matching.ms <= 100, text: '<= 100 ms' });
  process.exitCode = ok && filtered.ms <= 100 ? 0 : 1;
} finally {
  await store.close();
  rmSync(home, { recursive: true, force: true });
}
