/**
 * Store records → API shapes (see schemas.ts). Plain functions, no I/O.
 */
import type { RunRecord, StoredGraph, TaskRecord } from '../store/types.js';
import { foreachIndex, type StatusCounts } from './aggregate.js';
import { jsonNumber } from './preview.js';
import type { GraphT, GraphStepT, RunSummaryT, TaskSummaryT } from './schemas.js';

export function runSummary(run: RunRecord, progress: StatusCounts | null = null): RunSummaryT {
  return {
    flow: run.flow,
    runId: run.runId,
    pathspec: `${run.flow}/${run.runId}`,
    status: run.status,
    createdAt: run.createdAt,
    endedAt: run.endedAt,
    durationMs: run.endedAt === null ? null : run.endedAt - run.createdAt,
    heartbeatAt: run.coordinator.heartbeatAt,
    user: run.user,
    tags: [...run.tags],
    systemTags: [...run.systemTags],
    params: { ...run.params },
    error: run.error,
    originRunId: run.originRunId,
    progress,
  };
}

/** Sums per-step counts into one. */
export function totalCounts(counts: Readonly<Record<string, StatusCounts>>): StatusCounts {
  const total: StatusCounts = { pending: 0, running: 0, done: 0, failed: 0 };
  for (const c of Object.values(counts)) {
    total.pending += c.pending;
    total.running += c.running;
    total.done += c.done;
    total.failed += c.failed;
  }
  return total;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The run's stored graph, or (for runs recorded before graphs were stored) one pieced together from its tasks. */
export function graphOf(run: RunRecord, tasks: readonly TaskRecord[]): GraphT {
  const stored = run.graph as StoredGraph | null | undefined;
  if (stored && Array.isArray(stored.steps)) {
    return {
      flow: run.flow,
      doc: str(stored.doc),
      params: Array.isArray(stored.params) ? (stored.params as Record<string, unknown>[]) : [],
      steps: stored.steps.map(
        (s): GraphStepT => ({
          name: s.name,
          kind: s.kind,
          parents: [...s.parents],
          over: str(s.over),
          doc: str(s.doc),
          closes: str(s.closes),
          transition: s.transition ?? null,
          options: s.options ?? null,
        }),
      ),
      inferred: false,
    };
  }
  const stepOf = new Map<number, string>();
  const order: string[] = [];
  const parents = new Map<string, Set<string>>();
  const stackDepth = new Map<string, number>();
  const lastFrame = new Map<string, string | undefined>();
  for (const task of tasks) {
    stepOf.set(task.taskId, task.step);
    if (!parents.has(task.step)) {
      order.push(task.step);
      parents.set(task.step, new Set());
      stackDepth.set(task.step, task.foreachStack.length);
      lastFrame.set(task.step, task.foreachStack.at(-1)?.kind);
    }
    for (const id of task.parentTaskIds) {
      const p = stepOf.get(id);
      if (p !== undefined) parents.get(task.step)!.add(p);
    }
  }
  return {
    flow: run.flow,
    doc: null,
    params: [],
    steps: order.map((name) => {
      const ps = [...parents.get(name)!];
      const joins = ps.some((p) => (stackDepth.get(p) ?? 0) > (stackDepth.get(name) ?? 0));
      const fans = lastFrame.get(name) === 'foreach' && ps.some((p) => (stackDepth.get(p) ?? 0) < (stackDepth.get(name) ?? 0));
      return { name, kind: joins ? 'join' : fans ? 'foreach' : 'step', parents: ps, over: null, doc: null, closes: null, transition: null, options: null };
    }),
    inferred: true,
  };
}

export function taskSummary(task: TaskRecord): TaskSummaryT {
  return {
    taskId: task.taskId,
    step: task.step,
    status: task.status,
    attempt: task.attempt,
    index: foreachIndex(task),
    queuedAt: task.queuedAt,
    startedAt: task.startedAt,
    endedAt: task.endedAt,
    durationMs: task.startedAt !== null && task.endedAt !== null ? task.endedAt - task.startedAt : null,
    error: task.error ? `${task.error.type}: ${task.error.message}` : null,
  };
}

/** Replaces non-finite numbers anywhere in a value with their string names (JSON cannot carry them). */
export function finite(value: unknown): unknown {
  if (typeof value === 'number') return jsonNumber(value);
  if (Array.isArray(value)) return value.map(finite);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, finite(v)]));
  return value;
}
