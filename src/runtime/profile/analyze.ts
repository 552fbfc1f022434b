/**
 * Where a run's time went, from its recorded task stats: per-step totals, the critical path
 * through the task DAG (parent task ids), parallel efficiency, and the bottleneck step.
 */
import type { EventRecord, RunRecord, TaskRecord } from '../../store/types.js';
import { median } from '../stats.js';
import type { BatchSummary, CriticalSegment, DeclaredResources, MapSummary, StepProfile } from './types.js';

/** Wall time of a task (ms), 0 when it never started or ended. */
export function taskMs(t: TaskRecord): number {
  return t.startedAt !== null && t.endedAt !== null ? Math.max(0, t.endedAt - t.startedAt) : 0;
}

interface GraphStep {
  readonly name: string;
  readonly kind: StepProfile['kind'];
  readonly declared: DeclaredResources | null;
}

/** Steps in graph order with their kind and declared resources (from the run's stored graph). */
export function graphSteps(run: RunRecord): GraphStep[] {
  return (run.graph?.steps ?? []).map((s) => {
    const options = (s.options ?? {}) as { resources?: DeclaredResources };
    const r = options.resources;
    const declared = r && typeof r === 'object' ? { cpu: num(r.cpu), memoryMiB: num(r.memoryMiB), gpu: num(r.gpu) } : null;
    return { name: s.name, kind: s.kind, declared };
  });
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** First task start to last task end (ms). */
export function taskSpan(tasks: readonly TaskRecord[]): { start: number; end: number; ms: number } {
  let start = Infinity;
  let end = -Infinity;
  for (const t of tasks) {
    if (t.startedAt !== null) start = Math.min(start, t.startedAt);
    if (t.endedAt !== null) end = Math.max(end, t.endedAt);
  }
  return Number.isFinite(start) && Number.isFinite(end) ? { start, end, ms: Math.max(0, end - start) } : { start: 0, end: 0, ms: 0 };
}

/** Most tasks running at the same moment. */
export function maxConcurrency(tasks: readonly TaskRecord[]): number {
  const edges: [number, number][] = [];
  for (const t of tasks) {
    if (t.startedAt === null || t.endedAt === null) continue;
    edges.push([t.startedAt, 1], [t.endedAt, -1]);
  }
  // Ends before starts at the same instant: a task handed to a freed worker is not concurrent with the one before.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (now += d));
  return max;
}

/**
 * The longest chain of task durations through the DAG (parents → children): the run's length
 * with unlimited workers. Returned as consecutive steps with their tasks.
 */
export function criticalPath(tasks: readonly TaskRecord[]): { totalMs: number; segments: CriticalSegment[]; perStep: Map<string, number> } {
  const byId = new Map(tasks.map((t) => [t.taskId, t]));
  const finish = new Map<number, number>();
  const via = new Map<number, number | undefined>();
  const ordered = [...tasks].sort((a, b) => a.taskId - b.taskId);
  // Task ids are assigned as tasks are created, after their parents finished: parents come first
  // in id order, so one pass suffices (no recursion, whatever the run's depth).
  let endId: number | undefined;
  let totalMs = 0;
  for (const t of ordered) {
    let best = 0;
    let from: number | undefined;
    for (const p of t.parentTaskIds) {
      const f = finish.get(p);
      if (f === undefined) continue;
      if (f > best || from === undefined) {
        best = f;
        from = p;
      }
    }
    const f = best + taskMs(t);
    finish.set(t.taskId, f);
    via.set(t.taskId, from);
    if (endId === undefined || f >= totalMs) {
      totalMs = f;
      endId = t.taskId;
    }
  }
  const chain: TaskRecord[] = [];
  for (let id = endId; id !== undefined; id = via.get(id)) chain.push(byId.get(id)!);
  chain.reverse();
  const segments: { step: string; taskIds: number[]; ms: number }[] = [];
  const perStep = new Map<string, number>();
  for (const t of chain) {
    const ms = taskMs(t);
    perStep.set(t.step, (perStep.get(t.step) ?? 0) + ms);
    const last = segments[segments.length - 1];
    if (last && last.step === t.step) {
      last.taskIds.push(t.taskId);
      last.ms += ms;
    } else segments.push({ step: t.step, taskIds: [t.taskId], ms });
  }
  return { totalMs, segments, perStep };
}

/** Per-step totals, in graph order (steps missing from the graph last, in first-task order). */
export function stepProfiles(run: RunRecord, tasks: readonly TaskRecord[], critical: Map<string, number>, spanMs: number): StepProfile[] {
  const graph = graphSteps(run);
  const byStep = new Map<string, TaskRecord[]>();
  for (const t of [...tasks].sort((a, b) => a.taskId - b.taskId)) {
    const list = byStep.get(t.step);
    if (list) list.push(t);
    else byStep.set(t.step, [t]);
  }
  const names = [...graph.map((g) => g.name).filter((n) => byStep.has(n)), ...[...byStep.keys()].filter((n) => !graph.some((g) => g.name === n))];
  return names.map((step) => {
    const list = byStep.get(step)!;
    const g = graph.find((s) => s.name === step);
    const sum = (f: (t: TaskRecord) => number): number => list.reduce((s, t) => s + f(t), 0);
    const durations = list.map(taskMs);
    const wallMs = sum(taskMs);
    const userMs = sum((t) => t.stats?.userMs ?? 0);
    const cpuMs = sum((t) => (t.stats ? t.stats.cpuUserMs + t.stats.cpuSystemMs : 0));
    const loadMs = sum((t) => t.stats?.loadMs ?? 0);
    const storeMs = sum((t) => t.stats?.storeMs ?? 0);
    const measuredWall = sum((t) => (t.stats ? taskMs(t) : 0));
    const maxAt = durations.indexOf(Math.max(...durations));
    const span = taskSpan(list);
    return {
      step,
      kind: g?.kind ?? 'unknown',
      tasks: list.length,
      failed: list.filter((t) => t.status === 'failed').length,
      wallMs,
      userMs,
      cpuMs,
      loadMs,
      storeMs,
      otherMs: Math.max(0, measuredWall - userMs - loadMs - storeMs),
      bytesRead: sum((t) => t.stats?.bytesRead ?? 0),
      bytesWritten: sum((t) => t.stats?.bytesWritten ?? 0),
      peakRssBytes: Math.max(0, ...list.map((t) => t.stats?.peakRssBytes ?? 0)),
      peakHeapBytes: Math.max(0, ...list.map((t) => t.stats?.peakHeapBytes ?? 0)),
      spanMs: span.ms,
      share: spanMs > 0 ? span.ms / spanMs : 0,
      medianTaskMs: median(durations),
      maxTaskMs: durations[maxAt] ?? 0,
      maxTaskId: list[maxAt]?.taskId ?? null,
      criticalMs: critical.get(step) ?? 0,
      coresUsed: measuredWall > 0 ? cpuMs / measuredWall : 0,
      declared: g?.declared ?? null,
    };
  });
}

/** The maps tasks recorded (`planner.map` events). */
export function mapSummaries(events: readonly EventRecord[]): MapSummary[] {
  return events
    .filter((e) => e.kind === 'planner.map')
    .map((e) => {
      const p = e.payload as { step?: string; taskId?: number; plan?: Record<string, any> };
      const plan = p.plan ?? {};
      return {
        step: String(p.step ?? '?'),
        taskId: Number(p.taskId ?? 0),
        label: String(plan.label ?? '?'),
        items: Number(plan.items ?? 0),
        mode: plan.mode === 'parallel' ? 'parallel' : 'serial',
        workers: Number(plan.workers ?? 0),
        chunkSize: Number(plan.chunkSize ?? 0),
        estimatedSpeedup: Number(plan.estimate?.speedup ?? 1),
        realisedSpeedup: typeof plan.realised?.speedup === 'number' ? plan.realised.speedup : null,
        wallMs: typeof plan.realised?.wallMs === 'number' ? plan.realised.wallMs : null,
      } satisfies MapSummary;
    });
}

/** Foreach steps sized by `batch: 'auto'` (`batch-plan` events), with how many batches went out and the step's span. */
export function batchSummaries(events: readonly EventRecord[], tasks: readonly TaskRecord[]): BatchSummary[] {
  const batches = new Map<string, number>();
  for (const e of events) if (e.kind === 'task-batch') batches.set(String(e.payload.step), (batches.get(String(e.payload.step)) ?? 0) + 1);
  return events
    .filter((e) => e.kind === 'batch-plan')
    .map((e) => {
      const p = e.payload as { step?: string; batchSize?: number; items?: number; itemMs?: number; overheadMs?: number; plan?: { totalMs?: number; speedup?: number } };
      const step = String(p.step ?? '?');
      const mine = tasks.filter((t) => t.step === step && t.startedAt !== null && t.endedAt !== null);
      const spanMs = mine.length > 0 ? Math.max(...mine.map((t) => t.endedAt!)) - Math.min(...mine.map((t) => t.startedAt!)) : 0;
      return {
        step,
        batchSize: Number(p.batchSize ?? 1),
        items: Number(p.items ?? 0),
        itemMs: Number(p.itemMs ?? 0),
        overheadMs: Number(p.overheadMs ?? 0),
        estimatedMs: Number(p.plan?.totalMs ?? 0),
        estimatedSpeedup: Number(p.plan?.speedup ?? 1),
        batches: batches.get(step) ?? 0,
        spanMs,
      } satisfies BatchSummary;
    });
}
