import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkCandidates, choose, estimate, threadSpeed, type Capacity, type WorkloadStats } from '../../../src/runtime/planner/model.js';

const GiB = 1024 ** 3;
const work = (over: Partial<WorkloadStats> = {}): WorkloadStats => ({
  remaining: 100,
  itemMs: 10,
  cv: 0,
  mainPerItemMs: 0,
  workerPerItemMs: 0,
  itemBytes: 0,
  resultBytes: 0,
  callBytes: 0,
  sharedBytes: 0,
  sharedMainMs: 0,
  sharedWorkerMs: 0,
  ...over,
});
const machine = (over: Partial<Capacity> = {}): Capacity => ({
  cores: 2,
  maxWorkers: Infinity,
  startMs: 100,
  warmWorkers: 0,
  roundTripMs: 0,
  pipelinedMs: 0,
  freeBytes: 16 * GiB,
  workerBytes: 0,
  ...over,
});

test('estimate: start-up, items the main thread runs meanwhile, chunks, and the tail, by hand', () => {
  // One warm and one cold worker on 2 cores: the cold one starts in 100 ms while the main thread
  // runs 10 items. Dispatch is free here, so chunks shrink from 10 down to 1 item (4 halvings per
  // worker: 9 + 2 × 4 = 17 chunks); the 90 items take 90 × 10 / 2 = 450 ms on 2 workers; the
  // tail is half a last (1-item) chunk: ½ × 10 × (2−1)/2 = 2.5 ms. Total 100 + 450 + 2.5.
  const e = estimate(work(), machine({ warmWorkers: 1 }), 2, 10);
  assert.equal(e.startMs, 100);
  assert.equal(e.helpedItems, 10);
  assert.equal(e.minChunk, 1);
  assert.equal(e.chunks, 17);
  assert.equal(e.workerMs, 450);
  assert.equal(e.tailMs, 2.5);
  assert.equal(e.totalMs, 552.5);
});

test('estimate: fixed chunks (no shrinking) keep their discrete end: 5 chunks on 2 workers take 3 chunk times', () => {
  // Dispatch costs 10 ms, so the smallest worthwhile chunk is 20 × 10 / 100 = 2 items: chunks of 1
  // cannot shrink. 5 items on 2 workers: (500 + 5 × 10) / 2 + ½ × 110 (the odd one) = 330 ms.
  const e = estimate(work({ remaining: 5, itemMs: 100 }), machine({ warmWorkers: 2, pipelinedMs: 10 }), 2, 1);
  assert.equal(e.minChunk, 1);
  assert.equal(e.chunks, 5);
  assert.equal(e.workerMs, 330);
});

test('estimate: when workers start after the work would be done, the main thread does it all', () => {
  const e = estimate(work({ remaining: 5 }), machine({ startMs: 1000 }), 2, 1);
  assert.equal(e.helpedItems, 5);
  assert.equal(e.chunks, 0);
  // Two cold workers and the main thread share 2 cores: the main thread runs at 2/3 speed.
  assert.ok(Math.abs(e.totalMs - 75) < 1e-9);
});

test('estimate: the main thread bottlenecks when sending items costs more than computing them', () => {
  // 1000 × 0.05 ms of sending, while 2 busy workers share the 2 cores with it (2/3 of a core each).
  const e = estimate(work({ remaining: 1000, itemMs: 0.01, mainPerItemMs: 0.05 }), machine({ warmWorkers: 2 }), 2, 100);
  assert.equal(e.mainMs, 75);
  assert.ok(e.totalMs >= 50);
});

test('chunk candidates: powers of two up to an even split, plus splits into 1, 2, 4, 8, 16 chunks per worker', () => {
  assert.deepEqual(chunkCandidates(100, 2), [1, 2, 4, 7, 8, 13, 16, 25, 32, 50]);
  assert.deepEqual(chunkCandidates(3, 4), [1]);
});

test('choose: serial when the work left is shorter than a worker start', () => {
  const c = choose(work({ remaining: 20, itemMs: 1 }), machine({ startMs: 300 }));
  assert.equal(c.workers, 0);
  assert.match(c.alternatives[0]!.reason, /slower than serial: worker start-up alone/);
});

