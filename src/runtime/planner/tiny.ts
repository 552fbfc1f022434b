/**
 * The fast path of `map()`: a map nobody asked to explain or watch runs its middle item; if the
 * whole list is obviously too small to split, the rest runs at once in a plain loop — no plan
 * object, no machine reads, nothing recorded. Otherwise the item counts as the dry run's first.
 *
 * It runs synchronously for as long as the function does: a tiny map of a few hundred
 * microseconds must stay within a few percent of the caller's own loop, and every `await` on the
 * way (and a loop inside an async function) was measurable against that.
 */
import { MapItemError } from './execute.js';
import { lastKnownStartMs } from './machine.js';
import { isParallelFn, isThenable, type ParallelFn } from './parallel.js';
import { mapPool } from './pool.js';
import type { MapOptions } from './types.js';

/** A map's function: registered with `parallel()` (may run in workers) or plain (runs here). */
export type AnyFn<I, R, S> = ParallelFn<I, R, S> | ((item: I, index: number, shared: S) => R | Promise<R>);

const QUICK_WARM_MS = 2;
/** With no measured start-up known in this process: a bare worker thread alone takes ~30-50 ms to start. */
const QUICK_COLD_MS = 20;

/** Below this much work in all (ms) nothing could pay for a worker (half a cold start; round trips when warm). */
export function quickThreshold(warm: number): number {
  if (warm > 0) return QUICK_WARM_MS;
  const known = lastKnownStartMs();
  return known !== undefined ? Math.max(QUICK_COLD_MS, 0.5 * known) : QUICK_COLD_MS;
}

function checkCount(label: string, name: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    throw new RangeError(`map '${label}': option ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
}

export function checkOptions(label: string, options: MapOptions<any>): void {
  checkCount(label, 'sample', options.sample, 1);
  checkCount(label, 'maxWorkers', options.maxWorkers, 1);
  checkCount(label, 'workers', options.workers, 0);
  checkCount(label, 'chunkSize', options.chunkSize, 1);
}

/** An item `map()` already ran before deciding to plan (counted as the dry run's first). */
export interface FirstItem {
  readonly index: number;
  readonly result: unknown;
  readonly ms: number;
  readonly async: boolean;
}

/** What the fast path decided: all results (the map is done), or the first item for the planner. */
export interface TinyOutcome<R> {
  readonly results?: R[];
  readonly first?: FirstItem;
}

/** A {@link TinyOutcome} now, or (once an item returned a promise) later. */
export type TinyStart<R> = TinyOutcome<R> | { readonly pending: Promise<TinyOutcome<R>> };

interface Run<I, R, S> {
  readonly items: readonly I[];
  readonly fn: AnyFn<I, R, S>;
  readonly options: MapOptions<S>;
}

/** The name a map goes by in its errors and explanations: its label, or its function's name. */
export function mapLabel(fn: AnyFn<any, any, any>, options: MapOptions<any>): string {
  return options.label ?? (isParallelFn(fn) ? fn.parallelName : fn.name || 'anonymous');
}

function itemError<I, R, S>(run: Run<I, R, S>, index: number, error: unknown): MapItemError {
  return new MapItemError(mapLabel(run.fn, run.options), index, run.items.length, run.items[index], error);
}

/**
 * Runs the fast path as far as it goes without waiting. Throws what the map would reject with
 * (bad options, a failing item as a MapItemError naming its index).
 */
export function startTiny<I, R, S>(items: readonly I[], fn: AnyFn<I, R, S>, options: MapOptions<S>): TinyStart<R> {
  if (!Array.isArray(items) || typeof fn !== 'function' || items.length === 0) return {};
  checkOptions(options.label ?? 'map', options);
  if (options.workers !== undefined || options.explain || options.onPlan || options.onProgress || options.progress === true || options.signal) return {};
  const run: Run<I, R, S> = { items, fn, options };
  // The middle item: a list sorted by cost is judged by a typical item, not its cheapest.
  const index = Math.min(items.length - 1, Math.floor(0.5 * items.length));
  const t0 = performance.now();
  let result: unknown;
  try {
    result = fn(items[index]!, index, options.shared as S);
  } catch (error) {
    throw itemError(run, index, error);
  }
  if (isThenable(result)) return { pending: afterAsyncFirst(run, index, t0, result) };
  return afterFirst(run, index, performance.now() - t0, result, false);
}

async function afterAsyncFirst<I, R, S>(run: Run<I, R, S>, index: number, t0: number, promise: PromiseLike<unknown>): Promise<TinyOutcome<R>> {
  let result: unknown;
  try {
    result = await promise;
  } catch (error) {
    throw itemError(run, index, error);
  }
  const next = afterFirst(run, index, performance.now() - t0, result, true);
  return 'pending' in next ? next.pending : next;
}

function afterFirst<I, R, S>(run: Run<I, R, S>, index: number, ms: number, result: unknown, isAsync: boolean): TinyStart<R> {
  const n = run.items.length;
  const warm = isParallelFn(run.fn) ? mapPool().warm(run.fn.module) : 0;
  if (n * ms >= quickThreshold(warm)) return { first: { index, result, ms, async: isAsync } };
  const results = new Array<R>(n);
  results[index] = result as R;
  const stopped = runLoop(run, results, index, 0);
  return stopped ? { pending: awaitRest(run, results, index, stopped) } : { results };
}

/** Runs items from `from` on (all but `skip`) in a plain loop; stops at the first that returns a promise. */
function runLoop<I, R, S>(run: Run<I, R, S>, results: R[], skip: number, from: number): { at: number; promise: PromiseLike<unknown> } | undefined {
  const { items, fn } = run;
  const shared = run.options.shared as S;
  for (let i = from; i < items.length; i++) {
    if (i === skip) continue;
    let r: unknown;
    try {
      r = fn(items[i]!, i, shared);
    } catch (error) {
      throw itemError(run, i, error);
    }
    if (isThenable(r)) return { at: i, promise: r };
    results[i] = r as R;
  }
  return undefined;
}

async function awaitRest<I, R, S>(run: Run<I, R, S>, results: R[], skip: number, stopped: { at: number; promise: PromiseLike<unknown> }): Promise<TinyOutcome<R>> {
  for (let next: typeof stopped | undefined = stopped; next; next = runLoop(run, results, skip, next.at + 1)) {
    try {
      results[next.at] = (await next.promise) as R;
    } catch (error) {
      throw itemError(run, next.at, error);
    }
  }
  return { results };
}
