import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { map, mapPool, MapItemError, MapSerialisationError, planMap, type MapPlanData, type MapProgress } from '../../../src/runtime/planner/index.js';
import { addShared, asyncDouble, failOn7, nested, norm, Point, scaledNorm, square, toPoint } from './fixtures/fns.js';
import { whereRan } from './fixtures/slow-import.js';

const home = mkdtempSync(join(tmpdir(), 'sluice-planner-'));
after(async () => {
  await mapPool().shutdown();
  rmSync(home, { recursive: true, force: true });
});
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

test('a forced parallel map returns every result in item order, from workers and the dry run alike', async () => {
  const plan = await planMap(range(40), square, { home, workers: 2, mainThreadHelps: false, chunkSize: 3 });
  assert.equal(plan.mode, 'parallel');
  assert.equal(plan.workers, 2);
  const results = await plan.run();
  assert.deepEqual(results, range(40).map((x) => x * x));
  const realised = plan.realised!;
  const sampled = plan.toJSON().sample.items;
  assert.equal(realised.mainItems, sampled, 'only the dry run ran in this thread');
  assert.equal(realised.workerItems, 40 - sampled);
  assert.ok(realised.workersUsed >= 1 && realised.workersUsed <= 2);
});

test('the shared value reaches every call, sent once per worker', async () => {
  const results = await map(range(20), addShared, { home, workers: 2, mainThreadHelps: false, chunkSize: 4, shared: { offset: 100 } });
  assert.deepEqual(results, range(20).map((x) => x + 100));
});

test('a failing item rejects with its index, from a worker or from the main thread', async () => {
  await assert.rejects(map(range(30), failOn7, { home, workers: 2, mainThreadHelps: false, chunkSize: 2 }), (error: unknown) => {
    assert.ok(error instanceof MapItemError);
    assert.equal(error.index, 7);
    assert.match(error.message, /map 'test\.failOn7': item 7 of 30 failed: RangeError: x must not be 7/);
    return true;
  });
  await assert.rejects(map(range(30), failOn7, { home, workers: 0 }), (error: unknown) => error instanceof MapItemError && error.index === 7);
  // The fast path for tiny maps reports the same way.
  await assert.rejects(map(range(30), failOn7, { home }), (error: unknown) => error instanceof MapItemError && error.index === 7);
});

test('class instances with a codec travel to and from workers as instances', async () => {
  const points = await map(range(12), toPoint, { home, workers: 2, mainThreadHelps: false, chunkSize: 2 });
  assert.ok(points.every((p) => p instanceof Point));
  assert.deepEqual(points.map((p) => [p.x, p.y]), range(12).map((x) => [x, -x]));
  const norms = await map(points, norm, { home, workers: 2, mainThreadHelps: false, chunkSize: 5 });
  assert.deepEqual(norms, range(12).map((x) => Math.hypot(x, x)));
});

test('class instances nested in items, the shared value and results travel by their codecs', async () => {
  const items = range(8).map((i) => ({ p: new Point(3 * i, 4 * i) }));
  const results = await map(items, scaledNorm, { home, workers: 2, mainThreadHelps: false, chunkSize: 3, shared: { scale: new Point(2, 0) } });
  assert.deepEqual(results.map((r) => r.n), range(8).map((i) => 10 * i));
  assert.ok(results.every((r) => r.p instanceof Point));
});

test('async functions are awaited in workers and in the main thread', async () => {
  assert.deepEqual(await map(range(10), asyncDouble, { home, workers: 2, mainThreadHelps: false, chunkSize: 3 }), range(10).map((x) => 2 * x));
  assert.deepEqual(await map(range(10), asyncDouble, { home, workers: 0 }), range(10).map((x) => 2 * x));
});

test('items that cannot be sent to a worker: serial with a warning by default, an error before running them on request', async () => {
  const items: unknown[] = range(10).map((i) => ({ i, ...(i === 6 ? { f: () => i } : {}) }));
  const fn = (await import('./fixtures/fns.js')).square as unknown as (item: unknown) => unknown;
  const plan = await planMap(items, fn, { home, workers: 2, mainThreadHelps: false, chunkSize: 2, sample: 1 });
  assert.equal(plan.mode, 'serial');
  assert.match(plan.explain(), /item 6 cannot be sent to a worker: f is a function/);
  assert.deepEqual(plan.toJSON().unsendable.map((u) => u.index), [6]);
  await assert.rejects(planMap(items, fn, { home, workers: 2, mainThreadHelps: false, chunkSize: 2, sample: 1, unsendable: 'throw' }), (error: unknown) => {
    assert.ok(error instanceof MapSerialisationError);
    assert.match(error.message, /item 6 cannot be sent to a worker/);
    return true;
  });
});

