import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, truncateSync, utimesSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command, CommanderError } from 'commander';
import { CliUsageError, type CliContext } from '../../src/cli/format.js';
import { register as registerGc } from '../../src/cli/gc.js';
import { breakerGcSource, circuitBreaker } from '../../src/runtime/breaker.js';
import { checkpointGcSource, checkpointStore } from '../../src/runtime/checkpoint.js';
import { chooseRuns, collectGarbage, parseDuration, type GcOptions } from '../../src/store/gc.js';
import { openBlobStore, openStore, type Store } from '../../src/store/home.js';
import { newRunId } from '../../src/store/ids.js';
import type { ArtifactRecord, BlobPointer, RunRecord } from '../../src/store/types.js';
import { clearPackCache, ITEMS_CODEC, loadItemPointers, loadValue, storeItems } from '../../src/store/values.js';
import { runFixture, tempHome } from '../helpers/run.js';

const DAY = 86_400_000;

/** Runs gc-data.ts once per seed into `home`; returns the run ids in order. */
async function makeRuns(home: string, seeds: readonly number[]): Promise<string[]> {
  const ids: string[] = [];
  for (const seed of seeds) {
    const run = await runFixture('gc-data.ts', { home, executor: 'inline', params: { values: { seed } } });
    assert.equal(run.result.status, 'succeeded');
    ids.push(run.result.runId);
    await run.close();
  }
  return ids;
}

/** Sets the modification time of every file under `dir` to `msAgo` in the past. */
function age(dir: string, msAgo: number): void {
  const when = (Date.now() - msAgo) / 1000;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) utimesSync(join(entry.parentPath, entry.name), when, when);
  }
}

/** Every blob a run references: artifacts (not inline ones), the items of item manifests, foreach item pointers (a packed item's blob is its pack). */
async function referencedBy(store: Store, runId: string): Promise<Set<string>> {
  const digests = new Set<string>();
  const add = (p: BlobPointer): void => {
    if (p.inline) return; // kept in the metadata store: no blob
    digests.add(p.pack ?? p.digest);
    if (p.codec === ITEMS_CODEC) for (const item of loadItemPointers(store.blobs, p)) add(item);
  };
  for (const task of await store.meta.listTasks(runId, { limit: 100_000 })) {
    for (const artifact of await store.meta.listArtifacts(runId, task.taskId)) add(artifact);
    for (const frame of task.foreachStack) if (frame.item) add(frame.item);
  }
  return digests;
}

/** Loads every artifact of a run; fails if any blob is gone. Returns the end step's summary. */
async function loadAll(store: Store, runId: string): Promise<unknown> {
  let summary: unknown;
  for (const task of await store.meta.listTasks(runId, { limit: 100_000 })) {
    for (const artifact of await store.meta.listArtifacts(runId, task.taskId)) {
      const value = loadValue(store.blobs, artifact);
      if (artifact.name === 'summary') summary = value;
    }
  }
  return summary;
}

/** A run's artifacts kept inline in the metadata store. */
async function inlineOf(store: Store, runId: string): Promise<ArtifactRecord[]> {
  const found: ArtifactRecord[] = [];
  for (const task of await store.meta.listTasks(runId, { limit: 100_000 })) {
    for (const artifact of await store.meta.listArtifacts(runId, task.taskId)) if (artifact.inline) found.push(artifact);
  }
  return found;
}

const blobSet = (store: Store): Set<string> => new Set([...store.blobs.list()].map((b) => b.digest));

/** The packs holding a run's foreach items, from its tasks' frames. */
async function packsOf(store: Store, runId: string): Promise<Set<string>> {
  const tasks = await store.meta.listTasks(runId, { limit: 100_000 });
  return new Set(tasks.flatMap((t) => t.foreachStack.flatMap((f) => (f.item?.pack ? [f.item.pack] : []))));
}

