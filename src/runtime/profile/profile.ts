/**
 * `profileRun`: everything `sluice profile` shows, computed from a run's records (pure: the
 * caller loads them; see load.ts for loading from a store).
 */
import type { EventRecord, RunRecord, TaskRecord } from '../../store/types.js';
import { batchSummaries, criticalPath, mapSummaries, maxConcurrency, stepProfiles, taskMs, taskSpan } from './analyze.js';
import { predictResources } from './predict.js';
import { suggest } from './suggest.js';
import type { RunProfile } from './types.js';

export interface ProfileInput {
  readonly run: RunRecord;
  readonly tasks: readonly TaskRecord[];
  /** The run's events (for recorded map plans and the pool size). */
  readonly events?: readonly EventRecord[];
  /** Earlier runs of the same flow, for resource predictions. */
  readonly past?: readonly { readonly run: RunRecord; readonly tasks: readonly TaskRecord[] }[];
  /** Pool size, when known better than the records tell. */
  readonly workers?: number;
  /** Cores of the machine the run used (suggestions do not ask for more workers than cores). */
  readonly cores?: number;
}

/** The pool size the run recorded at start, if it did. */
function recordedWorkers(events: readonly EventRecord[]): number | undefined {
  const started = events.find((e) => e.kind === 'run-started');
  const w = started?.payload.workers;
  return typeof w === 'number' && w > 0 ? w : undefined;
}

export function profileRun(input: ProfileInput): RunProfile {
  const { run, tasks } = input;
  const events = input.events ?? [];
  const span = taskSpan(tasks);
  const critical = criticalPath(tasks);
  const steps = stepProfiles(run, tasks, critical.perStep, span.ms);
  const concurrency = maxConcurrency(tasks);
  const recorded = recordedWorkers(events);
  const workers = input.workers ?? recorded ?? Math.max(1, concurrency);
  const workersSource = input.workers !== undefined ? 'given' : recorded !== undefined ? 'recorded' : 'inferred';
  const busyMs = tasks.reduce((s, t) => s + taskMs(t), 0);
  const parallelEfficiency = span.ms > 0 ? Math.min(1, busyMs / (workers * span.ms)) : 0;
  const top = [...steps].sort((a, b) => b.criticalMs - a.criticalMs)[0];
  const maps = mapSummaries(events);
  const batches = batchSummaries(events, tasks);
  const predictions = predictResources(run, tasks, input.past ?? []);
  const base = {
    steps,
    workers,
    taskSpanMs: span.ms,
    busyMs,
    parallelEfficiency,
    critical: { totalMs: critical.totalMs, segments: critical.segments },
    maps,
    batches,
    predictions,
    cores: input.cores,
  };
  return {
    flow: run.flow,
    runId: run.runId,
    status: run.status,
    runWallMs: run.endedAt !== null ? run.endedAt - run.createdAt : null,
    taskSpanMs: span.ms,
    tasks: tasks.length,
    measuredTasks: tasks.filter((t) => t.stats).length,
    steps,
    criticalPath: { totalMs: critical.totalMs, segments: critical.segments },
    workers,
    workersSource,
    busyMs,
    parallelEfficiency,
    maxConcurrency: concurrency,
    bottleneck: top && top.criticalMs > 0 ? { step: top.step, criticalMs: top.criticalMs, share: critical.totalMs > 0 ? top.criticalMs / critical.totalMs : 0 } : null,
    maps,
    batches,
    suggestions: suggest(base),
    predictions,
  };
}
