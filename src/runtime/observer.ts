/**
 * Hooks a run reports through: progress displays, JSON event streams, tests.
 */
import type { ErrorRecord, FrameRecord } from '../store/types.js';
import type { TaskLogChunk } from './protocol.js';

/** Why a task failed, with enough context to act on it. */
export interface TaskFailureReport {
  readonly step: string;
  readonly taskId: number;
  readonly pathspec: string;
  readonly error: ErrorRecord;
  /** The innermost foreach item, when the task was one. */
  readonly item: { readonly step: string; readonly index: number; readonly count: number } | undefined;
  /** Last lines the task printed. */
  readonly logTail: string;
  /** Attempts made (1 when it was not retried). */
  readonly attempts?: number;
}

export interface RunStartedInfo {
  readonly flow: string;
  readonly runId: string;
  readonly home: string;
  readonly steps: readonly string[];
  readonly params: Readonly<Record<string, unknown>>;
  readonly executor: string;
  readonly workers: number;
}

export interface RunFinishedInfo {
  readonly flow: string;
  readonly runId: string;
  readonly status: 'succeeded' | 'failed';
  readonly durationMs: number;
  readonly tasks: number;
  readonly failures: readonly TaskFailureReport[];
  readonly home: string;
}

export interface RunObserver {
  runStarted?(info: RunStartedInfo): void;
  taskStarted?(task: { readonly step: string; readonly taskId: number; readonly stack: readonly FrameRecord[]; readonly attempt?: number }): void;
  taskFinished?(task: {
    readonly step: string;
    readonly taskId: number;
    readonly ok: boolean;
    readonly durationMs: number;
    readonly failure?: TaskFailureReport;
    /** Set when the result was reused instead of run: from a resumed run or the step cache. */
    readonly reused?: 'cloned' | 'cached';
    readonly origin?: string;
    /** A failed foreach item that onFailure 'continue' tolerates (recorded as a dead letter). */
    readonly tolerated?: boolean;
  }): void;
  /** An attempt failed and will be retried after `delayMs`. */
  taskRetry?(task: { readonly step: string; readonly taskId: number; readonly attempt: number; readonly delayMs: number; readonly error: ErrorRecord }): void;
  log?(chunk: TaskLogChunk): void;
  /** Output a worker wrote outside any task. */
  stray?(workerId: string, stream: 'stdout' | 'stderr', text: string): void;
  runFinished?(info: RunFinishedInfo): void;
  /** A decision the runtime took that users may want to see (e.g. a foreach's batch size and why). */
  info?(message: string): void;
  /** Something went wrong that doesn't fail the run (e.g. a dropped task record). */
  warning?(message: string): void;
}
