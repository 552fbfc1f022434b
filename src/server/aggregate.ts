/**
 * Run-level aggregates computed from a run's task records, so the UI never receives a run's
 * tasks in bulk: per-step counts, timings and resource totals; the critical path; and the Gantt
 * timeline, where a step with many tasks becomes a concurrency profile instead of bars.
 */
import type { TaskRecord, TaskStatus } from '../store/types.js';

export type StatusCounts = Record<TaskStatus, number>;

/** One step of a run, summarised over its tasks. */
export interface StepSummary {
  readonly name: string;
  readonly counts: StatusCounts;
  readonly total: number;
  /** Earliest start and latest end over the step's tasks. */
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  /** Task durations (finished tasks only). */
  readonly durationSumMs: number;
  readonly durationMeanMs: number | null;
  readonly durationMaxMs: number | null;
  /** Tasks that needed more than one attempt. */
  readonly retried: number;
  /** Resource use summed over tasks (peaks: the maximum), when measured. */
  readonly cpuMs: number;
  readonly peakRssBytes: number;
  readonly bytesRead: number;
  readonly bytesWritten: number;
}

export function emptyCounts(): StatusCounts {
  return { pending: 0, running: 0, done: 0, failed: 0 };
}

/** Summaries per step, in `order` first (the graph's order), then any other step seen. */
export function summarizeSteps(tasks: readonly TaskRecord[], order: readonly string[] = []): StepSummary[] {
  interface Acc {
    counts: StatusCounts;
    startedAt: number | null;
    endedAt: number | null;
    sum: number;
    finished: number;
    max: number | null;
    retried: number;
    cpu: number;
    rss: number;
    read: number;
    written: number;
  }
  const byStep = new Map<string, Acc>();
  for (const name of order) byStep.set(name, newAcc());
  function newAcc(): Acc {
    return { counts: emptyCounts(), startedAt: null, endedAt: null, sum: 0, finished: 0, max: null, retried: 0, cpu: 0, rss: 0, read: 0, written: 0 };
  }
  for (const task of tasks) {
    let acc = byStep.get(task.step);
    if (!acc) byStep.set(task.step, (acc = newAcc()));
    acc.counts[task.status]++;
    if (task.startedAt !== null && (acc.startedAt === null || task.startedAt < acc.startedAt)) acc.startedAt = task.startedAt;
    if (task.endedAt !== null && (acc.endedAt === null || task.endedAt > acc.endedAt)) acc.endedAt = task.endedAt;
    if (task.startedAt !== null && task.endedAt !== null) {
      const d = task.endedAt - task.startedAt;
      acc.sum += d;
      acc.finished++;
      if (acc.max === null || d > acc.max) acc.max = d;
    }
    if (task.attempt > 0) acc.retried++;
    const stats = task.stats;
    if (stats) {
      acc.cpu += stats.cpuUserMs + stats.cpuSystemMs;
      acc.rss = Math.max(acc.rss, stats.peakRssBytes);
      acc.read += stats.bytesRead;
      acc.written += stats.bytesWritten;
    }
  }
  return [...byStep.entries()].map(([name, acc]) => ({
    name,
    counts: acc.counts,
    total: acc.counts.pending + acc.counts.running + acc.counts.done + acc.counts.failed,
    startedAt: acc.startedAt,
    endedAt: acc.endedAt,
    durationSumMs: acc.sum,
    durationMeanMs: acc.finished > 0 ? acc.sum / acc.finished : null,
    durationMaxMs: acc.max,
    retried: acc.retried,
    cpuMs: acc.cpu,
    peakRssBytes: acc.rss,
    bytesRead: acc.read,
    bytesWritten: acc.written,
  }));
}

/** A task on the critical path. */
export interface PathTask {
  readonly step: string;
  readonly taskId: number;
  readonly startedAt: number;
  readonly endedAt: number;
}

/**
 * The chain of tasks that decided when the run finished: from the end task (or the task that
 * ended last) back through, at each task, the parent that finished last. Running tasks count as
 * ending `now`. Tasks that never started are not on it.
 */
export function criticalPath(tasks: readonly TaskRecord[], now: number = Date.now()): PathTask[] {
  const byId = new Map<number, TaskRecord>();
  for (const task of tasks) byId.set(task.taskId, task);
  const endOf = (task: TaskRecord): number => task.endedAt ?? (task.startedAt !== null ? now : -Infinity);
  let last: TaskRecord | undefined;
  for (const task of tasks) {
    if (task.startedAt === null) continue;
    if (task.step === 'end' && task.status === 'done') {
      last = task;
      break;
    }
    if (!last || endOf(task) > endOf(last) || (endOf(task) === endOf(last) && task.taskId > last.taskId)) last = task;
  }
  const path: PathTask[] = [];
  const visited = new Set<number>();
  let current = last;
  while (current && current.startedAt !== null && !visited.has(current.taskId)) {
    visited.add(current.taskId);
    path.push({ step: current.step, taskId: current.taskId, startedAt: current.startedAt, endedAt: endOf(current) });
    let next: TaskRecord | undefined;
    for (const id of current.parentTaskIds) {
      const parent = byId.get(id);
      if (parent && parent.startedAt !== null && (!next || endOf(parent) > endOf(next))) next = parent;
    }
    current = next;
  }
  return path.reverse();
}