test('gc deletes old runs and their unique blobs; kept runs, shared blobs, checkpoints and extra roots stay', async () => {
  const home = tempHome('sluice-gc-');
  const [run1, run2, run3] = (await makeRuns(home.home, [1, 2, 3])) as [string, string, string];
  const store = openStore(home.home);
  const ckpt = (runId: string, state: unknown) =>
    checkpointStore({ home: home.home, blobs: store.blobs, flow: 'GcData', runId, step: 'each', taskId: 2 }).save(state);
  const ckpt1 = ckpt(run1, { run: 1 });
  const ckpt3 = ckpt(run3, { run: 3 });
  await assert.rejects(circuitBreaker('api', {}, { home: home.home, flow: 'GcData', runId: run1 }).call(() => Promise.reject(new Error('x'))));
  const extraList = storeItems(store.blobs, ['extra-1', 'extra-2']);
  const extraDigest = store.blobs.put(Buffer.from('kept by a caller')).digest;
  const refs = await Promise.all([run1, run2, run3].map((id) => referencedBy(store, id)));
  const [refs1, refs2, refs3] = refs as [Set<string>, Set<string>, Set<string>];
  // Each run has 3 blobs of its own (unique array, item manifest, the pack of its 3 small items) and
  // 1 shared with the others (the shared array); its small outputs (shouts, summary) are inline.
  assert.deepEqual([refs1.size, refs2.size, refs3.size], [4, 4, 4]);
  const shared = [...refs1].filter((d) => refs3.has(d));
  assert.equal(shared.length, 1);
  const inline3 = await inlineOf(store, run3);
  assert.deepEqual(inline3.map((a) => a.name).sort(), ['shout', 'shout', 'shout', 'shouts', 'summary']);
  const [packs1, packs2, packs3] = await Promise.all([run1, run2, run3].map((id) => packsOf(store, id)));
  assert.deepEqual([packs1!.size, packs2!.size, packs3!.size], [1, 1, 1]);
  // 3 runs, 2 checkpoints, the extra list (a pack and its manifest), the extra blob.
  assert.equal(blobSet(store).size, 3 * 3 + 1 + 2 + 2 + 1);
  assert.ok(existsSync(join(home.home, 'logs', 'GcData', run1)));
  age(join(home.home, 'cas'), 2 * 3_600_000);
  const bytesBefore = [...store.blobs.list()].reduce((n, b) => n + b.bytes, 0);

  const report = collectGarbage({
    home: home.home,
    keepLast: 1,
    olderThanMs: DAY,
    now: Date.now() + 2 * DAY,
    sources: [checkpointGcSource(home.home), breakerGcSource(home.home)],
    extraRoots: [extraList, extraDigest],
  });

  assert.deepEqual(new Set(report.runs.deleted.map((r) => r.runId)), new Set([run1, run2]));
  assert.deepEqual([report.runs.total, report.runs.kept, report.runs.running], [3, 1, 0]);
  // 2 runs × 3 own blobs + run 1's checkpoint.
  assert.equal(report.blobs.deleted, 7);
  assert.equal(report.blobs.sparedInFlight, 0);
  // Inline artifacts reference no blob: none is reported missing.
  assert.deepEqual([report.blobs.missing, report.blobs.truncated], [[], []]);
  const after = blobSet(store);
  assert.equal(after.size, 4 + 1 + 2 + 1);
  for (const a of inline3) assert.ok(!after.has(a.digest), `inline artifact '${a.name}' has no blob`);
  for (const pack of packs3!) assert.ok(after.has(pack), 'the kept run keeps the pack of its items');
  for (const pack of [...packs1!, ...packs2!]) assert.ok(!after.has(pack), 'the deleted runs lose theirs');
  for (const digest of [...refs1, ...refs2]) assert.equal(after.has(digest), refs3.has(digest), `blob ${digest}`);
  for (const digest of shared) assert.ok(after.has(digest));
  assert.ok(!after.has(ckpt1.digest));
  assert.ok(after.has(ckpt3.digest));
  assert.ok(after.has(extraList.digest) && after.has(extraDigest));
  for (const item of loadItemPointers(store.blobs, extraList)) assert.ok(after.has(item.pack ?? item.digest), 'items of an extra-root manifest stay');
  assert.equal(report.blobs.bytesFreed + report.blobs.bytesKept, bytesBefore);
  assert.equal(report.blobs.bytesKept, [...store.blobs.list()].reduce((n, b) => n + b.bytes, 0));

  // The kept run loads everything; the deleted ones are gone from metadata, logs, checkpoints, breakers.
  assert.equal(await loadAll(store, run3), 'SEED-3-A!,SEED-3-B!,COMMON:3');
  clearPackCache();
  const items = (await store.meta.listTasks(run3)).filter((t) => t.step === 'each').map((t) => loadValue(store.blobs, t.foreachStack[0]!.item!));
  assert.deepEqual(items, ['seed-3-a', 'seed-3-b', 'common'], 'each kept split task still loads its own item');
  assert.deepEqual(
    checkpointStore({ home: home.home, blobs: store.blobs, flow: 'GcData', runId: run3, step: 'each', taskId: 2 }).load(),
    { run: 3 },
  );
  for (const runId of [run1, run2]) {
    assert.equal(await store.meta.getRun(runId), undefined);
    assert.deepEqual(await store.meta.listTasks(runId), []);
    assert.deepEqual(await store.meta.listEvents({ runId }), []);
    assert.ok(!existsSync(join(home.home, 'logs', 'GcData', runId)));
    assert.ok(!existsSync(join(home.home, 'checkpoints', 'GcData', runId)));
    assert.ok(!existsSync(join(home.home, 'runs', 'GcData', runId)));
  }
  assert.ok(existsSync(join(home.home, 'logs', 'GcData', run3)));
  assert.ok(report.files.deleted >= 3, `files deleted: ${report.files.deleted}`);
  assert.equal(report.bytesFreed, report.blobs.bytesFreed + report.files.bytesFreed);

  // A second collection finds nothing more to do.
  const again = collectGarbage({ home: home.home, keepLast: 1, olderThanMs: DAY, now: Date.now() + 2 * DAY, sources: [checkpointGcSource(home.home)], extraRoots: [extraList, extraDigest] });
  assert.deepEqual([again.runs.deleted.length, again.blobs.deleted, again.bytesFreed], [0, 0, 0]);
  await store.close();
  home.cleanup();
});

