import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkCandidates, choose, estimate, type Capacity, type WorkloadStats } from '../../../src/runtime/planner/model.js';

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
  // runs 10 items; 90 items remain in 9 chunks of 10 (100 ms each): ⌈9/2⌉ × 100 = 500 ms;
  // tail = ½ × 100 × (2−1)/2 = 25 ms. Total 100 + 500 + 25.
  const e = estimate(work(), machine({ warmWorkers: 1 }), 2, 10);
  assert.equal(e.startMs, 100);
  assert.equal(e.helpedItems, 10);
  assert.equal(e.chunks, 9);
  assert.equal(e.workerMs, 500);
  assert.equal(e.cpuMs, 450);
  assert.equal(e.tailMs, 25);
  assert.equal(e.totalMs, 625);
});

test('estimate: when workers start after the work would be done, the main thread does it all', () => {
  const e = estimate(work({ remaining: 5 }), machine({ startMs: 1000 }), 2, 1);
  assert.equal(e.helpedItems, 5);
  assert.equal(e.chunks, 0);
  // Two cold workers and the main thread share 2 cores: the main thread runs at 2/3 speed.
  assert.ok(Math.abs(e.totalMs - 75) < 1e-9);
});

test('estimate: the main thread bottlenecks when sending items costs more than computing them', () => {
  const e = estimate(work({ remaining: 1000, itemMs: 0.01, mainPerItemMs: 0.05 }), machine({ warmWorkers: 2 }), 2, 100);
  assert.equal(e.mainMs, 50);
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
  assert.ok(c.chunkSize <= 4, `chunk ${c.chunkSize}`);
  const speedup = c.serialMs / c.chosen!.totalMs;
  assert.ok(speedup > 1.8 && speedup < 2.0, `estimated ${speedup}`);
  assert.equal(c.alternatives[0]!.workers, 0, 'serial is listed as rejected');
});

test('choose: heterogeneous items get smaller chunks than uniform ones', () => {
  const uniform = choose(work({ remaining: 10_000, itemMs: 0.5, cv: 0 }), machine({ pipelinedMs: 0.05, roundTripMs: 0.2 }));
  const mixed = choose(work({ remaining: 10_000, itemMs: 0.5, cv: 3 }), machine({ pipelinedMs: 0.05, roundTripMs: 0.2 }));
  assert.equal(uniform.workers, 2);
  assert.equal(mixed.workers, 2);
  assert.ok(mixed.chunkSize < uniform.chunkSize, `mixed ${mixed.chunkSize} vs uniform ${uniform.chunkSize}`);
  assert.ok(mixed.reasons.some((r) => /items vary \(cv 3\.00\)/.test(r)));
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
