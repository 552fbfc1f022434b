/**
 * Conversions between metadata records and table rows, shared by the SQL backends.
 * Column names follow `schema.ts`; JSON columns are parsed and serialised here.
 */
import { StoreError } from '../errors.js';
import type {
  ArtifactRecord,
  ErrorRecord,
  EventRecord,
  FrameRecord,
  RunRecord,
  RunStatus,
  TaskRecord,
  StoredGraph,
  TaskStats,
  AttemptRecord,
  TaskReads,
  TaskStatus,
} from '../types.js';

export const RUN_STATUSES: readonly RunStatus[] = ['running', 'succeeded', 'failed', 'crashed'];
export const TASK_STATUSES: readonly TaskStatus[] = ['pending', 'running', 'done', 'failed'];

/** A `runs` row as the drivers return it (PostgreSQL returns BIGINT as a string). */
export interface RunRow {
  readonly run_id: string;
  readonly flow: string;
  readonly status: string;
  readonly created_at: number | string;
  readonly ended_at: number | string | null;
  readonly user_name: string;
  readonly flow_file: string;
  readonly code_digest: string;
  readonly params: string;
  readonly origin_run_id: string | null;
  readonly coordinator_pid: number | string;
  readonly coordinator_host: string;
  readonly heartbeat_at: number | string;
  readonly error: string | null;
  readonly graph: string | null;
}

/** A `tasks` row joined with its run's flow name. */
export interface TaskRow {
  readonly flow: string;
  readonly run_id: string;
  readonly task_id: number | string;
  readonly step: string;
  readonly status: string;
  readonly attempt: number | string;
  readonly parent_task_ids: string;
  readonly foreach_stack: string;
  readonly worker_id: string | null;
  readonly queued_at: number | string;
  readonly started_at: number | string | null;
  readonly ended_at: number | string | null;
  readonly error: string | null;
  readonly origin_pathspec: string | null;
  readonly stats: string | null;
  readonly attempts: string | null;
  readonly cache_key: string | null;
  readonly reads: string | null;
}

export interface ArtifactRow {
  readonly run_id: string;
  readonly task_id: number | string;
  readonly name: string;
  readonly digest: string;
  readonly codec: string;
  readonly bytes: number | string;
  readonly type: string;
  /** Encoded bytes of an inline value (schema 6); NULL or absent for blobs. */
  readonly inline?: Uint8Array | null;
}

export interface EventRow {
  readonly seq: number | string;
  readonly run_id: string;
  readonly time: number | string;
  readonly kind: string;
  readonly payload: string;
}

export interface TagRow {
  readonly tag: string;
  readonly system: number | string;
}

function num(value: number | string | bigint): number {
  return typeof value === 'number' ? value : Number(value);
}

function numOrNull(value: number | string | bigint | null): number | null {
  return value === null ? null : num(value);
}

function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new StoreError(`${what} holds invalid JSON (${(error as Error).message}); the metadata store is corrupt`);
  }
}

/** JSON text for a structured column; names the column when the value has no JSON form. */
export function toJson(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new StoreError(`${what} cannot be stored as JSON: ${(error as Error).message}; use plain JSON values (no BigInt, no cycles)`);
  }
  if (text === undefined) throw new StoreError(`${what} cannot be stored as JSON (it is undefined, a function or a symbol)`);
  return text;
}

export function assertRunStatus(status: string, runId: string): asserts status is RunStatus {
  if (!(RUN_STATUSES as readonly string[]).includes(status)) {
    throw new StoreError(`run ${runId} status '${status}' is not one of ${RUN_STATUSES.join(', ')}`);
  }
}

export function assertTaskStatus(status: string, runId: string, taskId: number): asserts status is TaskStatus {
  if (!(TASK_STATUSES as readonly string[]).includes(status)) {
    throw new StoreError(`task ${taskId} of run ${runId}: status '${status}' is not one of ${TASK_STATUSES.join(', ')}`);
  }
}

/** Checks a tag list: non-empty strings; returns it without duplicates. */
export function cleanTags(tags: readonly string[], runId: string): string[] {
  for (const tag of tags) {
    if (typeof tag !== 'string' || tag.length === 0) {
      throw new StoreError(`run ${runId}: tag ${JSON.stringify(tag)} is not a non-empty string`);
    }
  }
  return [...new Set(tags)];
}

export function runFromRow(row: RunRow, tags: readonly TagRow[]): RunRecord {
  return {
    flow: row.flow,
    runId: row.run_id,
    status: row.status as RunStatus,
    createdAt: num(row.created_at),
    endedAt: numOrNull(row.ended_at),
    user: row.user_name,
    flowFile: row.flow_file,
    codeDigest: row.code_digest,
    params: parseJson<Record<string, unknown>>(row.params, `run ${row.run_id} params`),
    tags: tags.filter((t) => num(t.system) === 0).map((t) => t.tag),
    systemTags: tags.filter((t) => num(t.system) !== 0).map((t) => t.tag),
    originRunId: row.origin_run_id,
    coordinator: { pid: num(row.coordinator_pid), host: row.coordinator_host, heartbeatAt: num(row.heartbeat_at) },
    error: row.error,
    graph: row.graph === null || row.graph === undefined ? null : parseJson<StoredGraph>(row.graph, `run ${row.run_id} graph`),
  };
}

