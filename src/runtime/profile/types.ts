/** What `sluice profile` reports about a run, as plain JSON-safe data (also for the UI). */

/** Resources a step declares (`resources` in its options), when it does. */
export interface DeclaredResources {
  readonly cpu?: number;
  readonly memoryMiB?: number;
  readonly gpu?: number;
}

export interface StepProfile {
  readonly step: string;
  readonly kind: 'step' | 'foreach' | 'join' | 'unknown';
  readonly tasks: number;
  readonly failed: number;
  /** Summed over the step's tasks (ms). */
  readonly wallMs: number;
  readonly userMs: number;
  readonly cpuMs: number;
  readonly loadMs: number;
  readonly storeMs: number;
  /** Task wall time spent neither in user code nor loading/storing artifacts (context, capture, bookkeeping). */
  readonly otherMs: number;
  readonly bytesRead: number;
  readonly bytesWritten: number;
  /** Largest per-task peaks. */
  readonly peakRssBytes: number;
  readonly peakHeapBytes: number;
  /** First task start to last task end (ms). */
  readonly spanMs: number;
  /** spanMs / the run's task span. */
  readonly share: number;
  readonly medianTaskMs: number;
  readonly maxTaskMs: number;
  readonly maxTaskId: number | null;
  /** Time of this step on the critical path (ms). */
  readonly criticalMs: number;
  /** Average cores busy while a task ran: cpu / wall. */
  readonly coresUsed: number;
  readonly declared: DeclaredResources | null;
}

export interface CriticalSegment {
  readonly step: string;
  readonly taskIds: readonly number[];
  readonly ms: number;
}

/** One ctx.map a task ran, as recorded with it. */
export interface MapSummary {
  readonly step: string;
  readonly taskId: number;
  readonly label: string;
  readonly items: number;
  readonly mode: 'serial' | 'parallel';
  readonly workers: number;
  readonly chunkSize: number;
  readonly estimatedSpeedup: number;
  readonly realisedSpeedup: number | null;
  readonly wallMs: number | null;
}

/** A foreach step with `batch: 'auto'`: the size chosen, from what, and how it went. */
export interface BatchSummary {
  readonly step: string;
  readonly batchSize: number;
  /** Items the decision was taken for (timed ones included). */
  readonly items: number;
  readonly itemMs: number;
  readonly overheadMs: number;
  /** Planner's estimate for the items left after timing, and its gain over one item per dispatch. */
  readonly estimatedMs: number;
  readonly estimatedSpeedup: number;
  /** Dispatches that carried more than one item. */
  readonly batches: number;
  /** The step's tasks, first start → last end (ms). */
  readonly spanMs: number;
}

export interface Suggestion {
  /** Stable key of the rule that fired (for the UI and tests). */
  readonly kind:
    | 'serial-step'
    | 'memory-over'
    | 'memory-under'
    | 'cpu-over'
    | 'cpu-under'
    | 'tiny-tasks'
    | 'artifact-io'
    | 'straggler'
    | 'idle-workers'
    | 'queueing'
    | 'map-estimate'
    | 'predicted-memory';
  readonly step: string | null;
  readonly message: string;
}

export interface ResourcePrediction {
  readonly step: string;
  /** Past runs the prediction is based on (0: only this run). */
  readonly pastRuns: number;
  /** Artifact bytes a task of the step reads now (the input size the prediction scales with). */
  readonly inputBytes: number;
  /** Predicted per-task peak memory and wall time for the next run at this input size. */
  readonly peakRssBytes: number;
  readonly wallMs: number;
  /** How: a line fitted over past tasks, or the past peak scaled by input size. */
  readonly method: 'fit' | 'scaled' | 'this run';
  /** What the past runs alone predicted for this run, and what this run did (checks the predictor). */
  readonly predictedForThisRun: { readonly peakRssBytes: number; readonly wallMs: number } | null;
  readonly actual: { readonly peakRssBytes: number; readonly wallMs: number };
  readonly declared: DeclaredResources | null;
}

export interface RunProfile {
  readonly flow: string;
  readonly runId: string;
  readonly status: string;
  /** Run created → ended (ms), when ended. */
  readonly runWallMs: number | null;
  /** First task start → last task end (ms). */
  readonly taskSpanMs: number;
  readonly tasks: number;
  /** Tasks whose stats were recorded (older runs have none). */
  readonly measuredTasks: number;
  readonly steps: readonly StepProfile[];
  readonly criticalPath: { readonly totalMs: number; readonly segments: readonly CriticalSegment[] };
  readonly workers: number;
  readonly workersSource: 'given' | 'recorded' | 'inferred';
  /** Summed task wall time (ms). */
  readonly busyMs: number;
  /** busyMs / (workers × taskSpanMs). */
  readonly parallelEfficiency: number;
  readonly maxConcurrency: number;
  readonly bottleneck: { readonly step: string; readonly criticalMs: number; readonly share: number } | null;
  readonly maps: readonly MapSummary[];
  readonly batches: readonly BatchSummary[];
  readonly suggestions: readonly Suggestion[];
  readonly predictions: readonly ResourcePrediction[];
}