test('a plain closure is planned and explained but runs serially', async () => {
  const plan = await planMap(range(10), (x: number) => x + 1, { home, workers: 2, mainThreadHelps: false, chunkSize: 2 });
  assert.equal(plan.mode, 'serial');
  assert.match(plan.explain(), /plain closure, which cannot be sent to a worker: define it with parallel\(/);
  assert.deepEqual(await plan.run(), range(10).map((x) => x + 1));
});

test('progress callbacks end at the total', async () => {
  const seen: MapProgress[] = [];
  await map(range(50), square, { home, workers: 2, mainThreadHelps: false, chunkSize: 5, onProgress: (p) => seen.push(p) });
  assert.ok(seen.length >= 1);
  const last = seen[seen.length - 1]!;
  assert.equal(last.done, 50);
  assert.equal(last.total, 50);
  assert.ok(seen.every((p, i) => i === 0 || p.done >= seen[i - 1]!.done), 'progress never goes backwards');
});

test('tiny work is never sent to workers, and a map inside a map worker runs serially', async () => {
  const plan = await planMap(range(10), (x: number) => x + 1, { home });
  assert.equal(plan.mode, 'serial');
  assert.equal(plan.toJSON().sample.items, 1, `one item was enough to tell: ${plan.explain()}`);
  assert.deepEqual(await map(range(100), square, { home }), range(100).map((x) => x * x), 'the fast path returns every result');
  const inner = await map([1, 2], nested, { home, workers: 2, mainThreadHelps: false, chunkSize: 1, shared: { home } });
  for (const r of inner) assert.match(r.mode, /^serial: .*inside a map worker|^serial: about/);
});

test('the fast path keeps item order when some calls return promises, and rejects (never throws) on failure', async () => {
  // Even items answer at once, odd ones later: the plain loop stops at each promise and goes on after it.
  const mixed = (x: number): number | Promise<number> => (x % 2 ? new Promise((resolve) => setTimeout(() => resolve(x * 10), 1)) : x * 10);
  assert.deepEqual(await map(range(9), mixed, { home }), range(9).map((x) => x * 10));
  // The middle item (the one timed first) async, the rest not.
  const middleAsync = (x: number): number | Promise<number> => (x === 4 ? Promise.resolve(-1) : x);
  assert.deepEqual(await map(range(9), middleAsync, { home }), [0, 1, 2, 3, -1, 5, 6, 7, 8]);
  const throwsOn = (bad: number) => (x: number): number => {
    if (x === bad) throw new Error(`no ${bad}`);
    return x;
  };
  // A synchronous throw — in the middle item or a later one — is a rejected promise naming the item.
  for (const bad of [4, 7]) {
    const pending = map(range(9), throwsOn(bad), { home, label: 'picky' });
    assert.ok(pending instanceof Promise);
    await assert.rejects(pending, (error: unknown) => error instanceof MapItemError && error.index === bad && /map 'picky': item \d of 9 failed: Error: no \d/.test(error.message));
  }
  const rejectsOn7 = (x: number): Promise<number> => (x === 7 ? Promise.reject(new Error('late no')) : Promise.resolve(x));
  await assert.rejects(map(range(9), rejectsOn7, { home }), (error: unknown) => error instanceof MapItemError && error.index === 7);
});

test('bad options name the option', async () => {
  await assert.rejects(map(range(3), square, { home, chunkSize: 0 }), /option chunkSize must be an integer >= 1, got 0/);
  await assert.rejects(map(range(3), square, { home, sample: 0.5 }), /option sample must be an integer >= 1, got 0\.5/);
  await assert.rejects(map('abc' as unknown as number[], square, { home }), /items must be an array, got string/);
});

test('workers started ahead (during a dry run) are the ones the map then takes', async () => {
  await mapPool().shutdown();
  assert.equal(mapPool().prestart(2, square.module), 2);
  assert.equal(mapPool().prestart(2, square.module), 0, 'already starting: none added');
  assert.equal(mapPool().warm(square.module) + mapPool().starting(square.module), 2);
  assert.deepEqual(await map(range(20), square, { home, workers: 2, chunkSize: 5, mainThreadHelps: false }), range(20).map((x) => x * x));
  assert.equal(mapPool().size(), 2, 'no other worker was started');
  assert.equal(mapPool().warm(square.module) + mapPool().starting(square.module), 2, 'both are back in the pool');
});

test("a cold worker's first chunk and the main thread's own slice never take the same items", { timeout: 30_000 }, async () => {
  // The cold worker is sent a chunk of the whole list at once, while the main thread has just
  // begun a slice from the end; both taking those items left the count of items still to come
  // below zero, and the map waited forever.
  for (const workers of [1, 2]) {
    await mapPool().shutdown();
    let plan: MapPlanData | undefined;
    // 200,000 cheap items: more than the main thread's first slice (5 ms of them).
    const out = await map(range(200_000), square, { home, workers, chunkSize: 200_000, onRealised: (p) => (plan = p) });
    assert.deepEqual(out, range(200_000).map((x) => x * x));
    assert.equal(plan!.realised!.mainItems + plan!.realised!.workerItems, 200_000, "every item counted once (the dry run's among the main thread's)");
  }
});

test('a short map does not wait for workers still starting: the main thread takes back their early chunks', { timeout: 30_000 }, async () => {
  await mapPool().shutdown();
  // Workers take 1.5 s to import the module; the 40 items take ~40 ms. Each cold worker was sent
  // a chunk of 10 at once; the main thread runs them itself once the list is claimed.
  const first = await map(range(40), whereRan, { home, workers: 2, chunkSize: 10 });
  assert.deepEqual(first, range(40), 'every item ran in the main thread');
  // The workers finish importing and skip the ended map's chunks: the next map gets only its own.
  const second = await map(range(40), whereRan, { home, workers: 2, chunkSize: 10, mainThreadHelps: false });
  const fromWorkers = second.filter((v, i) => v === -i && i > 0).length;
  assert.ok(fromWorkers >= 30, `${fromWorkers} of 40 from workers`);
  assert.deepEqual(second.map(Math.abs), range(40));
});
