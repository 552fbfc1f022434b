import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockPicker, dryRun, spreadIndices } from '../../../src/runtime/planner/sample.js';
import { formatBar } from '../../../src/runtime/planner/progress.js';

test('spread indices: any prefix covers the list evenly, and every index comes exactly once', () => {
  const first5 = [...spreadIndices(100)].slice(0, 5);
  assert.deepEqual(first5, [50, 11, 73, 35, 97]);
  const all = [...spreadIndices(37)];
  assert.equal(all.length, 37);
  assert.deepEqual([...all].sort((a, b) => a - b), Array.from({ length: 37 }, (_, i) => i));
  assert.deepEqual([...spreadIndices(1)], [0]);
  assert.deepEqual([...spreadIndices(0)], []);
});

test('dry-run blocks: runs of up to 64 consecutive positions at spread starts, never a position twice', () => {
  const n = 10_000;
  const pick = blockPicker(n, [5000, 1180]);
  const seen = new Set<number>([5000, 1180]);
  const starts: number[] = [];
  for (const size of [8, 16, 256, 1024]) {
    const block = pick(size);
    assert.equal(block.length, size);
    for (let k = 0; k < block.length; k++) {
      assert.ok(!seen.has(block[k]!), `position ${block[k]} picked twice`);
      seen.add(block[k]!);
      if (k === 0 || block[k]! !== block[k - 1]! + 1) starts.push(block[k]!);
    }
  }
  // 1,304 positions in runs of at most 64: at least 21 runs, spread over every tenth of the list.
  assert.ok(starts.length >= 21, `${starts.length} runs`);
  assert.equal(new Set(starts.map((s) => Math.floor(s / 1000))).size, 10);
  // A short list runs out: every position exactly once, then empty blocks.
  const small = blockPicker(50, [25]);
  const all = [...small(30), ...small(30)];
  assert.deepEqual([...all].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i).filter((i) => i !== 25));
  assert.deepEqual(small(8), []);
});

test('dry run keeps the results of the items it ran, and stops after one item when the whole list is tiny', async () => {
  const items = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const results: unknown[] = new Array(10);
  const stats = await dryRun(items, results, (x) => (x as number) * 10, { size: 5, quickMs: 1e9 });
  assert.equal(stats.quick, true);
  assert.deepEqual(stats.indices, [5]);
  assert.equal(results[5], 60);
  assert.equal(results.filter((r) => r !== undefined).length, 1);
});

test('dry run measures the sample size asked for and the bytes of items and results', async () => {
  const items = Array.from({ length: 50 }, (_, i) => new Float64Array(128).fill(i));
  const results: unknown[] = new Array(50);
  const stats = await dryRun(items, results, (x) => (x as Float64Array).reduce((s, v) => s + v, 0), { size: 5, quickMs: 0 });
  assert.equal(stats.quick, false);
  assert.ok(stats.indices.length >= 5);
  for (const i of stats.indices) assert.equal(results[i], 128 * i);
  assert.ok(stats.itemBytes >= 1024 && stats.itemBytes < 1100, `item ${stats.itemBytes} B`);
  assert.ok(stats.resultBytes < 16);
  assert.equal(stats.async, false);
});

test('dry run reports a result that cannot come back from a worker', async () => {
  const results: unknown[] = new Array(10);
  const stats = await dryRun([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], results, (x) => ({ x, f: () => x }), { size: 3, quickMs: 0 });
  assert.match(stats.resultProblem!.problem, /f is a function/);
});

test('progress bar text', () => {
  assert.equal(formatBar({ label: 'extract', done: 48, total: 100, elapsedMs: 2100, etaMs: 2300 }, 10), 'extract [#####.....] 48% 48/100 · 2.1s · eta 2.3s');
  assert.equal(formatBar({ label: 'x', done: 3, total: 3, elapsedMs: 500, etaMs: 0 }, 4), 'x [####] 100% 3/3 · 0.5s');
});
