/**
 * Dispatch batches for foreach steps with `batch` set: how many waiting items of a step one worker
 * gets per dispatch. Every item stays its own task; a batch saves the round trip to the worker
 * (message, wake-up, result) per item, which dominates when items take about a millisecond.
 *
 * `batch: n` dispatches n at a time. `batch: 'auto'` first dispatches items one by one and times
 * them (the first {@link PROBE_ITEMS}): their time in the worker and the rest of each round trip.
 * {@link planBatch} then chooses the size from those measurements; later dispatches take that many,
 * fewer near the end so the last batches still spread over the workers (guided scheduling).
 */
import type { StepOptions } from '../flow/types.js';
import { planBatch, type BatchPlan } from './planner/batch.js';
import { median, meanStd } from './stats.js';

/** Items timed one by one before a step's batch size is chosen (the planner's default sample). */
export const PROBE_ITEMS = 5;

/** A step's chosen batch size and what it was chosen from. */
export interface BatchDecision {
  readonly step: string;
  readonly batchSize: number;
  readonly itemMs: number;
  readonly cv: number;
  readonly overheadMs: number;
  readonly items: number;
  readonly workers: number;
  readonly plan: Omit<BatchPlan, 'explain'>;
  /** The planner's explanation, for people. */
  readonly explanation: string;
}

interface StepState {
  readonly itemMs: number[];
  readonly overheadMs: number[];
  /** Workers that ran one of the step's probes already. */
  readonly seen: Set<string>;
  decision?: BatchDecision;
}

export class Batcher {
  private readonly states = new Map<string, StepState>();

  constructor(
    private readonly workers: number,
    private readonly onDecision: (decision: BatchDecision) => void,
  ) {}

  /** Whether tasks of the step may be dispatched together at all. */
  static applies(options: StepOptions): boolean {
    return options.batch !== undefined && options.batch !== 1;
  }

  /** Whether single dispatches of this step should be timed for {@link observe}. */
  probing(step: string, options: StepOptions): boolean {
    return options.batch === 'auto' && !this.state(step).decision;
  }

  /**
   * Items for the next dispatch of `step`, given how many of its tasks are waiting (counting the
   * one about to go). 1 while `'auto'` is still timing its first items.
   */
  size(step: string, options: StepOptions, waiting: number): number {
    const batch = options.batch;
    if (batch === undefined || batch === 1) return 1;
    if (typeof batch === 'number') return Math.max(1, Math.min(batch, waiting));
    const state = this.state(step);
    if (!state.decision) return 1;
    const workers = this.workersFor(options);
    return Math.max(1, Math.min(state.decision.batchSize, Math.ceil(waiting / workers)));
  }

  /**
   * A single dispatch of a probing step finished: `itemMs` is the task's own time in the worker,
   * `roundTripMs` the coordinator's from dispatch to result. `waiting` counts its step's tasks
   * not yet dispatched; the decision is taken once enough items are timed. A worker's first item
   * of the step is not timed (it pays for the worker's cold start: imports, cold code, caches).
   */
  observe(step: string, options: StepOptions, itemMs: number, roundTripMs: number, waiting: number, workerId?: string): void {
    const state = this.state(step);
    if (state.decision || options.batch !== 'auto') return;
    if (workerId !== undefined && !state.seen.has(workerId)) {
      state.seen.add(workerId);
      if (waiting > 0) return;
    }
    state.itemMs.push(itemMs);
    state.overheadMs.push(Math.max(0, roundTripMs - itemMs));
    if (state.itemMs.length < PROBE_ITEMS && waiting > 0) return;
    // Medians: a worker's early tasks also pay for its start (module import, cold code) — seen
    // as 3-5× the item's real time in a mean of 5, which then chose batches far too big or small.
    const { mean, std: sd } = meanStd(state.itemMs);
    const typicalMs = median(state.itemMs);
    const cv = mean > 0 && state.itemMs.length > 1 ? sd / mean : 0;
    const overheadMs = median(state.overheadMs);
    const workers = this.workersFor(options);
    const items = waiting + state.itemMs.length;
    const plan = planBatch({ count: Math.max(1, waiting), itemMs: typicalMs, cv, workers, taskOverheadMs: overheadMs });
    const { explain, ...data } = plan;
    const decision: BatchDecision = {
      step,
      batchSize: plan.batchSize,
      itemMs: typicalMs,
      cv,
      overheadMs,
      items,
      workers,
      plan: data,
      explanation: `foreach '${step}' (batch: 'auto', ${state.itemMs.length} items timed one by one): ${explain()}`,
    };
    state.decision = decision;
    this.onDecision(decision);
  }

  /** The decision taken for a step, if any. */
  decision(step: string): BatchDecision | undefined {
    return this.states.get(step)?.decision;
  }

  private workersFor(options: StepOptions): number {
    return Math.max(1, Math.min(this.workers, options.concurrency ?? Infinity));
  }

  private state(step: string): StepState {
    let state = this.states.get(step);
    if (!state) {
      state = { itemMs: [], overheadMs: [], seen: new Set() };
      this.states.set(step, state);
    }
    return state;
  }
}
