/**
 * Batch sizes for foreach steps with `batch: 'auto'`: how many items one task should carry so a
 * 100,000-item foreach of 1 ms items does not pay the per-task overhead 100,000 times, while tasks
 * stay small enough to balance across workers and to retry or resume cheaply.
 *
 * For n items in batches of b on W workers (T = ⌈n/b⌉ tasks):
 *   task      overhead + b × (item cost + item/result bytes × byte cost)
 *   workers   ⌈T/W⌉ × task + ½ task × (W−1)/W + cv × item × √b      (balance, as for maps)
 *   total     max(workers, T × coordinator cost per task)             (one coordinator commits every task)
 */
import { serialize } from 'node:v8';
import type { TaskStats } from '../../store/types.js';
import { fmtBytes, fmtMs } from './explain.js';

/** Per-task cost of the local pool (dispatch, commit, artifact bookkeeping), ms; measure it when you can. */
export const DEFAULT_TASK_OVERHEAD_MS = 3;
/** Coordinator time per task (it is one thread for the whole run), ms. */
export const DEFAULT_COORDINATOR_MS = 0.5;
/** Storing/loading artifact bytes, ms per byte (about 1 GB/s). */
export const DEFAULT_BYTE_MS = 1e-6;
/** A task should not run longer than this: a retry or a resume repeats a whole task. */
export const MAX_TASK_MS = 30_000;

export interface BatchInput {
  /** Items in the foreach. */
  readonly count: number;
  /** Measured cost of the step per item (ms), and its coefficient of variation when known. */
  readonly itemMs: number;
  readonly cv?: number;
  /** Pool workers running the step's tasks side by side. */
  readonly workers: number;
  /** A few items, to measure their stored size (or give `itemBytes`). */
  readonly sample?: readonly unknown[];
  readonly itemBytes?: number;
  /** Bytes a task stores per item. */
  readonly resultBytes?: number;
  readonly taskOverheadMs?: number;
  readonly coordinatorMs?: number;
  readonly byteMs?: number;
  /** Upper bound on the batch (e.g. a memory limit divided by per-item memory). */
  readonly maxBatch?: number;
}

export interface BatchEstimate {
  readonly batchSize: number;
  readonly tasks: number;
  readonly totalMs: number;
  readonly taskMs: number;
}

export interface BatchPlan extends BatchEstimate {
  /** One task per item, for comparison. */
  readonly unbatchedMs: number;
  /** unbatchedMs / totalMs. */
  readonly speedup: number;
  readonly reasons: readonly string[];
  readonly alternatives: readonly (BatchEstimate & { readonly reason: string })[];
  explain(): string;
}

/** Mean stored size of a sample of values (v8 structured clone, as artifacts are stored by default). */
export function measureBytes(values: readonly unknown[]): number {
  if (values.length === 0) return 0;
  let total = 0;
  for (const v of values) {
    try {
      total += serialize(v).byteLength;
    } catch {
      // Not storable as is: a codec will store it; its size is unknown here.
    }
  }
  return total / values.length;
}

/** Per-item cost of a step from its recorded tasks (one item per task): mean user ms, cv, and stored bytes. */
export function stepCostFromStats(stats: readonly (TaskStats | null | undefined)[]): { itemMs: number; cv: number; resultBytes: number; items: number } | undefined {
  const known = stats.filter((s): s is TaskStats => !!s);
  if (known.length === 0) return undefined;
  const times = known.map((s) => s.userMs);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const sd = Math.sqrt(times.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, times.length - 1));
  return {
    itemMs: mean,
    cv: mean > 0 && times.length > 1 ? sd / mean : 0,
    resultBytes: known.reduce((a, s) => a + s.bytesWritten, 0) / known.length,
    items: known.length,
  };
}

function estimateBatch(input: Required<Omit<BatchInput, 'sample' | 'maxBatch'>>, b: number): BatchEstimate {
  const { count: n, itemMs, cv, workers: W } = input;
  const tasks = Math.ceil(n / b);
  const perItem = itemMs + (input.itemBytes + input.resultBytes) * input.byteMs;
  const taskMs = input.taskOverheadMs + (n / tasks) * perItem;
  const workerMs = Math.ceil(tasks / W) * taskMs + (W > 1 ? (0.5 * taskMs * (W - 1)) / W : 0) + cv * itemMs * Math.sqrt(n / tasks);
  return { batchSize: b, tasks, taskMs, totalMs: Math.max(workerMs, tasks * input.coordinatorMs) };
}

