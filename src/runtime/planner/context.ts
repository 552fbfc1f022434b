/**
 * `ctx.map` inside a step: the planned map with the run's store home for its machine facts, and
 * the plan (with its realised speedup) recorded with the task as a `planner.map` event.
 * Imported once by the coordinator (run.ts) and by pool workers (worker-main.ts).
 */
import type { ParamSpecs } from '../../flow/params.js';
import { registerRecordHandler } from '../records.js';
import { registerContextExtension } from '../task-runner.js';
import { map, planMap, type MapPlan } from './map.js';
import type { ParallelFn } from './parallel.js';
import { MAP_RECORD, type MapOptions, type MapPlanData } from './types.js';

export { MAP_RECORD };

type MapFn<I, R, S> = ParallelFn<I, R, S> | ((item: I, index: number, shared: S) => R | Promise<R>);

/** `ctx.map(items, fn, options)` and `ctx.map.plan(...)`. */
export interface ContextMap {
  /**
   * Maps `fn` over `items` with workers and chunk size chosen from a short dry run (or serially
   * when parallel would not pay). `fn` must come from `parallel()` to run in workers.
   */
  <I, R, S = undefined>(items: readonly I[], fn: MapFn<I, R, S>, options?: MapOptions<S>): Promise<R[]>;
  /** Plans without running the rest: inspect `explain()`, then `run()`. */
  plan<I, R, S = undefined>(items: readonly I[], fn: MapFn<I, R, S>, options?: MapOptions<S>): Promise<MapPlan<R>>;
}

declare module '../../flow/types.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface StepContextBase<P extends ParamSpecs> {
    /** Planned parallel map (see `parallel()`); records each plan with the task. */
    readonly map: ContextMap;
  }
}

/** What a task stores about one map: the plan data plus where it ran. */
export interface MapRecord {
  readonly step: string;
  readonly taskId: number;
  readonly plan: MapPlanData;
}

registerContextExtension((base, task) => {
  const withDefaults = <S>(options: MapOptions<S> = {}): MapOptions<S> => ({
    home: task.run.home,
    ...options,
    onRealised: (plan) => {
      task.emit(MAP_RECORD, plan);
      options.onRealised?.(plan);
    },
  });
  const ctxMap = (<I, R, S>(items: readonly I[], fn: MapFn<I, R, S>, options?: MapOptions<S>) =>
    map(items, fn, withDefaults(options))) as ContextMap;
  ctxMap.plan = (items, fn, options) => planMap(items, fn, withDefaults(options));
  base.map = ctxMap;
});

registerRecordHandler(MAP_RECORD, (source, records) =>
  records.map((record) => ({
    op: 'event' as const,
    runId: source.runId,
    time: record.time,
    kind: MAP_RECORD,
    payload: { step: source.step, taskId: source.taskId, plan: record.data as MapPlanData } satisfies MapRecord as unknown as Record<string, unknown>,
  })),
);