/** Everything under the home except SQLite's own side files, with sizes and times. */
function snapshot(home: string): string[] {
  return readdirSync(home, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !/meta\.db/.test(e.name))
    .map((e) => {
      const path = join(e.parentPath, e.name);
      const stat = statSync(path);
      return `${path}:${stat.size}:${stat.mtimeMs}`;
    })
    .sort();
}

test('a dry run deletes nothing and reports exactly what the real run then deletes', async () => {
  const home = tempHome('sluice-gc-');
  const [run1, run2] = (await makeRuns(home.home, [1, 2])) as [string, string];
  age(join(home.home, 'cas'), 3_600_000);
  const options: GcOptions = { home: home.home, keepLast: 1, sources: [checkpointGcSource(home.home)] };
  const before = snapshot(home.home);
  const store = openStore(home.home);
  const runsBefore = (await store.meta.listRuns()).map((r) => r.runId);

  const dry = collectGarbage({ ...options, dryRun: true });
  assert.equal(dry.dryRun, true);
  assert.deepEqual(dry.runs.deleted.map((r) => r.runId), [run1]);
  assert.equal(dry.blobs.deleted, 3);
  assert.deepEqual(snapshot(home.home), before);
  assert.deepEqual((await store.meta.listRuns()).map((r) => r.runId), runsBefore);
  assert.equal(await loadAll(store, run1), 'SEED-1-A!,SEED-1-B!,COMMON:1');

  const real = collectGarbage(options);
  assert.deepEqual(
    { runs: real.runs.deleted, blobs: real.blobs.deleted, bytes: real.bytesFreed, files: real.files },
    { runs: dry.runs.deleted, blobs: dry.blobs.deleted, bytes: dry.bytesFreed, files: dry.files },
  );
  assert.deepEqual((await store.meta.listRuns()).map((r) => r.runId), [run2]);
  await store.close();
  home.cleanup();
});

test('a pack shorter than the items recorded in it is reported as truncated, a missing pack as missing', async () => {
  const home = tempHome('sluice-gc-');
  const [run] = (await makeRuns(home.home, [1])) as [string];
  const store = openStore(home.home);
  const [pack] = [...(await packsOf(store, run))] as [string];
  const path = openBlobStore(home.home).pathOf(pack);
  truncateSync(path, statSync(path).size - 1);

  const report = collectGarbage({ home: home.home });
  assert.deepEqual([report.blobs.truncated, report.blobs.missing, report.blobs.deleted], [[pack], [], 0]);
  const text = await gcCli(home.home, ['--dry-run']);
  assert.match(text.out, new RegExp(`warning: 1 pack\\(s\\) of foreach items are shorter than the items recorded in them, e.g. ${pack}`));

  store.blobs.delete(pack);
  const gone = collectGarbage({ home: home.home });
  // The pack is what is missing: packed items have no blobs of their own to miss.
  assert.deepEqual([gone.blobs.truncated, gone.blobs.missing], [[], [pack]]);
  await store.close();
  home.cleanup();
});