test('choose: coarse CPU-bound items on 2 cores use 2 workers and small chunks, about 2× faster', () => {
  const c = choose(work({ remaining: 100, itemMs: 200, cv: 0.05 }), machine({ startMs: 300, roundTripMs: 0.1, pipelinedMs: 0.02 }));
  assert.equal(c.workers, 2);
  assert.ok(c.minChunk <= 4, `chunk ${c.chunkSize}→${c.minChunk}`);
  const speedup = c.serialMs / c.chosen!.totalMs;
  assert.ok(speedup > 1.8 && speedup < 2.0, `estimated ${speedup}`);
  assert.equal(c.alternatives[0]!.workers, 0, 'serial is listed as rejected');
});

test('choose: heterogeneous items end on smaller chunks than uniform ones', () => {
  const uniform = choose(work({ remaining: 10_000, itemMs: 0.05, cv: 0 }), machine({ pipelinedMs: 0.05, roundTripMs: 0.2 }));
  const mixed = choose(work({ remaining: 10_000, itemMs: 0.05, cv: 3 }), machine({ pipelinedMs: 0.05, roundTripMs: 0.2 }));
  assert.equal(uniform.workers, 2);
  assert.equal(mixed.workers, 2);
  // Dispatch 0.05 ms: a chunk needs 20 × 0.05 / 0.05 = 20 items to keep dispatch under 5%; cv 3 → 20 / 4 = 5.
  assert.equal(uniform.minChunk, 20);
  assert.equal(mixed.minChunk, 5);
  assert.ok(mixed.reasons.some((r) => /chunks shrink from \d+ to 5 items .*\(items vary, cv 3\.00\)/.test(r)), mixed.reasons.join('; '));
});

test('choose: memory caps the workers', () => {
  // Each worker holds 600 MiB per call; 1 GiB free × 0.7 leaves room for one worker only.
  const c = choose(work({ remaining: 100, itemMs: 200, callBytes: 600 * 1024 ** 2 }), machine({ cores: 4, freeBytes: 1 * GiB }));
  assert.ok(c.workers <= 1);
  assert.ok(c.alternatives.some((a) => /^memory: needs ~/.test(a.reason)));
});

test('choose: one core means serial; warm workers make medium work worth splitting', () => {
  assert.equal(choose(work({ remaining: 100, itemMs: 200 }), machine({ cores: 1 })).workers, 0);
  const cold = choose(work({ remaining: 400, itemMs: 1 }), machine({ startMs: 300 }));
  const warm = choose(work({ remaining: 400, itemMs: 1 }), machine({ startMs: 300, warmWorkers: 2, roundTripMs: 0.1, pipelinedMs: 0.02 }));
  assert.equal(cold.workers, 0);
  assert.equal(warm.workers, 2);
});

test('choose: on a busy machine workers get a fair share of the cores: still worth it, but less', () => {
  // 2 cores, 1 busy elsewhere: alone we get a whole core; 2 workers get 2/3 of one each (4/3 in all).
  const c = choose(work({ remaining: 100, itemMs: 200 }), machine({ startMs: 300, otherBusy: 1 }));
  assert.equal(c.workers, 2);
  const speedup = c.serialMs / c.chosen!.totalMs;
  assert.ok(speedup > 1.2 && speedup < 1.34, `estimated ${speedup}`);
  // Cold start of 2 workers while the main thread helps: 3 threads at 1/2 core each → 300 / 0.5.
  assert.equal(c.chosen!.startMs, 600);
});

test('thread speed: one busy thread runs at full speed, every core busy at the measured efficiency, linear between', () => {
  assert.equal(threadSpeed(2, 0.8, 1), 1);
  assert.equal(threadSpeed(2, 0.8, 2), 0.8);
  assert.equal(threadSpeed(2, 0.8, 3), 0.8, 'more threads than cores: no worse than all cores busy');
  assert.ok(Math.abs(threadSpeed(5, 0.8, 3) - 0.9) < 1e-12);
  assert.equal(threadSpeed(1, 0.5, 4), 1, 'one core cannot slow itself');
});

test('choose: cores that slow each other (efficiency 0.8) lower the estimate, not the choice for coarse items', () => {
  const full = choose(work({ remaining: 100, itemMs: 200 }), machine({ startMs: 300 }));
  const shared = choose(work({ remaining: 100, itemMs: 200 }), machine({ startMs: 300, threadEfficiency: 0.8 }));
  assert.equal(shared.workers, 2);
  const gain = (c: typeof full): number => c.serialMs / c.chosen!.totalMs;
  // The work phase dominates: 2 workers at 80% speed are ~1.6× serial, not ~2×.
  assert.ok(gain(full) > 1.9, `full ${gain(full)}`);
  assert.ok(gain(shared) > 1.5 && gain(shared) < 1.62, `shared ${gain(shared)}`);
});
