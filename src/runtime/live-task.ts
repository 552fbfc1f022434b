/**
 * A task as the coordinator tracks it between creation and its final state, and the records made
 * from it: its metadata row and, when it fails, the report the user sees.
 */
import type { StepOptions } from '../flow/types.js';
import type { AttemptRecord, ErrorRecord, LogStore, TaskRecord, TaskStats } from '../store/types.js';
import type { TaskFailureReport } from './observer.js';
import type { RunInfo } from './protocol.js';
import type { PlannedTask } from './scheduler.js';

export interface LiveTask {
  readonly plan: PlannedTask;
  readonly options: StepOptions;
  readonly queuedAt: number;
  readonly identity: string;
  readonly key: string;
  attempt: number;
  attempts: AttemptRecord[];
  startedAt: number | null;
  workerId: string | null;
  /** Why the coordinator killed the attempt (timeout, memory), replacing the executor's error. */
  killed: ErrorRecord | undefined;
  timers: NodeJS.Timeout[];
  /** A caught failure is not a result to reuse. */
  uncacheable?: boolean;
  /** When its (single) dispatch went out, for timing probes of `batch: 'auto'`. */
  dispatchedAt?: number;
  /** The dispatch batch it went out in: admission is held once per batch (its tasks run one by one). */
  batch?: { readonly lead: number; left: number };
}

/** What a failed task tells the user: where, which item, the error and its last output. */
export function failureReport(run: RunInfo, logs: LogStore, task: LiveTask, error: ErrorRecord): TaskFailureReport {
  const { plan } = task;
  const key = { flow: run.flow, runId: run.runId, step: plan.step, taskId: plan.taskId, attempt: task.attempt };
  const tail = (stream: 'stdout' | 'stderr'): string => logs.read(key, stream).split('\n').slice(-11).join('\n').trim();
  const logTail = [tail('stdout'), tail('stderr')].filter(Boolean).join('\n');
  const frame = [...plan.stack].reverse().find((f) => f.kind === 'foreach');
  return {
    step: plan.step,
    taskId: plan.taskId,
    pathspec: `${run.flow}/${run.runId}/${plan.step}/${plan.taskId}`,
    error,
    item: frame ? { step: frame.step, index: frame.index, count: frame.count } : undefined,
    logTail,
    attempts: task.attempt + 1,
  };
}

/** The task's row as the metadata store keeps it. */
export function taskRecord(run: RunInfo, task: LiveTask, status: TaskRecord['status'], error: ErrorRecord | null, endedAt: number | null, stats: TaskStats | null): TaskRecord {
  const { plan } = task;
  return {
    flow: run.flow,
    runId: run.runId,
    step: plan.step,
    taskId: plan.taskId,
    status,
    attempt: task.attempt,
    parentTaskIds: plan.parents,
    foreachStack: [...plan.stack],
    workerId: task.workerId,
    queuedAt: task.queuedAt,
    startedAt: status === 'pending' && task.attempts.length === 0 ? null : task.startedAt,
    endedAt,
    error,
    originPathspec: null,
    stats,
    attempts: task.attempts.length > 0 ? [...task.attempts] : null,
    cacheKey: task.uncacheable ? null : task.key,
    reads: null,
  };
}
