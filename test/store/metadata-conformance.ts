/**
 * The conformance suite every {@link MetadataStore} backend must pass (SQLite now, PostgreSQL later).
 * Call {@link describeMetadataStore} from a backend's test file with a factory that returns an
 * empty, open store; the suite closes each store it gets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FrameRecord, MetadataStore, RunRecord, TaskRecord } from '../../src/store/types.js';
import { eventOp, makeRun, makeTask, taskOp } from './metadata-fixtures.js';

export { makeRun, makeTask } from './metadata-fixtures.js';

export type MetadataStoreFactory = () => MetadataStore | Promise<MetadataStore>;

export function describeMetadataStore(label: string, factory: MetadataStoreFactory): void {
  /** Runs a test body against a fresh store and always closes it. */
  const withStore = (body: (store: MetadataStore) => Promise<void>) => async () => {
    const store = await factory();
    try {
      await body(store);
    } finally {
      await store.close();
    }
  };

  void describe(`MetadataStore conformance: ${label}`, () => {
    void describe('runs', () => {
      void it(
        'createRun then getRun returns the same record, tags sorted',
        withStore(async (store) => {
          assert.equal(typeof store.schemaVersion, 'number');
          const run = makeRun('r0001', { tags: ['zeta', 'alpha'], originRunId: 'r0000' });
          await store.createRun(run);
          assert.deepEqual(await store.getRun('r0001'), {
            ...run,
            tags: ['alpha', 'zeta'],
            systemTags: ['runtime:local', 'user:ann'],
          });
          assert.equal(await store.getRun('nope'), undefined);
        }),
      );

      void it(
        'refuses a duplicate run id, naming it',
        withStore(async (store) => {
          await store.createRun(makeRun('r0001'));
          await assert.rejects(store.createRun(makeRun('r0001')), /run r0001 already exists/);
        }),
      );

      void it(
        'refuses a user tag equal to a system tag at creation',
        withStore(async (store) => {
          await assert.rejects(store.createRun(makeRun('r0001', { tags: ['user:ann'] })), /tag 'user:ann' is both a user tag and a system tag/);
          assert.equal(await store.getRun('r0001'), undefined);
        }),
      );

      void it(
        'refuses params with no JSON form, naming the run',
        withStore(async (store) => {
          await assert.rejects(store.createRun(makeRun('r0001', { params: { big: 1n } })), /run r0001 params cannot be stored as JSON/);
        }),
      );

      void it(
        'lists flows by name with the time of their first run',
        withStore(async (store) => {
          await store.createRun(makeRun('r0001', { flow: 'B', createdAt: 10 }));
          await store.createRun(makeRun('r0002', { flow: 'A', createdAt: 20 }));
          await store.createRun(makeRun('r0003', { flow: 'B', createdAt: 30 }));
          assert.deepEqual(await store.listFlows(), [
            { name: 'A', createdAt: 20 },
            { name: 'B', createdAt: 10 },
          ]);
        }),
      );

      void it(
        'lists runs newest first, filtered by flow and status, paged with before/limit',
        withStore(async (store) => {
          await store.createRun(makeRun('r0003', { flow: 'A' }));
          await store.createRun(makeRun('r0001', { flow: 'A', status: 'succeeded' }));
          await store.createRun(makeRun('r0002', { flow: 'B', status: 'failed' }));
          await store.createRun(makeRun('r0004', { flow: 'B', status: 'succeeded' }));
          const ids = (runs: RunRecord[]) => runs.map((r) => r.runId);
          assert.deepEqual(ids(await store.listRuns()), ['r0004', 'r0003', 'r0002', 'r0001']);
          assert.deepEqual(ids(await store.listRuns({ flow: 'A' })), ['r0003', 'r0001']);
          assert.deepEqual(ids(await store.listRuns({ status: 'succeeded' })), ['r0004', 'r0001']);
          assert.deepEqual(ids(await store.listRuns({ flow: 'B', status: 'succeeded' })), ['r0004']);
          assert.deepEqual(ids(await store.listRuns({ limit: 2 })), ['r0004', 'r0003']);
          assert.deepEqual(ids(await store.listRuns({ before: 'r0003', limit: 2 })), ['r0002', 'r0001']);
          assert.deepEqual(ids(await store.listRuns({ before: 'r0001' })), []);
          assert.deepEqual(ids(await store.listRuns({ limit: 0 })), []);
          // Walking pages visits every run exactly once.
          const seen: string[] = [];
          let before: string | undefined;
          for (;;) {
            const page = await store.listRuns(before === undefined ? { limit: 3 } : { limit: 3, before });
            if (page.length === 0) break;
            seen.push(...ids(page));
            before = page[page.length - 1]!.runId;
          }
          assert.deepEqual(seen, ['r0004', 'r0003', 'r0002', 'r0001']);
        }),
      );

      void it(
        'filters runs by tags with AND, over user and system tags',
        withStore(async (store) => {
          await store.createRun(makeRun('r0001', { tags: ['exp', 'gpu'] }));
          await store.createRun(makeRun('r0002', { tags: ['exp'], systemTags: ['user:bob'] }));
          await store.createRun(makeRun('r0003', { tags: [] }));
          const ids = async (tags: string[]) => (await store.listRuns({ tags })).map((r) => r.runId);
          assert.deepEqual(await ids(['exp']), ['r0002', 'r0001']);
          assert.deepEqual(await ids(['exp', 'gpu']), ['r0001']);
          assert.deepEqual(await ids(['exp', 'user:ann']), ['r0001']);
          assert.deepEqual(await ids(['user:ann']), ['r0003', 'r0001']);
          assert.deepEqual(await ids(['exp', 'missing']), []);
          assert.deepEqual(await ids([]), ['r0003', 'r0002', 'r0001']);
          const [first] = await store.listRuns({ tags: ['gpu'] });
          assert.deepEqual(first?.tags, ['exp', 'gpu']);
          assert.deepEqual(first?.systemTags, ['runtime:local', 'user:ann']);
        }),
      );

      void it(
        'patches a run: status, endedAt, error, heartbeat',
        withStore(async (store) => {
          await store.createRun(makeRun('r0001'));
          await store.write([{ op: 'run', runId: 'r0001', patch: { heartbeatAt: 1_700_000_005_000 } }]);
          let run = await store.getRun('r0001');
          assert.equal(run?.coordinator.heartbeatAt, 1_700_000_005_000);
          assert.equal(run?.status, 'running');
          await store.write([{ op: 'run', runId: 'r0001', patch: { status: 'failed', endedAt: 1_700_000_009_000, error: 'step train failed' } }]);
          run = await store.getRun('r0001');
          assert.equal(run?.status, 'failed');
          assert.equal(run?.endedAt, 1_700_000_009_000);
          assert.equal(run?.error, 'step train failed');
          assert.equal(run?.coordinator.heartbeatAt, 1_700_000_005_000);
          await store.write([{ op: 'run', runId: 'r0001', patch: { error: null } }]);
          assert.equal((await store.getRun('r0001'))?.error, null);
        }),
      );

      void it(
        'refuses a patch of an unknown run and an unknown status, naming them',
        withStore(async (store) => {
          await assert.rejects(store.write([{ op: 'run', runId: 'ghost', patch: { status: 'failed' } }]), /run ghost does not exist/);
          await store.createRun(makeRun('r0001'));
          await assert.rejects(
            store.write([{ op: 'run', runId: 'r0001', patch: { status: 'weird' as 'failed' } }]),
            /run r0001 status 'weird' is not one of running, succeeded, failed, crashed/,
          );
        }),
      );
    });

    void describe('tasks', () => {
      void it(
        'writes a task and reads back every field, with the run\'s flow',
        withStore(async (store) => {
          await store.createRun(makeRun('r0001', { flow: 'Other' }));
          const frame: FrameRecord = {
            splitStep: 'start',
            splitTaskId: 1,
            kind: 'foreach',
            step: 'train',
            index: 2,
            count: 3,
            item: { digest: 'ab'.repeat(32), codec: 'v8', bytes: 12 },
          };
          const task = makeTask('r0001', 5, {
            flow: 'Other',
            step: 'train',
            status: 'failed',
            attempt: 2,
            parentTaskIds: [1, 3],
            foreachStack: [frame, { splitStep: 'train', splitTaskId: 5, kind: 'branch', step: 'b', index: 0, count: 2 }],
            workerId: 'w-1',
            startedAt: 1_700_000_001_000,
            endedAt: 1_700_000_002_000,
            error: { type: 'TypeError', message: 'x is undefined', stack: 'at step', kind: 'user' },
            originPathspec: 'Other/r0000/train/5',
          });
          await store.write([taskOp(task)]);
          assert.deepEqual(await store.getTask('r0001', 5), task);
          assert.equal(await store.getTask('r0001', 6), undefined);
          assert.equal(await store.getTask('r0002', 5), undefined);
        }),
      );

      void it(
        'upserts a task by (run, taskId): later writes replace its state',
        withStore(async (store) => {
          await store.createRun(makeRun('r0001'));
          await store.write([taskOp(makeTask('r0001', 1))]);
          await store.write([taskOp(makeTask('r0001', 1, { status: 'running', workerId: 'w', startedAt: 5 }))]);
          await store.write([
            taskOp(makeTask('r0001', 1, { status: 'failed', attempt: 0, error: { type: 'E', message: 'm', kind: 'system' } })),
            taskOp(makeTask('r0001', 1, { status: 'done', attempt: 1, startedAt: 9, endedAt: 10 })),
          ]);
          const task = await store.getTask('r0001', 1);
          assert.equal(task?.status, 'done');
          assert.equal(task?.attempt, 1);
          assert.equal(task?.error, null);
          assert.equal(task?.workerId, null);
          assert.equal(task?.endedAt, 10);
          assert.equal((await store.listTasks('r0001')).length, 1);
        }),
      );

      void it(
        'lists tasks ascending by id, with step filter, after cursor and limit',
        withStore(async (store) => {
          await store.createRun(makeRun('r0001'));
          await store.createRun(makeRun('r0002'));
          const steps = ['start', 'train', 'train', 'train', 'join', 'train'];
          // Written out of order: listing is by id anyway.
          await store.write([5, 3, 0, 4, 1, 2].map((id) => taskOp(makeTask('r0001', id, { step: steps[id]! }))));
          await store.write([taskOp(makeTask('r0002', 9, { step: 'train' }))]);
          const ids = (tasks: TaskRecord[]) => tasks.map((t) => t.taskId);
          assert.deepEqual(ids(await store.listTasks('r0001')), [0, 1, 2, 3, 4, 5]);
          assert.deepEqual(ids(await store.listTasks('r0001', { step: 'train' })), [1, 2, 3, 5]);
          assert.deepEqual(ids(await store.listTasks('r0001', { after: 2 })), [3, 4, 5]);
          assert.deepEqual(ids(await store.listTasks('r0001', { after: 1, limit: 2 })), [2, 3]);
          assert.deepEqual(ids(await store.listTasks('r0001', { step: 'train', after: 2, limit: 1 })), [3]);
          assert.deepEqual(ids(await store.listTasks('r0001', { limit: 0 })), []);
          assert.deepEqual(ids(await store.listTasks('nope')), []);
        }),
      );

      void it(
        'counts tasks per step and status',
        withStore(async (store) => {
          await store.createRun(makeRun('r0001'));
          await store.write([
            taskOp(makeTask('r0001', 0, { step: 'start', status: 'done' })),
            taskOp(makeTask('r0001', 1, { step: 'train', status: 'done' })),
            taskOp(makeTask('r0001', 2, { step: 'train', status: 'running' })),
            taskOp(makeTask('r0001', 3, { step: 'train', status: 'failed' })),
            taskOp(makeTask('r0001', 4, { step: 'train', status: 'pending' })),
            taskOp(makeTask('r0001', 5, { step: 'train', status: 'pending' })),
          ]);
          assert.deepEqual(await store.countTasks('r0001'), {
            start: { pending: 0, running: 0, done: 1, failed: 0 },
            train: { pending: 2, running: 1, done: 1, failed: 1 },
          });
          assert.deepEqual(await store.countTasks('nope'), {});
        }),
      );

      void it(
        'refuses a task of an unknown run and an unknown status, naming them',
        withStore(async (store) => {
          await assert.rejects(store.write([taskOp(makeTask('ghost', 1))]), /run ghost does not exist/);
          await store.createRun(makeRun('r0001'));
          await assert.rejects(
            store.write([taskOp(makeTask('r0001', 1, { status: 'late' as 'done' }))]),
            /task 1 of run r0001: status 'late' is not one of pending, running, done, failed/,
          );
        }),
      );

      void it(
        'stores a batch of 2,000 task writes',
        withStore(async (store) => {
          await store.createRun(makeRun('r0001'));
          const ops = Array.from({ length: 2000 }, (_, i) =>
            taskOp(makeTask('r0001', i, { step: 'train', status: 'done', parentTaskIds: [0], foreachStack: [] }), [
              { name: 'out', digest: `d${i}` },
            ]),
          );
          await store.write(ops);
          assert.deepEqual(await store.countTasks('r0001'), { train: { pending: 0, running: 0, done: 2000, failed: 0 } });
          assert.deepEqual((await store.listArtifacts('r0001', 1999)).map((a) => a.digest), ['d1999']);
        }),
      );
      void it(
        'within one batch the last write of a task wins, and its artifacts are the last set given',
        withStore(async (store) => {
          await store.createRun(makeRun('r0001'));
          await store.write([
            taskOp(makeTask('r0001', 1, { status: 'done' }), [{ name: 'a', digest: 'first' }]),
            taskOp(makeTask('r0001', 2, { status: 'running' })),
            taskOp(makeTask('r0001', 1, { status: 'done', endedAt: 50 })),
            taskOp(makeTask('r0001', 2, { status: 'done' }), [{ name: 'b', digest: 'one' }]),
            taskOp(makeTask('r0001', 2, { status: 'done', attempt: 1 }), [{ name: 'c', digest: 'two' }]),
          ]);
          assert.equal((await store.getTask('r0001', 1))?.endedAt, 50);
          assert.deepEqual((await store.listArtifacts('r0001', 1)).map((a) => a.digest), ['first']);
          assert.equal((await store.getTask('r0001', 2))?.attempt, 1);
          assert.deepEqual((await store.listArtifacts('r0001', 2)).map((a) => a.name), ['c']);
        }),
      );

      void it(
        'refuses a task missing a required field, naming the op',
        withStore(async (store) => {
          await store.createRun(makeRun('r0001'));
          const ops = Array.from({ length: 40 }, (_, i) => taskOp(makeTask('r0001', i)));
          ops[33] = taskOp({ ...makeTask('r0001', 33), queuedAt: undefined as unknown as number });
          await assert.rejects(store.write(ops), /write op 33 \(task 33 \(step start\) of run r0001\) failed/);
          assert.deepEqual(await store.listTasks('r0001'), []);
        }),
      );
    });

    void describe('artifacts', () => {
      void it(
        'records a done task\'s artifacts, listed by name',
        withStore(async (store) => {
          await store.createRun(makeRun('r0001'));
          await store.write([
            taskOp(makeTask('r0001', 1, { status: 'done' }), [
              { name: 'model', digest: 'aa', codec: 'ml.Forest', bytes: 2048, type: 'ml.Forest' },
              { name: 'data', digest: 'bb', codec: 'raw:Float64Array', bytes: 8000, type: 'Float64Array(1000)' },
            ]),
            taskOp(makeTask('r0001', 2, { status: 'done' }), [{ name: 'data', digest: 'cc' }]),
          ]);
          assert.deepEqual(await store.listArtifacts('r0001', 1), [
            { runId: 'r0001', taskId: 1, name: 'data', digest: 'bb', codec: 'raw:Float64Array', bytes: 8000, type: 'Float64Array(1000)' },
            { runId: 'r0001', taskId: 1, name: 'model', digest: 'aa', codec: 'ml.Forest', bytes: 2048, type: 'ml.Forest' },
          ]);
          assert.deepEqual((await store.listArtifacts('r0001', 2)).map((a) => a.digest), ['cc']);
          assert.deepEqual(await store.listArtifacts('r0001', 3), []);
        }),
      );

      void it(
        'a new done write replaces the task\'s artifact set; a write without artifacts keeps it',
        withStore(async (store) => {
          await store.createRun(makeRun('r0001'));
          await store.write([taskOp(makeTask('r0001', 1, { status: 'done' }), [{ name: 'a', digest: '1' }, { name: 'b', digest: '2' }])]);
          await store.write([taskOp(makeTask('r0001', 1, { status: 'done', attempt: 1 }), [{ name: 'b', digest: '3' }])]);
          assert.deepEqual((await store.listArtifacts('r0001', 1)).map((a) => [a.name, a.digest]), [['b', '3']]);
          await store.write([taskOp(makeTask('r0001', 1, { status: 'done', attempt: 1, endedAt: 99 }))]);
          assert.deepEqual((await store.listArtifacts('r0001', 1)).map((a) => [a.name, a.digest]), [['b', '3']]);
        }),
      );

      void it(
        'keeps an inline artifact\'s bytes with its row; a blob artifact has none',
        withStore(async (store) => {
          await store.createRun(makeRun('r0001'));
          const bytes = new Uint8Array([255, 13, 34, 3, 0x61, 0x62, 0x63]);
          await store.write([
            taskOp(makeTask('r0001', 1, { status: 'done' }), [
              { name: 'small', digest: 'aa', bytes: bytes.byteLength, inline: bytes },
              { name: 'big', digest: 'bb', bytes: 8000 },
            ]),
          ]);
          const [big, small] = await store.listArtifacts('r0001', 1);
          assert.equal(big!.inline, undefined);
          assert.ok(small!.inline instanceof Uint8Array);
          assert.deepEqual([...small!.inline], [...bytes]);
          assert.equal(small!.bytes, bytes.byteLength);
          await assert.rejects(
            store.write([taskOp(makeTask('r0001', 2, { status: 'done' }), [{ name: 'bad', digest: 'cc', bytes: 3, inline: bytes }])]),
            /task 2 \(step start\) of run r0001.*artifact 'bad': inline bytes must be a Uint8Array of its recorded 3 bytes/,
          );
        }),
      );

      void it(
        'refuses artifacts for a task that is not done',
        withStore(async (store) => {
          await store.createRun(makeRun('r0001'));
          await assert.rejects(
            store.write([taskOp(makeTask('r0001', 1, { status: 'failed' }), [{ name: 'a', digest: '1' }])]),
            /task 1 \(step start\) of run r0001.*artifacts are recorded only for done tasks, and this task is failed/,
          );
          assert.equal(await store.getTask('r0001', 1), undefined);
        }),
      );
    });

    void describe('events', () => {
      void it(
        'appends events with strictly increasing seq, across batches and runs',
        withStore(async (store) => {
          await store.createRun(makeRun('r0001'));
          await store.createRun(makeRun('r0002'));
          await store.write([eventOp('r0001', 'run-started', { a: 1 }, 100), eventOp('r0002', 'run-started', {}, 101)]);
          await store.write([eventOp('r0001', 'task-done', { task: 3, nested: { ok: true } }, 102)]);
          const all = await store.listEvents({});
          assert.deepEqual(
            all.map((e) => [e.runId, e.kind, e.time, e.payload]),
            [
              ['r0001', 'run-started', 100, { a: 1 }],
              ['r0002', 'run-started', 101, {}],
              ['r0001', 'task-done', 102, { task: 3, nested: { ok: true } }],
            ],
          );
          const seqs = all.map((e) => e.seq);
          assert.ok(seqs[0]! < seqs[1]! && seqs[1]! < seqs[2]!, `seq not increasing: ${seqs.join(', ')}`);
          assert.deepEqual(
            (await store.listEvents({ runId: 'r0001' })).map((e) => e.kind),
            ['run-started', 'task-done'],
          );
          assert.deepEqual(
            (await store.listEvents({ afterSeq: seqs[0]! })).map((e) => e.seq),
            [seqs[1], seqs[2]],
          );
          assert.deepEqual(
            (await store.listEvents({ runId: 'r0001', afterSeq: seqs[0]! })).map((e) => e.seq),
            [seqs[2]],
          );
          assert.deepEqual(
            (await store.listEvents({ limit: 2 })).map((e) => e.seq),
            [seqs[0], seqs[1]],
          );
          assert.deepEqual(await store.listEvents({ afterSeq: seqs[2]! }), []);
        }),
      );

      void it(
        'keeps the order of ops within a batch (task, event, run patch interleaved)',
        withStore(async (store) => {
          await store.createRun(makeRun('r0001'));
          await store.write([
            taskOp(makeTask('r0001', 1, { status: 'running' })),
            eventOp('r0001', 'first'),
            taskOp(makeTask('r0001', 1, { status: 'done' })),
            eventOp('r0001', 'second'),
            { op: 'run', runId: 'r0001', patch: { status: 'succeeded', endedAt: 7 } },
            eventOp('r0001', 'third'),
          ]);
          assert.deepEqual(
            (await store.listEvents({ runId: 'r0001' })).map((e) => e.kind),
            ['first', 'second', 'third'],
          );
          assert.equal((await store.getTask('r0001', 1))?.status, 'done');
          assert.equal((await store.getRun('r0001'))?.status, 'succeeded');
        }),
      );

      void it(
        'keeps the order of hundreds of events in one batch',
        withStore(async (store) => {
          await store.createRun(makeRun('r0001'));
          await store.write(Array.from({ length: 300 }, (_, i) => eventOp('r0001', `e${i}`, { i })));
          const events = await store.listEvents({ runId: 'r0001' });
          assert.deepEqual(
            events.map((e) => e.payload.i),
            Array.from({ length: 300 }, (_, i) => i),
          );
          assert.ok(events.every((e, i) => i === 0 || e.seq > events[i - 1]!.seq));
        }),
      );
    });

    void describe('tags', () => {
      void it(
        'adds and removes user tags; duplicates and absent tags are no-ops',
        withStore(async (store) => {
          await store.createRun(makeRun('r0001', { tags: ['keep'] }));
          await store.addTags('r0001', ['new', 'keep', 'new']);
          assert.deepEqual((await store.getRun('r0001'))?.tags, ['keep', 'new']);
          await store.removeTags('r0001', ['keep', 'never-there']);
          const run = await store.getRun('r0001');
          assert.deepEqual(run?.tags, ['new']);
          assert.deepEqual(run?.systemTags, ['runtime:local', 'user:ann']);
          assert.deepEqual((await store.listRuns({ tags: ['new'] })).map((r) => r.runId), ['r0001']);
          assert.deepEqual(await store.listRuns({ tags: ['keep'] }), []);
        }),
      );

      void it(
        'refuses to add or remove a system tag, naming it, and changes nothing',
        withStore(async (store) => {
          await store.createRun(makeRun('r0001', { tags: ['a'] }));
          await assert.rejects(store.addTags('r0001', ['b', 'user:ann']), /tag 'user:ann' on run r0001: it is a system tag/);
          await assert.rejects(store.removeTags('r0001', ['a', 'runtime:local']), /tag 'runtime:local' on run r0001: it is a system tag/);
          const run = await store.getRun('r0001');
          assert.deepEqual(run?.tags, ['a']);
          assert.deepEqual(run?.systemTags, ['runtime:local', 'user:ann']);
        }),
      );

      void it(
        'refuses tags on an unknown run and empty tags',
        withStore(async (store) => {
          await assert.rejects(store.addTags('ghost', ['x']), /run ghost does not exist/);
          await assert.rejects(store.removeTags('ghost', ['x']), /run ghost does not exist/);
          await store.createRun(makeRun('r0001'));
          await assert.rejects(store.addTags('r0001', ['']), /tag "" is not a non-empty string/);
        }),
      );
    });

    void describe('transactions', () => {
      void it(
        'a batch with a failing op leaves nothing written',
        withStore(async (store) => {
          await store.createRun(makeRun('r0001'));
          await store.write([taskOp(makeTask('r0001', 1, { status: 'running' })), eventOp('r0001', 'before')]);
          const before = await store.listEvents({});
          await assert.rejects(
            store.write([
              taskOp(makeTask('r0001', 1, { status: 'done' }), [{ name: 'x', digest: 'd' }]),
              taskOp(makeTask('r0001', 2)),
              eventOp('r0001', 'lost'),
              { op: 'run', runId: 'r0001', patch: { status: 'succeeded' } },
              taskOp(makeTask('ghost', 3)),
            ]),
            /write op 4 \(task 3 \(step start\) of run ghost\) failed, nothing in the batch was written: run ghost does not exist/,
          );
          assert.equal((await store.getTask('r0001', 1))?.status, 'running');
          assert.deepEqual(await store.listArtifacts('r0001', 1), []);
          assert.equal(await store.getTask('r0001', 2), undefined);
          assert.deepEqual(await store.listEvents({}), before);
          assert.equal((await store.getRun('r0001'))?.status, 'running');
          // The store is still usable, and seq keeps increasing.
          await store.write([eventOp('r0001', 'after')]);
          const events = await store.listEvents({});
          assert.deepEqual(events.map((e) => e.kind), ['before', 'after']);
          assert.ok(events[1]!.seq > events[0]!.seq);
        }),
      );

      void it(
        'an empty batch is a no-op',
        withStore(async (store) => {
          await store.write([]);
          assert.deepEqual(await store.listEvents({}), []);
        }),
      );
    });
  });
}
