import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskMeter } from '../../src/runtime/measure.js';

const MiB = 1024 * 1024;

test('a task meter reports the peak RSS and heap reached during the task, and its CPU time', () => {
  const meter = new TaskMeter();
  // 160 MiB written (so resident) outside the heap, ~30 MiB of numbers on it, and 50 ms of CPU.
  const buffer = Buffer.alloc(160 * MiB, 1);
  const numbers = Array.from({ length: 2_000_000 }, (_, i) => i + 0.5);
  const until = performance.now() + 50;
  while (performance.now() < until);
  const stats = meter.finish();
  assert.ok(stats.peakRssBytes >= 160 * MiB, `peak RSS ${(stats.peakRssBytes / MiB).toFixed(0)} MiB`);
  assert.ok(stats.peakHeapBytes >= 16 * MiB, `peak heap ${(stats.peakHeapBytes / MiB).toFixed(0)} MiB`);
  assert.ok(stats.cpuUserMs + stats.cpuSystemMs >= 40, `cpu ${stats.cpuUserMs} + ${stats.cpuSystemMs} ms`);
  assert.ok(stats.wallMs >= 50);
  assert.equal(buffer[buffer.length - 1]! + numbers.length, 2_000_001);
});