/** Chooses the batch size for a foreach; see the module comment for the model. */
export function planBatch(input: BatchInput): BatchPlan {
  if (!Number.isInteger(input.count) || input.count < 0) throw new RangeError(`planBatch: count must be a non-negative integer, got ${input.count}`);
  if (!Number.isInteger(input.workers) || input.workers < 1) throw new RangeError(`planBatch: workers must be a positive integer, got ${input.workers}`);
  if (!(input.itemMs >= 0)) throw new RangeError(`planBatch: itemMs must be a non-negative number of ms, got ${input.itemMs}`);
  const full = {
    count: input.count,
    itemMs: input.itemMs,
    cv: input.cv ?? 0.5,
    workers: input.workers,
    itemBytes: input.itemBytes ?? measureBytes(input.sample ?? []),
    resultBytes: input.resultBytes ?? 0,
    taskOverheadMs: input.taskOverheadMs ?? DEFAULT_TASK_OVERHEAD_MS,
    coordinatorMs: input.coordinatorMs ?? DEFAULT_COORDINATOR_MS,
    byteMs: input.byteMs ?? DEFAULT_BYTE_MS,
  };
  const n = Math.max(1, full.count);
  const limit = Math.max(1, Math.min(input.maxBatch ?? n, n, Math.floor(MAX_TASK_MS / Math.max(full.itemMs, 1e-6)) || 1));
  const candidates = new Set<number>([1]);
  for (let b = 2; b <= limit; b *= 2) candidates.add(b);
  for (const k of [1, 2, 4, 8, 16, 32]) candidates.add(Math.max(1, Math.min(limit, Math.ceil(n / (full.workers * k)))));
  const all = [...candidates].sort((a, b) => a - b).map((b) => estimateBatch({ ...full, count: n }, b));
  const bestTotal = Math.min(...all.map((e) => e.totalMs));
  // Ties (within 2%) go to the bigger batch. Every item stays its own task (its own retry, resume
  // and progress), so a bigger dispatch costs nothing there; and a dispatch's measured overhead
  // (its latency with cores free) understates its cost on busy cores: 10,000 × 1 ms items on 2
  // workers took 8.0 s in batches of 8, 7.3-7.8 s in batches of 32-64, all within 2% here.
  const ties = all.filter((e) => e.totalMs <= bestTotal * 1.02);
  const best = ties[ties.length - 1]!;
  const unbatched = all[0]!;
  const reasons: string[] = [];
  if (best.batchSize === 1) reasons.push(`items take ${fmtMs(full.itemMs)}: the ${fmtMs(full.taskOverheadMs)} per-task overhead is small next to them`);
  else reasons.push(`a task costs ${fmtMs(full.taskOverheadMs)} of overhead and an item ${fmtMs(full.itemMs)}: ${best.batchSize} items per task amortise it`);
  if (limit < n && best.batchSize === limit) reasons.push(`batches capped at ${limit} items (tasks stay under ${fmtMs(MAX_TASK_MS)}, or maxBatch)`);
  if (best.tasks < full.workers * 4 && best.batchSize > 1) reasons.push(`${best.tasks} tasks for ${full.workers} workers: fewer, bigger tasks would balance worse`);
  const alternatives = all
    .filter((e) => e !== best && (e === unbatched || e.batchSize === all[all.indexOf(best) - 1]?.batchSize || e.batchSize === all[all.indexOf(best) + 1]?.batchSize))
    .map((e) => ({
      ...e,
      reason: e.batchSize < best.batchSize ? `${e.tasks} tasks pay ${fmtMs(e.tasks * full.taskOverheadMs)} of overhead` : `${e.tasks} tasks of ${fmtMs(e.taskMs)} balance worse over ${full.workers} workers`,
    }));
  const plan: BatchPlan = {
    ...best,
    unbatchedMs: unbatched.totalMs,
    speedup: unbatched.totalMs / Math.max(best.totalMs, 1e-9),
    reasons,
    alternatives,
    explain: () =>
      [
        `foreach of ${full.count} items: batches of ${best.batchSize} (${best.tasks} tasks of ~${fmtMs(best.taskMs)}), estimated ${fmtMs(best.totalMs)} on ${full.workers} workers vs ${fmtMs(
          unbatched.totalMs,
        )} one item per task (${plan.speedup.toFixed(2)}×)`,
        `  why: ${reasons.join('; ')}`,
        `  item ${fmtMs(full.itemMs)} (cv ${full.cv.toFixed(2)}${input.cv === undefined ? ', assumed' : ''}), ${fmtBytes(full.itemBytes)} in, ${fmtBytes(full.resultBytes)} out; task overhead ${fmtMs(
          full.taskOverheadMs,
        )}${input.taskOverheadMs === undefined ? ' (default)' : ''}`,
        ...(alternatives.length ? ['  rejected:', ...alternatives.map((a) => `    batches of ${String(a.batchSize).padEnd(8)} ${fmtMs(a.totalMs).padStart(9)}  ${a.reason}`)] : []),
      ].join('\n'),
  };
  return plan;
}
