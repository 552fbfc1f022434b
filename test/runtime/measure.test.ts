import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { TaskMeter } from '../../src/runtime/measure.js';

const MiB = 1024 * 1024;

/**
 * Busy-waits until this process has used `ms` of CPU and as much wall time: a wall-clock wait alone
 * gets less CPU on a busy machine.
 */
function burnCpu(ms: number): void {
  const start = process.cpuUsage();
  const until = performance.now() + ms;
  for (;;) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms && performance.now() >= until) return;
  }
}

test('a task meter reports the peak RSS and heap reached during the task, and its CPU time', () => {
  const meter = new TaskMeter();
  // 160 MiB written (so resident) outside the heap, ~30 MiB of numbers on it, and 50 ms of CPU.
  const buffer = Buffer.alloc(160 * MiB, 1);
  const numbers = Array.from({ length: 2_000_000 }, (_, i) => i + 0.5);
  burnCpu(50);
  const stats = meter.finish();
  assert.ok(stats.peakRssBytes >= 160 * MiB, `peak RSS ${(stats.peakRssBytes / MiB).toFixed(0)} MiB`);
  assert.ok(stats.peakHeapBytes >= 16 * MiB, `peak heap ${(stats.peakHeapBytes / MiB).toFixed(0)} MiB`);
  assert.ok(stats.cpuUserMs + stats.cpuSystemMs >= 40, `cpu ${stats.cpuUserMs} + ${stats.cpuSystemMs} ms`);
  assert.ok(stats.wallMs >= 50);
  assert.equal(buffer[buffer.length - 1]! + numbers.length, 2_000_001);
});

test("each task's peak RSS is its own, not the process's earlier peak (Linux)", { skip: process.platform !== 'linux' && 'peak reset needs /proc/self/clear_refs' }, async () => {
  const first = new TaskMeter();
  // Resident outside the V8 heap; freed (by a collection) before the second task starts.
  let big: Uint8Array | undefined = new Uint8Array(200 * MiB).fill(1);
  const firstStats = first.finish();
  assert.equal(big[big.length - 1], 1);
  big = undefined;
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < 100 && process.memoryUsage.rss() > firstStats.peakRssBytes - 150 * MiB; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const second = new TaskMeter();
  const secondStats = second.finish();
  assert.ok(firstStats.peakRssBytes >= 200 * MiB, `first peak ${(firstStats.peakRssBytes / MiB).toFixed(0)} MiB`);
  assert.ok(secondStats.peakRssBytes < firstStats.peakRssBytes - 100 * MiB, `second peak ${(secondStats.peakRssBytes / MiB).toFixed(0)} MiB after the first's ${(firstStats.peakRssBytes / MiB).toFixed(0)} MiB`);
});

test('meters running side by side each get CPU time and their own figures', () => {
  const a = new TaskMeter();
  const b = new TaskMeter();
  burnCpu(20);
  const aStats = a.finish();
  const bStats = b.finish();
  for (const stats of [aStats, bStats]) {
    assert.ok(stats.cpuUserMs + stats.cpuSystemMs >= 15, `cpu ${stats.cpuUserMs} + ${stats.cpuSystemMs} ms`);
    assert.ok(stats.peakHeapBytes > 0 && stats.peakRssBytes > 0);
  }
});
