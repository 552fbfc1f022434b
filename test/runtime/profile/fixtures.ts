/** Hand-made run records for profile tests. */
import type { RunRecord, StoredGraph, TaskRecord, TaskStats } from '../../../src/store/types.js';

export const GiB = 1024 ** 3;

export function stats(over: Partial<TaskStats> = {}): TaskStats {
  return { wallMs: 0, cpuUserMs: 0, cpuSystemMs: 0, peakRssBytes: 0, peakHeapBytes: 0, bytesRead: 0, bytesWritten: 0, loadMs: 0, storeMs: 0, userMs: 0, ...over };
}

export function task(taskId: number, step: string, startedAt: number, endedAt: number, parentTaskIds: number[], s?: Partial<TaskStats>): TaskRecord {
  return {
    flow: 'F',
    runId: 'r1',
    step,
    taskId,
    status: 'done',
    attempt: 0,
    parentTaskIds,
    foreachStack: [],
    workerId: 'w1',
    queuedAt: startedAt,
    startedAt,
    endedAt,
    error: null,
    originPathspec: null,
    stats: s ? stats({ wallMs: endedAt - startedAt, ...s }) : null,
  };
}

export function run(steps: StoredGraph['steps'], runId = 'r1', over: Partial<RunRecord> = {}): RunRecord {
  return {
    flow: 'F',
    runId,
    status: 'succeeded',
    createdAt: 0,
    endedAt: 13_000,
    user: 'u',
    flowFile: '/f.ts',
    codeDigest: 'x',
    params: {},
    tags: [],
    systemTags: [],
    originRunId: null,
    coordinator: { pid: 1, host: 'h', heartbeatAt: 0 },
    error: null,
    graph: { flow: 'F', steps },
    ...over,
  };
}

/** start → features (heavy, serial, declares 1 GiB) → train ×3 (foreach, one straggler) → join → end, on 2 workers. */
export function trainRun(): { run: RunRecord; tasks: TaskRecord[] } {
  const r = run([
    { name: 'start', kind: 'step', parents: [] },
    { name: 'features', kind: 'step', parents: ['start'], options: { resources: { memoryMiB: 1024, cpu: 1 } } },
    { name: 'train', kind: 'foreach', parents: ['features'] },
    { name: 'join', kind: 'join', parents: ['train'] },
    { name: 'end', kind: 'step', parents: ['join'] },
  ]);
  const tasks = [
    task(1, 'start', 0, 100, [], { userMs: 90, cpuUserMs: 90 }),
    task(2, 'features', 100, 7300, [1], { userMs: 7000, cpuUserMs: 7100, peakRssBytes: 2 * GiB, bytesRead: 1000, loadMs: 50, storeMs: 100 }),
    task(3, 'train', 7300, 8300, [2], { userMs: 990, cpuUserMs: 990, peakRssBytes: 0.5 * GiB }),
    task(4, 'train', 7300, 8500, [2], { userMs: 1190, cpuUserMs: 1190, peakRssBytes: 0.5 * GiB }),
    task(5, 'train', 8300, 12300, [2], { userMs: 3990, cpuUserMs: 3990, peakRssBytes: 0.6 * GiB }),
    task(6, 'join', 12300, 12400, [3, 4, 5], { userMs: 90, cpuUserMs: 90 }),
    task(7, 'end', 12400, 12450, [6], { userMs: 40, cpuUserMs: 40 }),
  ];
  return { run: r, tasks };
}