function runningRun(flow: string, createdAt: number): RunRecord {
  return {
    flow,
    runId: newRunId(createdAt),
    status: 'running',
    createdAt,
    endedAt: null,
    user: 'ann',
    flowFile: '/nowhere/flow.ts',
    codeDigest: 'x',
    params: {},
    tags: [],
    systemTags: [],
    originRunId: null,
    coordinator: { pid: process.pid, host: hostname(), heartbeatAt: Date.now() },
    error: null,
  };
}

test('while a run is in progress: its record stays, and unrecorded blobs newer than its start survive', async () => {
  const home = tempHome('sluice-gc-');
  const [old] = (await makeRuns(home.home, [1])) as [string];
  const store = openStore(home.home);
  age(join(home.home, 'cas'), 3_600_000);
  const running = runningRun('GcData', Date.now() - 10 * 60_000);
  await store.meta.createRun(running);
  // Written by the running run's tasks but not recorded yet: newer than its start.
  const inFlight = store.blobs.put(Buffer.from('in flight')).digest;
  // Unreferenced, and older than the running run: garbage.
  const stale = store.blobs.put(Buffer.from('stale')).digest;
  const staleTime = (Date.now() - 20 * 60_000) / 1000;
  utimesSync(openBlobStore(home.home).pathOf(stale), staleTime, staleTime);

  const report = collectGarbage({ home: home.home, keepLast: 0, olderThanMs: 60_000, now: Date.now() + 2 * 60_000 });
  assert.deepEqual(report.runs.deleted.map((r) => r.runId), [old]);
  assert.equal(report.runs.running, 1);
  assert.equal(report.cutoffRun, running.runId);
  assert.equal(report.inFlightCutoff, running.createdAt - 5_000);
  assert.equal(report.blobs.sparedInFlight, 1);
  assert.equal(report.blobs.deleted, 4 + 1);
  assert.equal(store.blobs.has(inFlight), true);
  assert.equal(store.blobs.has(stale), false);
  assert.equal((await store.meta.getRun(running.runId))?.status, 'running');
  await store.close();
  home.cleanup();
});

test('run choice: newest N per flow, older than the threshold, never running or protected, origins of kept runs kept', () => {
  const now = 100 * DAY;
  const row = (flow: string, n: number, status: RunRecord['status'] = 'succeeded', origin: string | null = null) => ({
    run_id: `${flow}-${String(n).padStart(2, '0')}`,
    flow,
    status,
    created_at: now - (10 - n) * DAY,
    origin_run_id: origin,
  });
  // A: runs 1..6 (6 newest, created 4 days ago); B: 1..3.
  const runs = [
    row('A', 1),
    row('A', 2, 'running'),
    row('A', 3),
    row('A', 4, 'failed'),
    row('A', 5),
    row('A', 6, 'succeeded', 'A-04'),
    row('B', 1),
    row('B', 2),
    row('B', 3),
  ];
  const origins = new Map<string, Set<string>>([['A-06', new Set(['A-04'])], ['A-04', new Set(['A-03'])]]);
  const ids = (options: { keepLast?: number; olderThanMs?: number; protect?: string[] }) => {
    const { deleted, keptAsOrigin } = chooseRuns(runs, origins, { ...options, now, protect: new Set(options.protect ?? []) });
    return { deleted: [...deleted].sort(), keptAsOrigin: keptAsOrigin.sort() };
  };
  assert.deepEqual(ids({}), { deleted: [], keptAsOrigin: [] }, 'no policy: no run deleted');
  // keep 2 per flow: and B-03, B-02 by rank; A-02 runs; are origins of A-06.
  assert.deepEqual(ids({ keepLast: 2 }), { deleted: ['A-01', 'B-01'], keptAsOrigin: ['A-03', 'A-04'] });
  // Older than 8.5 days: only the runs created 9 days ago (n = 1).
  assert.deepEqual(ids({ olderThanMs: 8.5 * DAY }), { deleted: ['A-01', 'B-01'], keptAsOrigin: [] });
  assert.deepEqual(ids({ keepLast: 1, olderThanMs: 6.5 * DAY, protect: ['A-01'] }), { deleted: ['B-01', 'B-02'], keptAsOrigin: ['A-03'] });
  assert.deepEqual(ids({ keepLast: 0 }).deleted, ['A-01', 'A-03', 'A-04', 'A-05', 'A-06', 'B-01', 'B-02', 'B-03']);
});

