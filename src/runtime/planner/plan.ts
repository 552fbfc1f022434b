/** A planned map: the decision with its evidence; `run()` executes the rest and records what happened. */
import { runParallel, runSerial, type ExecOutcome, type ExecState } from './execute.js';
import { explainPlan, summaryLine } from './explain.js';
import { recordHistory } from './history.js';
import type { ParallelFn } from './parallel.js';
import { mapPool } from './pool.js';
import { progressBar, ProgressTracker, type ProgressCallback } from './progress.js';
import type { MapOptions, MapPlanData } from './types.js';

export class MapPlan<R = unknown> {
  private ran = false;

  constructor(
    private readonly data: MapPlanData,
    private readonly state: ExecState,
    private readonly fnRef: ParallelFn | undefined,
    private readonly codecItems: boolean,
    private readonly options: MapOptions<any>,
    private readonly home: string,
  ) {}

  get mode(): 'serial' | 'parallel' {
    return this.data.mode;
  }
  get workers(): number {
    return this.data.workers;
  }
  get chunkSize(): number {
    return this.data.chunkSize;
  }
  get estimatedSpeedup(): number {
    return this.data.estimate.speedup;
  }
  get realised(): MapPlanData['realised'] {
    return this.data.realised;
  }

  /** The reasoning: measurements, machine facts, the choice, rejected alternatives, and (after run) what happened. */
  explain(): string {
    return explainPlan(this.data);
  }

  /** One line: the decision and its estimate (and the realised speedup after run). */
  summary(): string {
    return summaryLine(this.data);
  }

  toJSON(): MapPlanData {
    return this.data;
  }

  /** Runs the items the dry run did not; resolves with every result in item order. */
  async run(): Promise<R[]> {
    if (this.ran) throw new Error(`map '${this.data.label}': this plan already ran; plan again to run again`);
    this.ran = true;
    const started = performance.now();
    const bar = wantsBar(this.options.progress, this.data.estimate.planMs) ? progressBar() : undefined;
    const callbacks = [this.options.onProgress, bar].filter((c): c is ProgressCallback => c !== undefined);
    const progress = new ProgressTracker(this.data.label, this.data.items, callbacks.length ? (p) => callbacks.forEach((c) => c(p)) : undefined);
    progress.seed(this.data.sample.items);
    // Mutated, not spread: this path runs for every map, tiny ones included.
    (this.state as { progress: ProgressTracker }).progress = progress;
    const state = this.state;
    let outcome: ExecOutcome;
    try {
      outcome =
        this.data.mode === 'parallel' && this.fnRef
          ? await runParallel(state, mapPool(), this.fnRef, this.data.workers, this.data.chunkSize, this.codecItems, this.data.minChunk)
          : await runSerial(state);
    } finally {
      bar?.end();
    }
    const wallMs = this.data.sample.wallMs + (performance.now() - started);
    const data = this.data as { -readonly [K in keyof MapPlanData]: MapPlanData[K] };
    if (outcome.warnings.length > 0) data.warnings = [...data.warnings, ...outcome.warnings];
    data.realised = {
        wallMs,
        // A serial map is the baseline itself; a parallel one is compared with the estimated serial time.
        speedup: this.data.mode === 'serial' ? 1 : this.data.estimate.serialMs / Math.max(wallMs, 1e-6),
        mainItems: outcome.mainItems + this.data.sample.items,
        workerItems: outcome.workerItems,
        workersUsed: outcome.workersUsed,
        computeMs: outcome.computeMs + this.data.sample.itemMs * this.data.sample.items,
    };
    for (const w of outcome.warnings) process.emitWarning(`map '${this.data.label}': ${w}`, 'SluiceMapWarning');
    this.remember(outcome);
    this.options.onRealised?.(this.data);
    return this.state.results as R[];
  }

  private remember(outcome: ExecOutcome): void {
    // Writing history costs a file write: only maps worth remembering (parallel, or long) pay it.
    if (!this.fnRef || this.data.sample.items === 0) return;
    if (outcome.importMs.length === 0 && this.data.mode === 'serial' && (this.data.realised?.wallMs ?? 0) < 100) return;
    const importMs = outcome.importMs.length ? Math.max(...outcome.importMs) : undefined;
    const r = this.data.realised!;
    recordHistory(this.home, {
      module: importMs !== undefined ? { url: this.fnRef.module, importMs } : undefined,
      fn:
        this.data.items > 1
          ? {
              name: this.fnRef.parallelName,
              itemMs: this.data.sample.itemMs,
              cv: this.data.sample.cv,
              items: this.data.items,
              estimatedSpeedup: this.data.estimate.speedup,
              realisedSpeedup: r.speedup,
              workers: this.data.workers,
              chunkSize: this.data.chunkSize,
            }
          : undefined,
    });
  }
}

/** A bar when asked, or by default ('auto') for maps estimated to take over 3 s. */
function wantsBar(progress: MapOptions['progress'], estimateMs: number): boolean {
  if (progress === true) return true;
  if (progress === false) return false;
  return estimateMs > 3000;
}

