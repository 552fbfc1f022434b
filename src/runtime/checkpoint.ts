/**
 * Checkpoints inside a long task: `save(state)` stores the state, `load()` returns the latest, so
 * a retried attempt (same task) or a resumed run's task (through `fallback`, the origin task)
 * starts from where the last attempt got to instead of from scratch.
 *
 * The state goes into the blob store like any artifact (codecs, dedup). What makes it "the latest"
 * is a small pointer file, `<home>/checkpoints/<flow>/<runId>/<step>/<taskId>.json`, replaced
 * atomically (temp file + rename) after the blob is written: a reader sees the previous
 * checkpoint or the new one, never half of one, and a pointer never names a blob that is not
 * there yet. Only one attempt of a task runs at a time, so pointer writes need no lock.
 *
 * GC treats each pointer as a root ({@link checkpointGcSource}); older checkpoints of a task are
 * garbage once replaced.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BlobNotFoundError } from '../store/errors.js';
import type { GcSource } from '../store/gc.js';
import type { ArtifactStore, BlobPointer } from '../store/types.js';
import { loadValue, storeValue } from '../store/values.js';

/** Which task's checkpoints. */
export interface CheckpointStoreOptions {
  readonly home: string;
  readonly blobs: ArtifactStore;
  readonly flow: string;
  readonly runId: string;
  readonly step: string;
  readonly taskId: number;
  /** Read from this task (same flow and step) when this one has no checkpoint: a resumed run's origin task. */
  readonly fallback?: { readonly runId: string; readonly taskId: number };
  /** Recorded in the pointer, for diagnostics. */
  readonly attempt?: number;
  /** Clock for `savedAt` (tests). */
  readonly now?: () => number;
}

/** The content of a pointer file: where the latest checkpoint of one task is. */
export interface CheckpointPointer extends BlobPointer {
  readonly type: string;
  readonly savedAt: number;
  /** 1 for a task's first checkpoint, +1 for every save (across attempts). */
  readonly sequence: number;
  readonly attempt: number | null;
}

export interface CheckpointStore {
  /** The pointer file of this task. */
  readonly path: string;
  /** Stores `state` as this task's latest checkpoint (synchronously; it is durable once this returns). */
  save(state: unknown): CheckpointPointer;
  /** The latest checkpoint of this task, else of the fallback task, else undefined. */
  load<T = unknown>(): T | undefined;
  /** The pointer `load()` would follow (and whose task it belongs to), without loading the state. */
  latest(): (CheckpointPointer & { readonly runId: string; readonly taskId: number }) | undefined;
}

/** A checkpoint that cannot be read (a corrupt pointer, a blob deleted behind GC's back). */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

/** `<home>/checkpoints` */
export function checkpointsRoot(home: string): string {
  return join(home, 'checkpoints');
}

/** The pointer file of one task. */
export function checkpointPath(home: string, flow: string, runId: string, step: string, taskId: number): string {
  if (!Number.isSafeInteger(taskId) || taskId < 0) throw new TypeError(`checkpoint task id ${String(taskId)} must be a non-negative integer`);
  return join(checkpointsRoot(home), part('flow', flow), part('run id', runId), part('step', step), `${taskId}.json`);
}

function part(what: string, value: string): string {
  if (typeof value !== 'string' || value === '' || value === '.' || value === '..' || /[/\\\0]/.test(value)) {
    throw new TypeError(`checkpoint ${what} ${JSON.stringify(value)} is not a usable path part (non-empty, no '/', '\\' or NUL, not '.' or '..')`);
  }
  return value;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

function isPointer(value: unknown): value is CheckpointPointer {
  const p = value as Partial<CheckpointPointer> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.digest === 'string' &&
    typeof p.codec === 'string' &&
    typeof p.bytes === 'number' &&
    typeof p.sequence === 'number'
  );
}

/** Reads a pointer file; undefined when there is none. */
export function readCheckpointPointer(path: string): CheckpointPointer | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(`checkpoint pointer ${path} is not valid JSON (${(error as Error).message}); delete it to start the task from scratch`);
  }
  if (!isPointer(parsed)) throw new CheckpointError(`checkpoint pointer ${path} lacks digest/codec/bytes/sequence; delete it to start the task from scratch`);
  return parsed;
}

