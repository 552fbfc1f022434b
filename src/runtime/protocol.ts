/**
 * What the coordinator hands an executor, and what comes back. Plain structured-clonable data:
 * the same shapes cross a process boundary (pool) or stay in process (inline).
 */
import type { ErrorRecord, FrameRecord, TaskReads, TaskStats } from '../store/types.js';
import type { StoredValue } from '../store/values.js';

/** Artifacts visible to a task: name → where the value is stored. */
export type ArtifactMap = Readonly<Record<string, StoredValue>>;

/** Run-wide facts every task sees. */
export interface RunInfo {
  readonly flow: string;
  readonly runId: string;
  readonly user: string;
  readonly tags: readonly string[];
  readonly originRunId: string | null;
  readonly home: string;
  readonly flowFile: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** A foreach item that failed under `onFailure: 'continue'`, as its join sees it. */
export interface JoinFailureSpec {
  readonly index: number;
  readonly step: string;
  readonly taskId: number;
  readonly error: ErrorRecord;
  readonly item?: FrameRecord['item'];
}

/** One incoming path of a join. */
export interface JoinInputSpec {
  readonly step: string;
  readonly index: number;
  readonly taskId: number;
  readonly artifacts: ArtifactMap;
}

export interface TaskSpec {
  readonly step: string;
  readonly taskId: number;
  readonly attempt: number;
  /** Upstream artifacts visible to the step (empty for joins: they read their inputs). */
  readonly artifacts: ArtifactMap;
  readonly stack: readonly FrameRecord[];
  /** Joins only, in split order. */
  readonly joinInputs?: readonly JoinInputSpec[];
  /** Joins of an `onFailure: 'continue'` foreach: the items that failed, in split order. */
  readonly joinFailures?: readonly JoinFailureSpec[];
  /** Environment variables set while the task runs (step `env`, CUDA_VISIBLE_DEVICES). */
  readonly env?: Readonly<Record<string, string>>;
  /** In a resumed run: the origin's task at the same position, whose checkpoints this task may load. */
  readonly checkpointFallback?: { readonly runId: string; readonly taskId: number };
}

export interface TaskSuccess {
  readonly ok: true;
  /** Artifacts the task produced (set, returned or merged). */
  readonly outputs: ArtifactMap;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly stats?: TaskStats;
  readonly reads?: TaskReads;
}

export interface TaskFailure {
  readonly ok: false;
  readonly error: ErrorRecord;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly stats?: TaskStats;
  /** For errors thrown by step code: whether the step's retryOn accepts it (decided where the error lives). */
  readonly retryable?: boolean;
  /** A batched task that never started (its batch was cancelled or its worker died first): not an attempt. */
  readonly notStarted?: boolean;
}

/**
 * Something a task reports besides its outputs (a logged metric, param, tag, a registered
 * model...). Workers batch them; the coordinator turns them into metadata writes through the
 * handler registered for the kind (see records.ts).
 */
export interface TaskRecordEvent {
  readonly kind: string;
  readonly time: number;
  readonly data: unknown;
}

export type TaskOutcome = TaskSuccess | TaskFailure;

/** A live output line (chunk) from a task. */
export interface TaskLogChunk {
  readonly taskId: number;
  readonly step: string;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

/** Executes tasks. The coordinator submits only when `idle() > 0`. */
export interface Executor {
  readonly name: string;
  /** Number of tasks this executor can take right now. */
  idle(): number;
  /** Runs one task attempt; the promise never rejects (failures are outcomes). */
  submit(spec: TaskSpec): Promise<TaskOutcome & { readonly workerId: string }>;
  /**
   * Runs several task attempts one after another on one worker (one dispatch, one idle slot):
   * one promise per spec, each settled as soon as its task ends. `onStart` is called when each
   * task begins. Tasks that never begin settle with `notStarted`. Optional: executors without it
   * get tasks one by one.
   */
  submitBatch?(specs: readonly TaskSpec[], onStart: (taskId: number) => void): Promise<TaskOutcome & { readonly workerId: string }>[];
  /** Batched tasks not yet begun settle as `notStarted` instead of running (fail-fast, interrupts). */
  cancelPending?(): void;
  close(): Promise<void>;
  /** Stops running tasks now (their attempts fail as interrupted); optional for executors that can't. */
  interrupt?(): void;
  /** Kills the process running one task (its attempt then fails as a system error); false when it can't. */
  kill?(taskId: number): boolean;
  /** Resident memory (bytes) of the process running a task, when it can be measured. */
  rss?(taskId: number): number | undefined;
}

/** Messages from the coordinator to a pool worker. */
export type ToWorker =
  | { readonly type: 'init'; readonly run: RunInfo }
  | { readonly type: 'task'; readonly spec: TaskSpec }
  | { readonly type: 'batch'; readonly specs: readonly TaskSpec[] }
  | { readonly type: 'cancel'; readonly taskIds: readonly number[] };

/** Messages from a pool worker to the coordinator. */
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'init-error'; readonly error: ErrorRecord }
  | { readonly type: 'log'; readonly chunk: TaskLogChunk }
  | { readonly type: 'records'; readonly taskId: number; readonly attempt: number; readonly records: readonly TaskRecordEvent[] }
  /** `next`: in a batch, the task that began right after this one. */
  | { readonly type: 'result'; readonly taskId: number; readonly outcome: TaskOutcome; readonly next?: number };

export function toErrorRecord(error: unknown, kind: ErrorRecord['kind'] = 'user'): ErrorRecord {
  if (error instanceof Error) {
    return { type: error.name || error.constructor?.name || 'Error', message: error.message, stack: error.stack, kind };
  }
  return { type: typeof error, message: String(error), kind };
}