/** Values for the `runs` columns, in {@link RunRow} order. */
export function runValues(run: RunRecord): unknown[] {
  return [
    run.runId,
    run.flow,
    run.status,
    run.createdAt,
    run.endedAt ?? null,
    run.user,
    run.flowFile,
    run.codeDigest,
    toJson(run.params ?? {}, `run ${run.runId} params`),
    run.originRunId ?? null,
    run.coordinator.pid,
    run.coordinator.host,
    run.coordinator.heartbeatAt,
    run.error ?? null,
    run.graph ? toJson(run.graph, `run ${run.runId} graph`) : null,
  ];
}

export const RUN_COLUMNS = [
  'run_id',
  'flow',
  'status',
  'created_at',
  'ended_at',
  'user_name',
  'flow_file',
  'code_digest',
  'params',
  'origin_run_id',
  'coordinator_pid',
  'coordinator_host',
  'heartbeat_at',
  'error',
  'graph',
] as const;

export function taskFromRow(row: TaskRow): TaskRecord {
  const where = `task ${row.task_id} of run ${row.run_id}`;
  return {
    flow: row.flow,
    runId: row.run_id,
    step: row.step,
    taskId: num(row.task_id),
    status: row.status as TaskStatus,
    attempt: num(row.attempt),
    parentTaskIds: parseJson<number[]>(row.parent_task_ids, `${where} parentTaskIds`),
    foreachStack: parseJson<FrameRecord[]>(row.foreach_stack, `${where} foreachStack`),
    workerId: row.worker_id,
    queuedAt: num(row.queued_at),
    startedAt: numOrNull(row.started_at),
    endedAt: numOrNull(row.ended_at),
    error: row.error === null ? null : parseJson<ErrorRecord>(row.error, `${where} error`),
    originPathspec: row.origin_pathspec,
    stats: row.stats === null || row.stats === undefined ? null : parseJson<TaskStats>(row.stats, `${where} stats`),
    attempts: row.attempts === null || row.attempts === undefined ? null : parseJson<AttemptRecord[]>(row.attempts, `${where} attempts`),
    cacheKey: row.cache_key ?? null,
    reads: row.reads === null || row.reads === undefined ? null : parseJson<TaskReads>(row.reads, `${where} reads`),
  };
}

export const TASK_COLUMNS = [
  'run_id',
  'task_id',
  'step',
  'status',
  'attempt',
  'parent_task_ids',
  'foreach_stack',
  'worker_id',
  'queued_at',
  'started_at',
  'ended_at',
  'error',
  'origin_pathspec',
  'stats',
  'attempts',
  'cache_key',
  'reads',
] as const;

/** Values for {@link TASK_COLUMNS}, in order. */
export function taskValues(task: TaskRecord): unknown[] {
  const where = `task ${task.taskId} of run ${task.runId}`;
  return [
    task.runId,
    task.taskId,
    task.step,
    task.status,
    task.attempt,
    toJson(task.parentTaskIds, `${where} parentTaskIds`),
    toJson(task.foreachStack, `${where} foreachStack`),
    task.workerId ?? null,
    task.queuedAt,
    task.startedAt ?? null,
    task.endedAt ?? null,
    task.error ? toJson(task.error, `${where} error`) : null,
    task.originPathspec ?? null,
    task.stats ? toJson(task.stats, `${where} stats`) : null,
    task.attempts ? toJson(task.attempts, `${where} attempts`) : null,
    task.cacheKey ?? null,
    task.reads ? toJson(task.reads, `${where} reads`) : null,
  ];
}

export function artifactFromRow(row: ArtifactRow): ArtifactRecord {
  return {
    runId: row.run_id,
    taskId: num(row.task_id),
    name: row.name,
    digest: row.digest,
    codec: row.codec,
    bytes: num(row.bytes),
    type: row.type,
    // Drivers return a Buffer: a plain Uint8Array view of it (same memory) reads and compares like any other.
    ...(row.inline ? { inline: new Uint8Array(row.inline.buffer, row.inline.byteOffset, row.inline.byteLength) } : {}),
  };
}

export function eventFromRow(row: EventRow): EventRecord {
  return {
    seq: num(row.seq),
    runId: row.run_id,
    time: num(row.time),
    kind: row.kind,
    payload: parseJson<Record<string, unknown>>(row.payload, `event ${row.seq} payload`),
  };
}
