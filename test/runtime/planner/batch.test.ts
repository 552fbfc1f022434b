import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureBytes, planBatch, stepCostFromStats } from '../../../src/runtime/planner/batch.js';
import type { TaskStats } from '../../../src/store/types.js';

test('100,000 items of 1 ms: tens to thousands of items per task, about 4× faster than one item per task', () => {
  const plan = planBatch({ count: 100_000, itemMs: 1, cv: 0.1, workers: 2, taskOverheadMs: 3 });
  assert.ok(plan.batchSize >= 64 && plan.batchSize <= 4096, `batch ${plan.batchSize}`);
  // One item per task: 100,000 tasks of 4 ms on 2 workers = 200 s; batched ≈ 50 s of compute on 2 workers.
  assert.ok(Math.abs(plan.unbatchedMs - 200_002) < 1, `unbatched ${plan.unbatchedMs}`);
  assert.ok(plan.speedup > 3.8 && plan.speedup < 4, `speedup ${plan.speedup}`);
  assert.match(plan.explain(), /^foreach of 100000 items: batches of \d+ \(\d+ tasks of ~/);
});

test('coarse items stay one per task', () => {
  const plan = planBatch({ count: 100, itemMs: 10_000, cv: 0.2, workers: 4 });
  assert.equal(plan.batchSize, 1);
  assert.equal(plan.tasks, 100);
  assert.match(plan.reasons[0]!, /per-task overhead is small next to them/);
});

test('uneven items get smaller batches; maxBatch and the task-length cap bound them', () => {
  const even = planBatch({ count: 20_000, itemMs: 2, cv: 0, workers: 2 });
  const uneven = planBatch({ count: 20_000, itemMs: 2, cv: 4, workers: 2 });
  assert.ok(uneven.batchSize <= even.batchSize && uneven.batchSize > 1, `uneven ${uneven.batchSize} vs even ${even.batchSize}`);
  assert.ok(planBatch({ count: 100_000, itemMs: 1, workers: 2, maxBatch: 100 }).batchSize <= 100);
  // 1 s items: a task of more than 30 s would make a retry repeat too much.
  assert.ok(planBatch({ count: 10_000, itemMs: 1000, workers: 1, taskOverheadMs: 500 }).batchSize <= 30);
});

test('item sizes from a sample; step cost from recorded task stats', () => {
  assert.equal(measureBytes([]), 0);
  assert.ok(measureBytes([new Float64Array(1000)]) >= 8000);
  const stat = (userMs: number, bytesWritten: number): TaskStats => ({
    wallMs: userMs + 1,
    cpuUserMs: userMs,
    cpuSystemMs: 0,
    peakRssBytes: 0,
    peakHeapBytes: 0,
    bytesRead: 0,
    bytesWritten,
    loadMs: 0,
    storeMs: 0,
    userMs,
  });
  const cost = stepCostFromStats([stat(2, 100), stat(4, 300), null, stat(6, 200)])!;
  assert.equal(cost.itemMs, 4);
  assert.equal(cost.cv, 0.5); // sd of 2, 4, 6 is 2
  assert.equal(cost.resultBytes, 200);
  assert.equal(cost.items, 3);
  assert.equal(stepCostFromStats([null]), undefined);
});

test('bad input names the field', () => {
  assert.throws(() => planBatch({ count: -1, itemMs: 1, workers: 2 }), /count must be a non-negative integer, got -1/);
  assert.throws(() => planBatch({ count: 10, itemMs: 1, workers: 0 }), /workers must be a positive integer, got 0/);
});
