import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import {
  CheckpointError,
  checkpointGcSource,
  checkpointPath,
  checkpointStore,
  listCheckpointDigests,
  listCheckpoints,
  type CheckpointStoreOptions,
} from '../../src/runtime/checkpoint.js';
import { openBlobStore } from '../../src/store/home.js';
import { tempHome } from '../helpers/run.js';
import { CHUNKS, train, type TrainResult } from '../fixtures/resilience/incremental.js';

const WORKER = join(import.meta.dirname, '..', 'fixtures', 'resilience', 'checkpoint-worker.ts');

function storeFor(home: string, extra: Partial<CheckpointStoreOptions> = {}) {
  return checkpointStore({ home, blobs: openBlobStore(home), flow: 'F', runId: 'run1', step: 'train', taskId: 7, ...extra });
}

test('save then load returns the latest state; pointers count up and name the blob', () => {
  const home = tempHome('sluice-ckpt-');
  const ckpt = storeFor(home.home, { attempt: 2, now: () => 1234 });
  assert.equal(ckpt.load(), undefined);
  assert.equal(ckpt.latest(), undefined);
  ckpt.save({ step: 1, seen: new Map([['a', 1]]) });
  const second = ckpt.save({ step: 2, weights: new Float64Array([0.5, -1]) });
  assert.deepEqual(ckpt.load(), { step: 2, weights: new Float64Array([0.5, -1]) });
  assert.equal(ckpt.path, join(home.home, 'checkpoints', 'F', 'run1', 'train', '7.json'));
  const onDisk = JSON.parse(readFileSync(ckpt.path, 'utf8'));
  assert.deepEqual(onDisk, { digest: second.digest, codec: 'v8', bytes: second.bytes, type: 'object', savedAt: 1234, sequence: 2, attempt: 2 });
  assert.equal(openBlobStore(home.home).has(second.digest), true);
  // No temp file survives a save.
  assert.deepEqual(readdirSync(dirname(ckpt.path)), ['7.json']);
  home.cleanup();
});

test('attempts of one task see each other; a resumed task falls back to its origin until it saves its own', () => {
  const home = tempHome('sluice-ckpt-');
  storeFor(home.home, { attempt: 0 }).save({ at: 10 });
  // A retry: same task, new attempt.
  const retry = storeFor(home.home, { attempt: 1 });
  assert.deepEqual(retry.load(), { at: 10 });
  retry.save({ at: 11 });
  assert.equal(retry.latest()!.sequence, 2);
  // A resumed run's task: no checkpoint of its own yet, so the origin's.
  const resumed = storeFor(home.home, { runId: 'run2', taskId: 3, fallback: { runId: 'run1', taskId: 7 } });
  assert.deepEqual(resumed.load(), { at: 11 });
  assert.deepEqual({ runId: resumed.latest()!.runId, taskId: resumed.latest()!.taskId }, { runId: 'run1', taskId: 7 });
  resumed.save({ at: 12 });
  assert.deepEqual(resumed.load(), { at: 12 });
  assert.equal(resumed.latest()!.runId, 'run2');
  // The origin is untouched.
  assert.deepEqual(retry.load(), { at: 11 });
  home.cleanup();
});

test('listing, GC roots and run files; temp files of an in-progress save are not pointers', () => {
  const home = tempHome('sluice-ckpt-');
  const a = storeFor(home.home).save('a');
  const b = storeFor(home.home, { runId: 'run2', step: 'other', taskId: 1 }).save('b');
  writeFileSync(`${checkpointPath(home.home, 'F', 'run2', 'other', 2)}.tmp-1-abcd`, '{"digest":');
  const entries = [...listCheckpoints(home.home)].map((e) => `${e.flow}/${e.runId}/${e.step}/${e.taskId}=${e.pointer.digest}`).sort();
  assert.deepEqual(entries, [`F/run1/train/7=${a.digest}`, `F/run2/other/1=${b.digest}`]);
  assert.deepEqual(listCheckpointDigests(home.home), new Set([a.digest, b.digest]));
  const source = checkpointGcSource(home.home);
  const roots = source.roots({ isDeleted: (runId) => runId === 'run2', blobs: openBlobStore(home.home) });
  assert.deepEqual([...roots], [a.digest]);
  assert.deepEqual(source.runFiles!({ flow: 'F', runId: 'run2' }), [join(home.home, 'checkpoints', 'F', 'run2')]);
  home.cleanup();
});

