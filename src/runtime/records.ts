/**
 * The side channel for what tasks report besides outputs (metrics, params, tags, registered
 * models...). In the task's process a {@link RecordBuffer} batches records so logging 100,000
 * points costs a handful of IPC messages; in the coordinator, a handler per record kind turns
 * them into metadata writes, which go out in the coordinator's own batched transactions.
 */
import type { WriteOp } from '../store/types.js';
import type { TaskRecordEvent } from './protocol.js';

const FLUSH_RECORDS = 2000;
const FLUSH_MS = 100;

/** Worker side: collects records and hands them over in batches. */
export class RecordBuffer {
  private pending: TaskRecordEvent[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly send: (records: readonly TaskRecordEvent[]) => void) {}

  emit(kind: string, data: unknown): void {
    this.pending.push({ kind, time: Date.now(), data });
    if (this.pending.length >= FLUSH_RECORDS) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Sends everything pending now (called at the end of every attempt, before its result). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.send(batch);
  }
}

/** The task a batch of records came from. */
export interface RecordSource {
  readonly flow: string;
  readonly runId: string;
  readonly step: string;
  readonly taskId: number;
  readonly attempt: number;
}

/** Turns records of one kind into metadata writes; throwing rejects the batch with its message. */
export type RecordHandler = (source: RecordSource, records: readonly TaskRecordEvent[]) => WriteOp[];

const handlers = new Map<string, RecordHandler>([
  // Built in: a task's own entries in the run's event feed (breaker state changes, ...).
  [
    'event',
    (source, records) =>
      records.map((r) => {
        const { kind, payload } = r.data as { kind: string; payload: Record<string, unknown> };
        return { op: 'event' as const, runId: source.runId, time: r.time, kind, payload: { step: source.step, taskId: source.taskId, ...payload } };
      }),
  ],
]);

/** Registers the coordinator-side handler for a record kind (one per kind). */
export function registerRecordHandler(kind: string, handler: RecordHandler): void {
  handlers.set(kind, handler);
}

/** Converts a batch into writes, grouped by kind in arrival order; unknown kinds are reported. */
export function recordsToOps(source: RecordSource, records: readonly TaskRecordEvent[]): { ops: WriteOp[]; problems: string[] } {
  const byKind = new Map<string, TaskRecordEvent[]>();
  for (const record of records) {
    const list = byKind.get(record.kind);
    if (list) list.push(record);
    else byKind.set(record.kind, [record]);
  }
  const ops: WriteOp[] = [];
  const problems: string[] = [];
  for (const [kind, list] of byKind) {
    const handler = handlers.get(kind);
    if (!handler) {
      problems.push(`no handler for task record kind '${kind}' (${list.length} dropped)`);
      continue;
    }
    try {
      ops.push(...handler(source, list));
    } catch (error) {
      problems.push(`records of kind '${kind}' from ${source.step}/${source.taskId}: ${(error as Error).message}`);
    }
  }
  return { ops, problems };
}
