/** The plan of one map call, as plain data (what `plan.toJSON()` returns and the store records). */
import type { Alternative } from './model.js';
import type { ProgressCallback } from './progress.js';

export interface PlanSample {
  /** Items run by the dry run (their results are kept). */
  readonly items: number;
  readonly itemMs: number;
  readonly cv: number;
  /** False when too few items ran to measure variability (a moderate cv is assumed). */
  readonly cvKnown: boolean;
  /** The first call, which includes JIT warm-up. */
  readonly firstMs: number;
  readonly async: boolean;
  readonly itemBytes: number;
  readonly resultBytes: number;
  /** Serialise + deserialise per item and per result (ms). */
  readonly itemTransferMs: number;
  readonly resultTransferMs: number;
  readonly callBytes: number;
  /** Wall time of the dry run (ms). */
  readonly wallMs: number;
}

export interface PlanMachine {
  /** Cores this map may use, and why. */
  readonly cores: number;
  readonly budgetReason: string;
  readonly online: number;
  readonly cgroup: number | null;
  readonly freeBytes: number;
  /** Where the worker facts came from. */
  readonly facts: 'measured now' | 'cached' | 'defaults (not measured yet)' | 'not needed';
  readonly measuredAt: number | null;
  readonly workerStartMs: number;
  /** Import time of the function's module in a fresh worker; `importKnown` false when assumed. */
  readonly importMs: number;
  readonly importKnown: boolean;
  readonly roundTripMs: number;
  readonly pipelinedMs: number;
  readonly workerBytes: number;
  /** Per-thread speed with every core busy, relative to one busy thread (see MachineFacts). */
  readonly threadEfficiency: number;
  /** Idle workers that could run the function without starting. */
  readonly warmWorkers: number;
}

export interface PlanRealised {
  readonly wallMs: number;
  /** Estimated serial time of the whole map / realised wall time. */
  readonly speedup: number;
  readonly mainItems: number;
  readonly workerItems: number;
  readonly workersUsed: number;
  /** Compute time summed over threads (ms). */
  readonly computeMs: number;
}

export interface MapPlanData {
  readonly label: string;
  readonly items: number;
  readonly mode: 'serial' | 'parallel';
  readonly workers: number;
  /** The largest chunk; chunks shrink to `minChunk` as the list runs out. */
  readonly chunkSize: number;
  readonly minChunk: number;
  readonly chunks: number;
  /** Whole-call estimates (dry run included). */
  readonly estimate: { readonly serialMs: number; readonly planMs: number; readonly speedup: number; readonly startMs: number; readonly helpedItems: number };
  readonly sample: PlanSample;
  readonly machine: PlanMachine;
  readonly reasons: readonly string[];
  readonly alternatives: readonly Alternative[];
  readonly warnings: readonly string[];
  /** Items that cannot be sent to a worker (index and what is wrong), when any were found. */
  readonly unsendable: readonly { readonly index: number; readonly problem: string }[];
  readonly realised: PlanRealised | null;
}

/** Options of `map()` / `ctx.map()`. */
export interface MapOptions<S = unknown> {
  /** A value every call receives as its third argument; sent once per worker, not per item. */
  readonly shared?: S;
  /** Items the dry run measures (default 5). */
  readonly sample?: number;
  /** At most this many workers. */
  readonly maxWorkers?: number;
  /** Force a configuration (skips the choice, still dry-runs): 0 workers = serial. */
  readonly workers?: number;
  readonly chunkSize?: number;
  /** Store home for the machine facts and history (default: the run's home, SLUICE_HOME or ./.sluice). */
  readonly home?: string;
  /** Name shown in explanations, progress and errors (default: the function's name). */
  readonly label?: string;
  /** Progress callback, and/or a bar on stderr: true, false, or 'auto' (default: a bar when the estimate exceeds 3 s). */
  readonly onProgress?: ProgressCallback;
  readonly progress?: boolean | 'auto';
  /** Print the plan's explanation before running (true: to stderr), or hand it to a function. */
  readonly explain?: boolean | ((text: string) => void);
  /** Called with the plan before it runs. */
  readonly onPlan?: (plan: MapPlanData) => void;
  /** Items that cannot be sent to a worker: run serially with a warning (default), or throw before running them. */
  readonly unsendable?: 'serial' | 'throw';
  /** Measure the machine when it never was: 'auto' (default: when the work is long enough to be worth it), true, false. */
  readonly measure?: boolean | 'auto';
  readonly signal?: AbortSignal;
  /** Whether the main thread runs items itself while workers start (default true; false makes workers run every chunk). */
  readonly mainThreadHelps?: boolean;
  /** Receives the plan with its realised figures after the run (the runtime records it with the task). */
  readonly onRealised?: (plan: MapPlanData) => void;
}

/** The task record kind (and event kind) a step's map plans are stored under. */
export const MAP_RECORD = 'planner.map';