/** One task bar of the timeline. */
export interface TimelineBar {
  readonly taskId: number;
  readonly status: TaskStatus;
  readonly startedAt: number;
  /** `now` for a task still running. */
  readonly endedAt: number;
  /** Row within the step (tasks that overlap in time get different lanes). */
  readonly lane: number;
  readonly critical: boolean;
}

/** A step's row in the timeline: bars when it has few tasks, a concurrency profile otherwise. */
export interface TimelineStep {
  readonly step: string;
  readonly total: number;
  readonly started: number;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly mode: 'bars' | 'density';
  /** bars mode: every started task; density mode: only the critical ones. */
  readonly bars: TimelineBar[];
  readonly lanes: number;
  /** density mode: mean number of running tasks in each of `buckets` equal time slices of the run. */
  readonly density: number[] | null;
  /** density mode: largest number of tasks running at once. */
  readonly peak: number | null;
}

export interface Timeline {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly buckets: number;
  readonly steps: TimelineStep[];
  readonly criticalPath: PathTask[];
  /** Sum of critical-path task durations, and the whole span. */
  readonly criticalMs: number;
}

export interface TimelineOptions {
  /** Steps with at most this many started tasks are drawn task by task. */
  readonly maxBars?: number;
  /** Time slices of the concurrency profile. */
  readonly buckets?: number;
  readonly now?: number;
  readonly order?: readonly string[];
}

/** Greedy interval packing: each bar goes to the first lane free at its start. */
function packLanes(bars: { startedAt: number; endedAt: number; lane: number }[]): number {
  const laneEnds: number[] = [];
  for (const bar of bars) {
    let lane = laneEnds.findIndex((end) => end <= bar.startedAt);
    if (lane < 0) lane = laneEnds.push(0) - 1;
    laneEnds[lane] = bar.endedAt;
    bar.lane = lane;
  }
  return laneEnds.length;
}

/** Largest number of intervals open at once (a sweep over starts and ends). */
function peakOverlap(intervals: readonly { startedAt: number; endedAt: number }[]): number {
  const points: [number, number][] = [];
  for (const i of intervals) points.push([i.startedAt, 1], [i.endedAt, -1]);
  // Ends before starts at the same instant: back-to-back tasks do not overlap.
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let peak = 0;
  for (const [, delta] of points) {
    open += delta;
    if (open > peak) peak = open;
  }
  return peak;
}

/** The Gantt data of a run. */
export function buildTimeline(tasks: readonly TaskRecord[], options: TimelineOptions = {}): Timeline {
  const now = options.now ?? Date.now();
  const maxBars = options.maxBars ?? 200;
  const buckets = options.buckets ?? 200;
  const path = criticalPath(tasks, now);
  const critical = new Set(path.map((p) => p.taskId));
  let start = Infinity;
  let end = -Infinity;
  const byStep = new Map<string, TaskRecord[]>();
  for (const name of options.order ?? []) byStep.set(name, []);
  for (const task of tasks) {
    let list = byStep.get(task.step);
    if (!list) byStep.set(task.step, (list = []));
    list.push(task);
    if (task.startedAt !== null) {
      start = Math.min(start, task.startedAt);
      end = Math.max(end, task.endedAt ?? now);
    }
  }
  if (start === Infinity) {
    start = now;
    end = now;
  }
  const span = Math.max(1, end - start);
  const bucketMs = span / buckets;
  const steps: TimelineStep[] = [];
  for (const [step, list] of byStep) {
    const started = list.filter((t) => t.startedAt !== null);
    const bars = started
      .map((t) => ({ taskId: t.taskId, status: t.status, startedAt: t.startedAt!, endedAt: t.endedAt ?? now, lane: 0, critical: critical.has(t.taskId) }))
      .sort((a, b) => a.startedAt - b.startedAt || a.taskId - b.taskId);
    const first = bars[0]?.startedAt ?? null;
    const last = bars.length > 0 ? bars.reduce((m, b) => Math.max(m, b.endedAt), -Infinity) : null;
    if (bars.length <= maxBars) {
      const lanes = packLanes(bars);
      steps.push({ step, total: list.length, started: bars.length, startedAt: first, endedAt: last, mode: 'bars', bars, lanes, density: null, peak: null });
      continue;
    }
    const density = new Array<number>(buckets).fill(0);
    for (const bar of bars) {
      const a = (bar.startedAt - start) / bucketMs;
      const b = (bar.endedAt - start) / bucketMs;
      for (let i = Math.max(0, Math.floor(a)); i < Math.min(buckets, Math.ceil(b)); i++) {
        density[i]! += Math.min(b, i + 1) - Math.max(a, i);
      }
    }
    const shown = bars.filter((b) => b.critical).map((b) => ({ ...b, lane: 0 }));
    steps.push({
      step,
      total: list.length,
      started: bars.length,
      startedAt: first,
      endedAt: last,
      mode: 'density',
      bars: shown,
      lanes: 1,
      density: density.map((d) => Math.round(d * 100) / 100),
      peak: peakOverlap(bars),
    });
  }
  const criticalMs = path.reduce((sum, p) => sum + (p.endedAt - p.startedAt), 0);
  return { startedAt: start, endedAt: end, buckets, steps, criticalPath: path, criticalMs };
}

/** The innermost foreach index of a task, or null outside any foreach. */
export function foreachIndex(task: TaskRecord): number | null {
  for (let i = task.foreachStack.length - 1; i >= 0; i--) {
    const frame = task.foreachStack[i]!;
    if (frame.kind === 'foreach') return frame.index;
  }
  return null;
}
