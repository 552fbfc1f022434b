/** Records and ops for metadata tests: valid defaults, overridable per test. */
import type { RunRecord, TaskRecord, WriteOp } from '../../src/store/types.js';

export function makeRun(runId: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    flow: 'TrainFlow',
    runId,
    status: 'running',
    createdAt: 1_700_000_000_000,
    endedAt: null,
    user: 'ann',
    flowFile: '/src/flows/train.ts',
    codeDigest: 'c0de',
    params: { size: 10, name: 'x', nested: { list: [1, 2], flag: true, none: null } },
    tags: [],
    systemTags: ['user:ann', 'runtime:local'],
    originRunId: null,
    coordinator: { pid: 4242, host: 'box', heartbeatAt: 1_700_000_000_000 },
    error: null,
    graph: { flow: 'TrainFlow', steps: [{ name: 'start', kind: 'step', parents: [] }, { name: 'end', kind: 'step', parents: ['start'] }] },
    ...overrides,
  };
}

export function makeTask(runId: string, taskId: number, overrides: Partial<TaskRecord> = {}): TaskRecord {
  return {
    flow: 'TrainFlow',
    runId,
    step: 'start',
    taskId,
    status: 'pending',
    attempt: 0,
    parentTaskIds: [],
    foreachStack: [],
    workerId: null,
    queuedAt: 1_700_000_000_100 + taskId,
    startedAt: null,
    endedAt: null,
    error: null,
    originPathspec: null,
    stats: null,
    attempts: null,
    cacheKey: null,
    reads: null,
    ...overrides,
  };
}

export type ArtifactInput = { name: string; digest: string; codec?: string; bytes?: number; type?: string; inline?: Uint8Array };
/** A task op; artifacts default to codec v8, 10 bytes, type object. */
export const taskOp = (task: TaskRecord, artifacts?: ArtifactInput[]): WriteOp => ({
  op: 'task',
  write: artifacts === undefined ? { task } : { task, artifacts: artifacts.map((a) => ({ codec: 'v8', bytes: 10, type: 'object', ...a })) },
});
export const eventOp = (runId: string, kind: string, payload: Record<string, unknown> = {}, time = 1): WriteOp => ({
  op: 'event',
  runId,
  time,
  kind,
  payload,
});