function writeAtomically(path: string, text: string): void {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  let fd: number;
  try {
    fd = openSync(temp, 'wx');
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
    mkdirSync(join(path, '..'), { recursive: true });
    fd = openSync(temp, 'wx');
  }
  let renamed = false;
  try {
    writeSync(fd, text);
    closeSync(fd);
    renameSync(temp, path);
    renamed = true;
  } finally {
    if (!renamed) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
      try {
        unlinkSync(temp);
      } catch {
        // never created or already gone
      }
    }
  }
}

/** The checkpoints of one task. Cheap: touches the disk only in `save`, `load` and `latest`. */
export function checkpointStore(options: CheckpointStoreOptions): CheckpointStore {
  const { home, blobs, flow, runId, step, taskId, fallback } = options;
  const path = checkpointPath(home, flow, runId, step, taskId);
  const fallbackPath = fallback === undefined ? undefined : checkpointPath(home, flow, fallback.runId, step, fallback.taskId);
  const now = options.now ?? Date.now;
  const where = `${flow}/${runId}/${step}/${taskId}`;

  const latest: CheckpointStore['latest'] = () => {
    const own = readCheckpointPointer(path);
    if (own !== undefined) return { ...own, runId, taskId };
    if (fallback === undefined || fallbackPath === undefined) return undefined;
    const origin = readCheckpointPointer(fallbackPath);
    return origin === undefined ? undefined : { ...origin, runId: fallback.runId, taskId: fallback.taskId };
  };

  return {
    path,
    save(state: unknown): CheckpointPointer {
      let stored;
      try {
        stored = storeValue(blobs, state);
      } catch (error) {
        throw new CheckpointError(`checkpoint of task ${where} could not be stored: ${(error as Error).message}`, { cause: error });
      }
      const previous = readCheckpointPointer(path);
      const pointer: CheckpointPointer = {
        digest: stored.digest,
        codec: stored.codec,
        bytes: stored.bytes,
        type: stored.type,
        savedAt: now(),
        sequence: (previous?.sequence ?? 0) + 1,
        attempt: options.attempt ?? null,
      };
      writeAtomically(path, JSON.stringify(pointer));
      return pointer;
    },
    load<T>(): T | undefined {
      const pointer = latest();
      if (pointer === undefined) return undefined;
      try {
        return loadValue(blobs, pointer) as T;
      } catch (error) {
        if (error instanceof BlobNotFoundError) {
          throw new CheckpointError(
            `checkpoint ${pointer.sequence} of task ${flow}/${pointer.runId}/${step}/${pointer.taskId} names blob ${pointer.digest}, which is not in the blob store; ` +
              `delete ${pointer.runId === runId ? path : fallbackPath} to start from scratch`,
            { cause: error },
          );
        }
        throw error;
      }
    },
    latest,
  };
}

/** One task's latest checkpoint, as found on disk. */
export interface CheckpointEntry {
  readonly flow: string;
  readonly runId: string;
  readonly step: string;
  readonly taskId: number;
  readonly pointer: CheckpointPointer;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return [];
    throw error;
  }
}

const POINTER_FILE = /^(\d+)\.json$/;

/** Every task's latest checkpoint under a home (temp files of in-progress saves are skipped). */
export function* listCheckpoints(home: string): Generator<CheckpointEntry> {
  const root = checkpointsRoot(home);
  for (const flow of listDir(root)) {
    for (const runId of listDir(join(root, flow))) {
      for (const step of listDir(join(root, flow, runId))) {
        for (const file of listDir(join(root, flow, runId, step))) {
          const match = POINTER_FILE.exec(file);
          if (!match) continue;
          const pointer = readCheckpointPointer(join(root, flow, runId, step, file));
          if (pointer !== undefined) yield { flow, runId, step, taskId: Number(match[1]), pointer };
        }
      }
    }
  }
}

/** The blob digests every latest checkpoint under a home references (GC roots). */
export function listCheckpointDigests(home: string): Set<string> {
  const digests = new Set<string>();
  for (const entry of listCheckpoints(home)) digests.add(entry.pointer.digest);
  return digests;
}

/**
 * Checkpoints as GC sees them: the latest checkpoint of every task of a kept run is a root, and a
 * deleted run's checkpoint directory goes with it.
 */
export function checkpointGcSource(home: string): GcSource {
  return {
    name: 'checkpoints',
    roots: ({ isDeleted }) => {
      const digests = new Set<string>();
      for (const entry of listCheckpoints(home)) if (!isDeleted(entry.runId)) digests.add(entry.pointer.digest);
      return digests;
    },
    runFiles: ({ flow, runId }) => [join(checkpointsRoot(home), flow, runId)],
  };
}