test('a damaged pointer or a missing blob fails with the file to delete', () => {
  const home = tempHome('sluice-ckpt-');
  const ckpt = storeFor(home.home);
  const pointer = ckpt.save({ x: 1 });
  openBlobStore(home.home).delete(pointer.digest);
  assert.throws(() => ckpt.load(), (error: unknown) => {
    assert.ok(error instanceof CheckpointError);
    assert.match(error.message, new RegExp(`checkpoint 1 of task F/run1/train/7 names blob ${pointer.digest}, which is not in the blob store; delete .*7\\.json`));
    return true;
  });
  writeFileSync(ckpt.path, '{"dig');
  assert.throws(() => ckpt.load(), /checkpoint pointer .*7\.json is not valid JSON .*delete it to start the task from scratch/);
  assert.throws(() => storeFor(home.home, { step: '../up' }), /checkpoint step "\.\.\/up" is not a usable path part/);
  assert.throws(() => storeFor(home.home).save(() => 1), /checkpoint of task F\/run1\/train\/7 could not be stored: .*function/);
  home.cleanup();
});

// ---- a real process killed mid-task ----

function startWorker(config: Record<string, unknown>): { done: Promise<{ code: number | null; signal: string | null; out: string }>; kill(): void; waitFor(line: string): Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: { line: string; resolve: () => void }[] = [];
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of waiters) if (out.includes(w.line)) w.resolve();
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) => {
    child.on('close', (code, signal) => {
      if (code !== 0 && signal === null) process.stderr.write(err);
      resolve({ code, signal, out });
    });
  });
  return {
    done,
    kill: () => void child.kill('SIGKILL'),
    waitFor: (line) =>
      new Promise<void>((resolve, reject) => {
        if (out.includes(line)) return resolve();
        waiters.push({ line, resolve });
        void done.then(() => reject(new Error(`worker ended before printing '${line}': ${out} ${err}`)));
      }),
  };
}

test('training over 50 chunks SIGKILLed at chunk 30 resumes at 30 in a new process and ends with the uninterrupted result', async () => {
  const home = tempHome('sluice-ckpt-');
  // The reference: uninterrupted, in this process, in another run.
  const reference = train(checkpointStore({ home: home.home, blobs: openBlobStore(home.home), flow: 'Incremental', runId: 'reference', step: 'train', taskId: 1 }));
  assert.equal(reference.resumedFrom, 0);
  assert.equal(reference.processed.length, CHUNKS);
  // It really learns y = 3·x1 − 2·x2 + 0.5.
  assert.deepEqual(reference.weights.map((w) => Math.round(w * 10) / 10), [3, -2, 0.5]);

  const task = { home: home.home, runId: 'run1', taskId: 4 };
  const first = startWorker({ ...task, attempt: 0, hangAt: 30 });
  await first.waitFor('working on chunk 30');
  first.kill();
  const killed = await first.done;
  assert.equal(killed.signal, 'SIGKILL');
  const pointer = checkpointStore({ ...task, blobs: openBlobStore(home.home), flow: 'Incremental', step: 'train' }).latest();
  assert.deepEqual([pointer!.sequence, pointer!.attempt], [30, 0]);

  // A resumed run whose origin task is the killed one starts at 30 too (through the fallback).
  const resumed = train(
    checkpointStore({ home: home.home, blobs: openBlobStore(home.home), flow: 'Incremental', runId: 'run2', step: 'train', taskId: 9, fallback: { runId: 'run1', taskId: 4 } }),
  );
  assert.deepEqual([resumed.resumedFrom, resumed.processed.length], [30, 20]);
  assert.deepEqual(resumed.weights, reference.weights);

  // The retry: same task, a new process (the resumed run's checkpoints are its own).
  const second = startWorker({ ...task, attempt: 1 });
  const finished = await second.done;
  assert.equal(finished.code, 0);
  const result = JSON.parse(finished.out) as TrainResult;
  assert.equal(result.resumedFrom, 30);
  assert.deepEqual(result.processed, Array.from({ length: 20 }, (_, i) => 30 + i));
  assert.deepEqual(result.weights, reference.weights);
  assert.equal(result.seen, reference.seen);
  home.cleanup();
});