test('durations parse to milliseconds; bad ones name the option and the expected form', () => {
  assert.equal(parseDuration('7d'), 7 * DAY);
  assert.equal(parseDuration('12h'), 12 * 3_600_000);
  assert.equal(parseDuration('30m'), 30 * 60_000);
  assert.equal(parseDuration('1d12h'), 1.5 * DAY);
  assert.equal(parseDuration('2w'), 14 * DAY);
  assert.equal(parseDuration('45s'), 45_000);
  assert.equal(parseDuration('0s'), 0);
  assert.throws(() => parseDuration('7', '--older-than'), /--older-than must be a duration like 7d, 12h, 30m or 1d12h \(units ms, s, m, h, d, w\), got "7"/);
  assert.throws(() => parseDuration('7x'), /got "7x"/);
  assert.throws(() => parseDuration('d'), /got "d"/);
});

async function gcCli(home: string, args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const context: CliContext = { out: (t) => void (out += t), err: (t) => void (err += t), home: () => home };
  const program = new Command('sluice').exitOverride().configureOutput({ writeOut: context.out, writeErr: context.err });
  registerGc(program, context);
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(['gc', ...args], { from: 'user' });
    return { code: 0, out, err };
  } catch (error) {
    if (error instanceof CommanderError) return { code: 2, out, err };
    if (error instanceof CliUsageError) return { code: 2, out, err: `${err}sluice: ${error.message}\n` };
    throw error;
  }
}

test('sluice gc: dry run then real run, as text and JSON; usage errors', async () => {
  const home = tempHome('sluice-gc-');
  const [run1, run2] = (await makeRuns(home.home, [1, 2])) as [string, string];
  age(join(home.home, 'cas'), 3_600_000);

  const dry = await gcCli(home.home, ['--keep-last', '1', '--older-than', '0s', '--dry-run']);
  assert.equal(dry.code, 0, dry.err);
  const lines = dry.out.trimEnd().split('\n');
  assert.equal(lines[0], `gc of ${home.home} (dry run: nothing was deleted)`);
  assert.equal(lines[1], 'runs:   2 in the store; would delete 1, kept 1 (0 running)');
  assert.match(lines[3]!, new RegExp(`^ +GcData/${run1} +succeeded +\\d{4}-`));
  assert.match(dry.out, /blobs: {2}7 in the store, 4 referenced; would delete 3 \(.*\), kept/);
  assert.match(dry.out, /would free: /);

  const real = await gcCli(home.home, ['--keep-last', '1', '--older-than', '0s', '--json']);
  assert.equal(real.code, 0, real.err);
  const report = JSON.parse(real.out) as { dryRun: boolean; runs: { deleted: { runId: string }[] }; blobs: { deleted: number } };
  assert.equal(report.dryRun, false);
  assert.deepEqual(report.runs.deleted.map((r) => r.runId), [run1]);
  assert.equal(report.blobs.deleted, 3);
  const store = openStore(home.home);
  assert.equal(await loadAll(store, run2), 'SEED-2-A!,SEED-2-B!,COMMON:2');
  await store.close();

  const noPolicy = await gcCli(home.home, []);
  assert.equal(noPolicy.code, 0);
  assert.match(noPolicy.err, /no --keep-last or --older-than: no runs are deleted/);
  assert.match(noPolicy.out, /runs: {3}1 in the store; deleted 0, kept 1/);

  const bad = await gcCli(home.home, ['--older-than', '7 days']);
  assert.deepEqual([bad.code, bad.err], [2, 'sluice: --older-than must be a duration like 7d, 12h, 30m or 1d12h (units ms, s, m, h, d, w), got "7 days"\n']);
  const badCount = await gcCli(home.home, ['--keep-last', '-1']);
  assert.equal(badCount.code, 2);
  assert.match(badCount.err, /--keep-last must be an integer >= 0, got "-1"/);
  const empty = tempHome('sluice-gc-empty-');
  const none = await gcCli(empty.home, ['--keep-last', '1']);
  assert.equal(none.code, 2);
  assert.match(none.err, /no metadata store at .*meta\.db: refusing to collect blobs/);
  empty.cleanup();
  home.cleanup();
});
