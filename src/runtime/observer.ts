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
  taskStarted?(task: { readonly step: string; readonly taskId: number; readonly stack: readonly FrameRecord[] }): void;
  taskFinished?(task: {
    readonly step: string;
    readonly taskId: number;
    readonly ok: boolean;
    readonly durationMs: number;
    readonly failure?: TaskFailureReport;
  }): void;
  log?(chunk: TaskLogChunk): void;
  /** Output a worker wrote outside any task. */
  stray?(workerId: string, stream: 'stdout' | 'stderr', text: string): void;
  runFinished?(info: RunFinishedInfo): void;
  /** Something went wrong that doesn't fail the run (e.g. a dropped task record). */
  warning?(message: string): void;
}
