/**
 * Resource predictions from history: for a step that ran before, how much memory and time its
 * tasks will need at a given input size (artifact bytes a task reads). With tasks at several input
 * sizes a line is fitted (peak = base + slope × input); with one size, the past peak above the
 * process's baseline memory is scaled by the input ratio.
 */
import type { RunRecord, TaskRecord } from '../../store/types.js';
import { graphSteps, taskMs } from './analyze.js';
import type { ResourcePrediction } from './types.js';

/** One task's input size and what it used. */
export interface UsagePoint {
  readonly inputBytes: number;
  readonly peakRssBytes: number;
  readonly wallMs: number;
}

/** Least-squares line y = a + b·x, or undefined with fewer than two distinct x. */
export function fitLine(points: readonly { x: number; y: number }[]): { a: number; b: number } | undefined {
  const xs = new Set(points.map((p) => p.x));
  if (xs.size < 2) return undefined;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  return { a: my - b * mx, b };
}

/**
 * Predicted peak memory and wall time per task at `inputBytes`. `baselineBytes` is memory a
 * worker holds regardless of input (it is not scaled).
 */
export function predictUsage(points: readonly UsagePoint[], inputBytes: number, baselineBytes = 0): { peakRssBytes: number; wallMs: number; method: 'fit' | 'scaled' } {
  const peakLine = fitLine(points.map((p) => ({ x: p.inputBytes, y: p.peakRssBytes })));
  const wallLine = fitLine(points.map((p) => ({ x: p.inputBytes, y: p.wallMs })));
  if (peakLine && wallLine && peakLine.b >= 0) {
    // A peak never shrinks below what the biggest task at or under this size needed.
    const floor = Math.max(0, ...points.filter((p) => p.inputBytes <= inputBytes).map((p) => p.peakRssBytes));
    return {
      peakRssBytes: Math.max(floor, peakLine.a + peakLine.b * inputBytes),
      wallMs: Math.max(0, wallLine.a + Math.max(0, wallLine.b) * inputBytes),
      method: 'fit',
    };
  }
  // One input size seen: scale the part above the baseline by the input ratio.
  const ref = points.reduce((m, p) => (p.peakRssBytes > m.peakRssBytes ? p : m), points[0]!);
  const ratio = ref.inputBytes > 0 ? inputBytes / ref.inputBytes : 1;
  const wall = Math.max(...points.map((p) => p.wallMs));
  return {
    peakRssBytes: baselineBytes + Math.max(0, ref.peakRssBytes - baselineBytes) * ratio,
    wallMs: wall * ratio,
    method: 'scaled',
  };
}

function points(tasks: readonly TaskRecord[], step: string): UsagePoint[] {
  return tasks
    .filter((t) => t.step === step && t.status === 'done' && t.stats)
    .map((t) => ({ inputBytes: t.stats!.bytesRead, peakRssBytes: t.stats!.peakRssBytes, wallMs: taskMs(t) }));
}

/** Memory a worker holds before any input: the smallest peak any task of the runs reached. */
function baseline(all: readonly TaskRecord[]): number {
  const peaks = all.map((t) => t.stats?.peakRssBytes ?? 0).filter((v) => v > 0);
  return peaks.length ? Math.min(...peaks) : 0;
}

/** Predictions for every step of `run` that has measured tasks, from `past` runs of the same flow. */
export function predictResources(run: RunRecord, tasks: readonly TaskRecord[], past: readonly { readonly tasks: readonly TaskRecord[] }[]): ResourcePrediction[] {
  const steps = [...new Set(tasks.map((t) => t.step))];
  const graph = graphSteps(run);
  const base = baseline([...tasks, ...past.flatMap((p) => p.tasks)]);
  const out: ResourcePrediction[] = [];
  for (const step of steps) {
    const now = points(tasks, step);
    if (now.length === 0) continue;
    const pastRuns = past.filter((p) => points(p.tasks, step).length > 0);
    const before = pastRuns.flatMap((p) => points(p.tasks, step));
    const inputBytes = Math.max(...now.map((p) => p.inputBytes));
    const actual = { peakRssBytes: Math.max(...now.map((p) => p.peakRssBytes)), wallMs: Math.max(...now.map((p) => p.wallMs)) };
    const predictedForThisRun = before.length ? predictUsage(before, inputBytes, base) : null;
    const next = before.length ? predictUsage([...before, ...now], inputBytes, base) : { ...actual, method: 'this run' as const };
    out.push({
      step,
      pastRuns: pastRuns.length,
      inputBytes,
      peakRssBytes: next.peakRssBytes,
      wallMs: next.wallMs,
      method: next.method,
      predictedForThisRun: predictedForThisRun && { peakRssBytes: predictedForThisRun.peakRssBytes, wallMs: predictedForThisRun.wallMs },
      actual,
      declared: graph.find((g) => g.name === step)?.declared ?? null,
    });
  }
  return out;
}
