/**
 * `ctx.log` inside a step: params, metrics and tags of the run, sent as side-channel records
 * (batched by the runtime) for the coordinator to write. A metric call is a check and four array
 * pushes; points leave in columnar chunks when a chunk fills or the step next yields (a microtask,
 * which always runs before the runtime's end-of-task flush), so logging 100,000 points costs the
 * step little.
 *
 * Params are immutable once logged. A conflicting value fails the step right here, naming the key
 * and both values: the flow's own params count as logged, and every other key is claimed for the
 * run atomically in the home (see claims.ts), so two tasks in different worker processes cannot
 * both log different values. (The store checks again and keeps the first value of any conflict
 * that reaches it, recording a `param-conflict` event.)
 */
import { ParamConflictError } from '../store/tracking/errors.js';
import { checkKey, checkMetricStep, checkMetricValue, checkTagValue, encodeParam } from '../store/tracking/values.js';
import { RECORD_KINDS, type MetricChunkData } from './records.js';

/** What a task's log needs from the runtime. */
export interface TaskLogContext {
  readonly runId: string;
  /** The flow's params (they count as already-logged params). */
  readonly flowParams: Readonly<Record<string, unknown>>;
  readonly emit: (kind: string, data: unknown) => void;
  /** Claims a param key for the run; returns the text claimed before, if any (see claims.ts). */
  readonly claim?: (key: string, text: string) => string | undefined;
}

export interface MetricOptions {
  /** Step of this point; defaults to how many points of this key the task logged before (0, 1, 2...). */
  readonly step?: number;
  /** Milliseconds since the epoch; defaults to now. */
  readonly timestamp?: number;
}

/** Points per chunk: large enough to make IPC cheap, small enough to keep messages modest. */
const CHUNK = 4096;

/** The logging API a step receives as `ctx.log`. */
export class TaskLog {
  private readonly logged = new Map<string, string>();
  private readonly steps = new Map<string, number>();
  private readonly checkedKeys = new Set<string>();
  private chunkKeys = new Map<string, number>();
  private chunkKey: number[] = [];
  private chunkValues: number[] = [];
  private chunkSteps: number[] = [];
  private chunkTimes: number[] = [];
  private flushQueued = false;

  constructor(private readonly context: TaskLogContext) {}

  /** Logs a param (string, number, boolean, null or plain JSON). Logging a different value for a logged key throws. */
  param(key: string, value: unknown): void {
    checkKey('param', key);
    const { text } = encodeParam(key, value);
    const known = this.known(key);
    if (known !== undefined) {
      if (known !== text) throw new ParamConflictError(this.context.runId, key, known, text);
      if (this.logged.has(key) || this.isFlowParam(key)) return;
    } else {
      const claimed = this.context.claim?.(key, text);
      if (claimed !== undefined && claimed !== text) throw new ParamConflictError(this.context.runId, key, claimed, text);
    }
    this.logged.set(key, text);
    this.context.emit(RECORD_KINDS.param, [key, value]);
  }

  /** Logs several params; checks them all against what this task knows before logging any. */
  params(values: Readonly<Record<string, unknown>>): void {
    for (const [key, value] of Object.entries(values)) {
      checkKey('param', key);
      const { text } = encodeParam(key, value);
      const known = this.known(key);
      if (known !== undefined && known !== text) throw new ParamConflictError(this.context.runId, key, known, text);
    }
    for (const [key, value] of Object.entries(values)) this.param(key, value);
  }

  private isFlowParam(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.context.flowParams, key);
  }

  /** The value this task already knows for a key: its own earlier log, or the flow's param. */
  private known(key: string): string | undefined {
    const logged = this.logged.get(key);
    if (logged !== undefined || !this.isFlowParam(key)) return logged;
    try {
      return encodeParam(key, this.context.flowParams[key]).text;
    } catch {
      return undefined;
    }
  }

  /** Logs one point of a metric's history. NaN and ±Infinity are kept as they are. */
  metric(key: string, value: number, options?: MetricOptions): void {
    if (!this.checkedKeys.has(key)) {
      checkKey('metric', key);
      this.checkedKeys.add(key);
    }
    if (typeof value !== 'number') checkMetricValue(key, value);
    let step = options?.step;
    if (step === undefined) step = this.steps.get(key) ?? 0;
    else checkMetricStep(key, step);
    this.steps.set(key, step + 1);
    let timestamp = options?.timestamp;
    if (timestamp === undefined) timestamp = Date.now();
    else checkMetricStep(key, timestamp);
    let index = this.chunkKeys.get(key);
    if (index === undefined) this.chunkKeys.set(key, (index = this.chunkKeys.size));
    this.chunkKey.push(index);
    this.chunkValues.push(value);
    this.chunkSteps.push(step);
    this.chunkTimes.push(timestamp);
    if (this.chunkValues.length >= CHUNK) this.flushMetrics();
    else if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flushMetrics());
    }
  }

  /** Sends the points logged so far as one chunk. */
  flushMetrics(): void {
    this.flushQueued = false;
    if (this.chunkValues.length === 0) return;
    const chunk: MetricChunkData = {
      keys: [...this.chunkKeys.keys()],
      key: Int32Array.from(this.chunkKey),
      values: Float64Array.from(this.chunkValues),
      steps: Float64Array.from(this.chunkSteps),
      timestamps: Float64Array.from(this.chunkTimes),
    };
    this.chunkKeys = new Map();
    this.chunkKey = [];
    this.chunkValues = [];
    this.chunkSteps = [];
    this.chunkTimes = [];
    this.context.emit(RECORD_KINDS.metrics, chunk);
  }

  /** Logs one point of several metrics at the same step. */
  metrics(values: Readonly<Record<string, number>>, options?: MetricOptions): void {
    for (const [key, value] of Object.entries(values)) this.metric(key, value, options);
  }

  /** Sets a key/value tag on the run (tags are mutable: the last value wins). */
  tag(key: string, value: string): void {
    checkKey('tag', key);
    checkTagValue(key, value);
    this.context.emit(RECORD_KINDS.tag, [key, value]);
  }

  tags(values: Readonly<Record<string, string>>): void {
    for (const [key, value] of Object.entries(values)) this.tag(key, value);
  }
}
