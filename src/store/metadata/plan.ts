/**
 * Turns a write batch into what a SQL backend executes, checking every op first so errors name
 * the op (its index and what it is about) before anything touches the database.
 *
 * Ops of different kinds never affect each other inside one transaction (tasks, events and run
 * patches live in separate tables, and runs are only created by createRun), so a backend may
 * apply all tasks, then all events, then all run patches, as long as each kind keeps its order.
 * Tasks are upserts that replace the whole row, so only the last write of each task counts;
 * likewise its artifact set is the last one given.
 */
import { StoreError } from '../errors.js';
import { checkTrackingOp, describeTrackingOp, isTrackingOp, trackingOpRun } from '../tracking/ops.js';
import type { TrackingWriteOp } from '../tracking/types.js';
import type { TaskRecord, TaskWrite, WriteOp } from '../types.js';
import { assertRunStatus, assertTaskStatus, taskValues, toJson } from './rows.js';

type RunOp = Extract<WriteOp, { op: 'run' }>;

export interface PlannedTask {
  /** Index of the op this row comes from (the last write of this task in the batch). */
  readonly index: number;
  readonly task: TaskRecord;
  /** Values for `TASK_COLUMNS`. */
  readonly values: unknown[];
}

export interface PlannedArtifacts {
  readonly index: number;
  readonly runId: string;
  readonly taskId: number;
  /** Rows for (run_id, task_id, name, digest, codec, bytes, type, inline). */
  readonly rows: unknown[][];
}

export interface PlannedEvent {
  readonly index: number;
  /** Values for (run_id, time, kind, payload). */
  readonly values: unknown[];
}

export interface WritePlan {
  /** Every run the batch touches, with the first op that names it (to check they exist). */
  readonly runs: ReadonlyMap<string, number>;
  readonly tasks: readonly PlannedTask[];
  /** Tasks whose artifact set is replaced by this batch. */
  readonly artifacts: readonly PlannedArtifacts[];
  readonly events: readonly PlannedEvent[];
  readonly runPatches: readonly { readonly index: number; readonly op: RunOp }[];
  /** Tracking and registry ops, in batch order (applied after tasks and events, before run patches). */
  readonly tracking: readonly { readonly index: number; readonly op: TrackingWriteOp }[];
  readonly ops: readonly WriteOp[];
}

/** A short description of an op for error messages. */
export function describeOp(op: WriteOp): string {
  switch (op.op) {
    case 'task':
      return `task ${op.write.task.taskId} (step ${op.write.task.step}) of run ${op.write.task.runId}`;
    case 'event':
      return `event '${op.kind}' of run ${op.runId}`;
    case 'run':
      return `patch of run ${op.runId}`;
    default:
      if (isTrackingOp(op)) return describeTrackingOp(op);
      return `op '${String((op as { op: unknown }).op)}'`;
  }
}

/** The error for a failed op: names it and says the batch was not applied. */
export function opError(ops: readonly WriteOp[], index: number, message: string, cause?: unknown): StoreError {
  const op = ops[index]!;
  return new StoreError(`write op ${index} (${describeOp(op)}) failed, nothing in the batch was written: ${message}`, { cause });
}

function planTask(write: TaskWrite): { values: unknown[]; rows: unknown[][] | undefined } {
  const { task, artifacts } = write;
  if (!Number.isSafeInteger(task.taskId) || task.taskId < 0) {
    throw new StoreError(`task id ${String(task.taskId)} must be a non-negative integer`);
  }
  assertTaskStatus(task.status, task.runId, task.taskId);
  if (artifacts !== undefined && task.status !== 'done') {
    throw new StoreError(`artifacts are recorded only for done tasks, and this task is ${task.status}`);
  }
  const rows = artifacts?.map((a) => {
    if (a.inline !== undefined && !(a.inline instanceof Uint8Array && a.inline.byteLength === a.bytes)) {
      throw new StoreError(`artifact '${a.name}': inline bytes must be a Uint8Array of its recorded ${a.bytes} bytes`);
    }
    return [task.runId, task.taskId, a.name, a.digest, a.codec, a.bytes, a.type, a.inline ?? null];
  });
  return { values: taskValues(task), rows };
}

/** Checks a batch and groups it by kind. Throws StoreError naming the first bad op. */
export function planWrite(ops: readonly WriteOp[]): WritePlan {
  const runs = new Map<string, number>();
  const tasks = new Map<string, PlannedTask>();
  const artifacts = new Map<string, PlannedArtifacts>();
  const events: PlannedEvent[] = [];
  const runPatches: { index: number; op: RunOp }[] = [];
  const tracking: { index: number; op: TrackingWriteOp }[] = [];
  for (let index = 0; index < ops.length; index++) {
    const op = ops[index]!;
    try {
      switch (op.op) {
        case 'task': {
          const { task } = op.write;
          if (!runs.has(task.runId)) runs.set(task.runId, index);
          const { values, rows } = planTask(op.write);
          const key = `${task.runId}\u0000${task.taskId}`;
          // Delete first so the surviving write keeps its position relative to the others.
          tasks.delete(key);
          tasks.set(key, { index, task, values });
          if (rows !== undefined) {
            artifacts.delete(key);
            artifacts.set(key, { index, runId: task.runId, taskId: task.taskId, rows });
          }
          break;
        }
        case 'event':
          if (!runs.has(op.runId)) runs.set(op.runId, index);
          events.push({ index, values: [op.runId, op.time, op.kind, toJson(op.payload ?? {}, `event '${op.kind}' payload`)] });
          break;
        case 'run':
          if (!runs.has(op.runId)) runs.set(op.runId, index);
          if (op.patch.status !== undefined) assertRunStatus(op.patch.status, op.runId);
          runPatches.push({ index, op });
          break;
        default: {
          if (!isTrackingOp(op)) throw new StoreError(`unknown op '${String((op as { op: unknown }).op)}' (expected task, event, run or a tracking op)`);
          checkTrackingOp(op);
          const runId = trackingOpRun(op);
          if (runId !== undefined && !runs.has(runId)) runs.set(runId, index);
          tracking.push({ index, op });
        }
      }
    } catch (error) {
      throw opError(ops, index, (error as Error).message, error);
    }
  }
  return { runs, tasks: [...tasks.values()], artifacts: [...artifacts.values()], events, runPatches, tracking, ops };
}
