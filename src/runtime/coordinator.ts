/**
 * The run coordinator: creates tasks by walking the graph, admits them by their declared
 * resources, runs attempts on an executor with retries, timeouts and memory limits, clones
 * unchanged tasks from the step cache or a resumed run, and commits each finished attempt
 * (artifacts are already in the blob store; one metadata op marks it done). It is the only
 * writer of the run's metadata and batches its writes in transactions.
 */
import { mayRetry, retryDelayMs } from '../flow/options.js';
import type { FlowGraph } from '../flow/graph.js';
import type { StepOptions } from '../flow/types.js';
import type { ArtifactStore, AttemptRecord, ErrorRecord, LogStore, MetadataStore, TaskRecord, TaskStats, WriteOp } from '../store/types.js';
import { storeValue, type StoredValue } from '../store/values.js';
import { Admission, type Capacity } from './admission.js';
import { Batcher } from './batching.js';
import { cacheKey, CacheLookup, fullKey } from './cache.js';
import type { RunObserver, TaskFailureReport } from './observer.js';
import type { ArtifactMap, Executor, RunInfo, TaskOutcome, TaskRecordEvent, TaskSpec } from './protocol.js';
import { recordsToOps } from './records.js';
import { identityBase, type Clone, type ResumePlan } from './resume.js';
import { GraphWalker, TransitionError, type PlannedTask } from './scheduler.js';
import { WriteQueue } from './write-queue.js';
import { failureReport, taskRecord, type LiveTask } from './live-task.js';


export interface CoordinatorDeps {
  readonly run: RunInfo;
  readonly graph: FlowGraph;
  readonly meta: MetadataStore;
  readonly blobs: ArtifactStore;
  readonly logs: LogStore;
  readonly executor: Executor;
  readonly observer: RunObserver;
  /** Effective options per step (declared, plus --with defaults). */
  readonly options: ReadonlyMap<string, StepOptions>;
  readonly capacity: Capacity;
  readonly codeDigests: ReadonlyMap<string, string>;
  /** Steps whose tasks may be served from the step cache (`cache: true` or `--cache`). */
  readonly cached: (step: string) => boolean;
  readonly resume?: ResumePlan;
  /** Workers the executor runs side by side (sizes `batch: 'auto'`); default 1. */
  readonly workers?: number;
}

export interface CoordinatorResult {
  readonly status: 'succeeded' | 'failed';
  readonly failures: readonly TaskFailureReport[];
  /** Failed foreach items tolerated by onFailure 'continue'. */
  readonly deadLetters: readonly TaskFailureReport[];
  readonly tasks: number;
  readonly cloned: number;
  readonly cachedHits: number;
  /** Most tasks that ran at once. */
  readonly peakConcurrency: number;
}

const HEARTBEAT_MS = 5000;
const MEMORY_POLL_MS = 200;

export class Coordinator {
  private readonly walker: GraphWalker;
  private readonly admission: Admission;
  private readonly lookup: CacheLookup;
  private readonly ready: LiveTask[] = [];
  private readonly running = new Map<number, LiveTask>();
  private readonly failures: TaskFailureReport[] = [];
  private readonly deadLetters: TaskFailureReport[] = [];
  private readonly fullKeys = new Map<number, string>();
  private readonly occurrences = new Map<string, number>();
  /** A metadata write failure is fatal: stop scheduling and surface it. */
  private readonly writes: WriteQueue;
  private stopping = false;
  private interrupted: string | undefined;
  private endDone = false;
  private taskCount = 0;
  private cloned = 0;
  private cachedHits = 0;
  /** Tasks between creation and dispatch that are resolving a clone, or waiting out a retry delay. */
  private inFlight = 0;
  private finish!: () => void;
  private readonly batcher: Batcher;

  constructor(private readonly deps: CoordinatorDeps) {
    this.writes = new WriteQueue(deps.meta, () => (this.stopping = true));
    this.batcher = new Batcher(deps.workers ?? 1, (decision) => {
      const { explanation, ...data } = decision;
      this.event('batch-plan', { ...data, explanation });
      this.deps.observer.info?.(explanation);
    });
    this.walker = new GraphWalker(deps.graph, deps.blobs);
    this.admission = new Admission(deps.capacity);
    this.lookup = new CacheLookup(deps.meta, deps.run.params);
  }

  /** Drives the run to completion. The run record must already exist. */
  async run(): Promise<CoordinatorResult> {
    const heartbeat = setInterval(() => this.queue({ op: 'run', runId: this.deps.run.runId, patch: { heartbeatAt: Date.now() } }), HEARTBEAT_MS);
    heartbeat.unref();
    const memory = setInterval(() => this.checkMemory(), MEMORY_POLL_MS);
    memory.unref();
    try {
      const done = new Promise<void>((resolve) => (this.finish = resolve));
      this.schedule([this.walker.start()]);
      this.pump();
      await done;
    } finally {
      clearInterval(heartbeat);
      clearInterval(memory);
    }
    await this.writes.flush();
    if (this.writes.error) throw this.writes.error;
    const status = this.failures.length === 0 && this.endDone ? 'succeeded' : 'failed';
    if (status === 'failed' && this.failures.length === 0) {
      this.failures.push({
        step: 'end',
        taskId: 0,
        pathspec: `${this.deps.run.flow}/${this.deps.run.runId}`,
        error: this.interrupted
          ? { type: 'Interrupted', message: `the run was interrupted (${this.interrupted})`, kind: 'system' }
          : { type: 'RunIncomplete', message: 'the run stopped before reaching its end step', kind: 'system' },
        item: undefined,
        logTail: '',
      });
    }
    return {
      status,
      failures: this.failures,
      deadLetters: this.deadLetters,
      tasks: this.taskCount,
      cloned: this.cloned,
      cachedHits: this.cachedHits,
      peakConcurrency: this.admission.peak,
    };
  }

  /** Stops the run: nothing new starts, running tasks are killed and recorded as interrupted. */
  interrupt(reason: string): void {
    if (this.interrupted) return;
    this.interrupted = reason;
    this.stopping = true;
    this.deps.executor.interrupt?.();
    this.pump();
  }

  /** Side-channel records of a running task: converted and queued with the run's other writes. */
  records(taskId: number, attempt: number, records: readonly TaskRecordEvent[]): void {
    const task = this.running.get(taskId);
    const step = task?.plan.step ?? 'unknown';
    const { ops, problems } = recordsToOps({ flow: this.deps.run.flow, runId: this.deps.run.runId, step, taskId, attempt }, records);
    for (const op of ops) this.queue(op);
    for (const problem of problems) {
      this.event('record-problem', { step, taskId, problem });
      this.deps.observer.warning?.(problem);
    }
  }

  // ── creating tasks ──────────────────────────────────────────────────────────

  private schedule(plans: readonly PlannedTask[]): void {
    const now = Date.now();
    for (const plan of plans) {
      const options = this.deps.options.get(plan.step) ?? {};
      const base = identityBase(plan.step, plan.stack);
      const n = this.occurrences.get(base) ?? 0;
      this.occurrences.set(base, n + 1);
      const key = cacheKey({
        step: plan.step,
        codeDigest: this.deps.codeDigests.get(plan.step) ?? '',
        options,
        stack: plan.stack,
        artifacts: plan.artifacts,
        joinInputs: plan.joinInputs,
        joinFailures: plan.joinFailures,
        parentKeys: plan.parents.map((id) => this.fullKeys.get(id) ?? ''),
      });
      const task: LiveTask = { plan, options, queuedAt: now, identity: `${base}#${n}`, key, attempt: 0, attempts: [], startedAt: null, workerId: null, killed: undefined, timers: [] };
      this.taskCount++;
      this.queue({ op: 'task', write: { task: this.record(task, 'pending', null) } });
      if (this.deps.resume || this.deps.cached(plan.step)) {
        this.inFlight++;
        void this.tryClone(task).then(
          (cloned) => {
            this.inFlight--;
            if (!cloned) this.ready.push(task);
            this.pump();
          },
          (error: Error) => {
            this.inFlight--;
            this.deps.observer.warning?.(`could not reuse an earlier result for ${plan.step}/${plan.taskId}: ${error.message}`);
            this.ready.push(task);
            this.pump();
          },
        );
      } else this.ready.push(task);
    }
  }

  /** Clones the task from the resumed run or the step cache; true when it did. */
  private async tryClone(task: LiveTask): Promise<boolean> {
    const { plan } = task;
    let clone: Clone | undefined;
    let kind: 'cloned' | 'cached' = 'cloned';
    if (this.deps.resume) clone = await this.deps.resume.match(task.identity, plan.step, plan.stack, plan.artifacts, plan.joinInputs, plan.joinFailures);
    if (!clone && this.deps.cached(plan.step)) {
      const hit = await this.lookup.find(task.key);
      if (hit) {
        clone = { task: hit.task, artifacts: hit.artifacts };
        kind = 'cached';
      }
    }
    if (!clone || this.stopping) return false;
    const outputs: Record<string, StoredValue> = {};
    for (const a of clone.artifacts) outputs[a.name] = { digest: a.digest, codec: a.codec, bytes: a.bytes, type: a.type, ...(a.inline ? { inline: a.inline } : {}) };
    const origin = `${this.deps.run.flow}/${clone.task.runId}/${clone.task.step}/${clone.task.taskId}`;
    const now = Date.now();
    task.startedAt = now;
    task.attempts = [{ attempt: 0, status: kind, startedAt: now, endedAt: now, workerId: null, error: null }];
    if (kind === 'cached') this.cachedHits++;
    else this.cloned++;
    this.running.set(plan.taskId, task);
    this.succeed(task, { ok: true, outputs, startedAt: now, endedAt: now, reads: clone.task.reads ?? undefined }, origin);
    this.running.delete(plan.taskId);
    return true;
  }

  // ── running tasks ───────────────────────────────────────────────────────────

  private pump(): void {
    if (!this.stopping) {
      for (let i = 0; i < this.ready.length && this.deps.executor.idle() > 0; ) {
        const task = this.ready[i]!;
        if (this.admission.fits(task.plan.step, task.options)) {
          const group = this.takeGroup(i);
          if (group.length > 1) this.dispatchBatch(group);
          else this.dispatch(task);
        } else i++;
      }
    }
    const idle = this.running.size === 0 && this.inFlight === 0;
    if (idle && (this.ready.length === 0 || this.stopping)) this.finish();
  }

  /** Removes and returns the ready task at `i`, with more of its step when the step is batched. */
  private takeGroup(i: number): LiveTask[] {
    const lead = this.ready[i]!;
    if (!this.deps.executor.submitBatch || !Batcher.applies(lead.options)) return this.ready.splice(i, 1);
    const step = lead.plan.step;
    // Count waiting tasks of the step only as far as the size could depend on it.
    const cap = typeof lead.options.batch === 'number' ? lead.options.batch : (this.batcher.decision(step)?.batchSize ?? 1) * (this.deps.workers ?? 1);
    const picked: number[] = [];
    for (let j = i; j < this.ready.length && picked.length <= cap; j++) if (this.ready[j]!.plan.step === step) picked.push(j);
    const size = this.batcher.size(step, lead.options, picked.length);
    const chosen = picked.slice(0, size);
    // Tasks of a foreach are queued together: usually one contiguous run.
    if (chosen[chosen.length - 1] === i + chosen.length - 1) return this.ready.splice(i, chosen.length);
    const group = chosen.map((j) => this.ready[j]!);
    for (let k = chosen.length - 1; k >= 0; k--) this.ready.splice(chosen[k]!, 1);
    return group;
  }

  private dispatch(task: LiveTask): void {
    const { plan, options } = task;
    task.killed = undefined;
    this.running.set(plan.taskId, task);
    const gpus = this.admission.acquire(plan.taskId, plan.step, options);
    task.dispatchedAt = this.batcher.probing(plan.step, options) ? performance.now() : undefined;
    task.startedAt = null;
    const { executor } = this.deps;
    // With submitBatch the attempt (and its time limit) begins when the worker takes it, not while a worker starts.
    if (executor.submitBatch) this.settle(task, executor.submitBatch([this.spec(task, gpus)], () => this.started(task))[0]!);
    else {
      this.started(task);
      this.settle(task, executor.submit(this.spec(task, gpus)));
    }
  }

  /** Several tasks of one step to one worker, run one after another. */
  private dispatchBatch(tasks: readonly LiveTask[]): void {
    const lead = tasks[0]!;
    const gpus = this.admission.acquire(lead.plan.taskId, lead.plan.step, lead.options);
    const batch = { lead: lead.plan.taskId, left: tasks.length };
    for (const task of tasks) {
      task.killed = undefined;
      task.batch = batch;
      task.dispatchedAt = undefined;
      task.startedAt = null;
      this.running.set(task.plan.taskId, task);
    }
    this.event('task-batch', { step: lead.plan.step, taskIds: tasks.map((t) => t.plan.taskId) });
    const byId = new Map(tasks.map((t) => [t.plan.taskId, t]));
    const submitted = this.deps.executor.submitBatch!(
      tasks.map((t) => this.spec(t, gpus)),
      (taskId) => {
        const task = byId.get(taskId);
        if (task && this.running.has(taskId)) this.started(task);
      },
    );
    submitted.forEach((promise, k) => this.settle(tasks[k]!, promise));
  }

  private spec(task: LiveTask, gpus: readonly string[]): TaskSpec {
    const { plan, options } = task;
    const env = { ...(options.env ?? {}), ...(options.resources?.gpu ? { CUDA_VISIBLE_DEVICES: gpus.join(',') } : {}) };
    return {
      step: plan.step,
      taskId: plan.taskId,
      attempt: task.attempt,
      artifacts: plan.artifacts,
      stack: plan.stack,
      joinInputs: plan.joinInputs,
      joinFailures: plan.joinFailures,
      env: Object.keys(env).length > 0 ? env : undefined,
      checkpointFallback: this.checkpointFallback(task),
    };
  }

  /** The attempt begins: reported, recorded as running, and its time limit starts. */
  private started(task: LiveTask): void {
    const { plan, options } = task;
    task.startedAt = Date.now();
    this.deps.observer.taskStarted?.({ step: plan.step, taskId: plan.taskId, stack: plan.stack, attempt: task.attempt });
    if (options.timeout) {
      const seconds = options.timeout.seconds;
      task.timers.push(
        setTimeout(() => this.kill(task, { type: 'Timeout', message: `timeout: step '${plan.step}' ran longer than its ${seconds} s limit (timeout.seconds)`, kind: 'system' }), seconds * 1000),
      );
    }
    this.queue({ op: 'task', write: { task: this.record(task, 'running', null) } });
  }

  private settle(task: LiveTask, submitted: Promise<TaskOutcome & { workerId: string }>): void {
    submitted.then(
      (outcome) => this.completed(task, outcome),
      (error: Error) =>
        this.completed(task, {
          ok: false,
          error: { type: 'ExecutorError', message: error.message, stack: error.stack, kind: 'system' },
          startedAt: task.startedAt ?? Date.now(),
          endedAt: Date.now(),
          workerId: task.workerId ?? 'unknown',
        }),
    );
  }

  private checkpointFallback(task: LiveTask): { runId: string; taskId: number } | undefined {
    const origin = this.deps.resume?.originOf(task.identity);
    return origin && origin.step === task.plan.step ? { runId: origin.runId, taskId: origin.taskId } : undefined;
  }

  /** Kills a running attempt for a limit it broke; the executor then reports it failed. */
  private kill(task: LiveTask, reason: ErrorRecord): void {
    if (!this.running.has(task.plan.taskId) || task.killed) return;
    task.killed = reason;
    if (!this.deps.executor.kill?.(task.plan.taskId)) {
      this.deps.observer.warning?.(`${reason.message} — the ${this.deps.executor.name} executor cannot stop a running task; it will finish on its own`);
    }
  }

  private checkMemory(): void {
    for (const task of this.running.values()) {
      const limit = task.options.resources?.memoryMiB;
      if (!limit) continue;
      const rss = this.deps.executor.rss?.(task.plan.taskId);
      if (rss !== undefined && rss > limit * 1024 * 1024) {
        const used = Math.round(rss / (1024 * 1024));
        this.kill(task, { type: 'OutOfMemory', message: `out of memory: used ${used} of ${limit} MiB (resources.memoryMiB) in step '${task.plan.step}'`, kind: 'system' });
      }
    }
  }

  private completed(task: LiveTask, outcome: TaskOutcome & { workerId: string }): void {
    const { plan } = task;
    for (const timer of task.timers) clearTimeout(timer);
    task.timers = [];
    this.running.delete(plan.taskId);
    if (!task.batch) this.admission.release(plan.taskId);
    else if (--task.batch.left === 0) this.admission.release(task.batch.lead);
    task.batch = undefined;
    if (!outcome.ok && outcome.notStarted) {
      // Its batch was cut short before it began: no attempt was made; it waits for another dispatch.
      task.startedAt = null;
      this.ready.unshift(task);
      this.pump();
      return;
    }
    // Ended without the executor saying it began (its worker failed to start): report the start now.
    if (task.startedAt === null) this.deps.observer.taskStarted?.({ step: plan.step, taskId: plan.taskId, stack: plan.stack, attempt: task.attempt });
    task.workerId = outcome.workerId;
    task.startedAt = outcome.startedAt;
    if (task.dispatchedAt !== undefined) {
      const itemMs = outcome.stats?.wallMs ?? outcome.endedAt - outcome.startedAt;
      this.batcher.observe(plan.step, task.options, itemMs, performance.now() - task.dispatchedAt, this.waitingOf(plan.step), outcome.workerId);
      task.dispatchedAt = undefined;
    }
    if (outcome.ok) this.succeed(task, outcome);
    else {
      const error: ErrorRecord = this.interrupted
        ? { type: 'Interrupted', message: `the run was interrupted (${this.interrupted})`, kind: 'system' }
        : (task.killed ?? outcome.error);
      this.fail(task, { ...outcome, error });
    }
    this.pump();
  }

  /** Ready tasks of a step (only asked while a step is timing its first items). */
  private waitingOf(step: string): number {
    let n = 0;
    for (const t of this.ready) if (t.plan.step === step) n++;
    return n;
  }

  private succeed(task: LiveTask, outcome: Extract<TaskOutcome, { ok: true }>, originPathspec: string | null = null): void {
    const { plan } = task;
    const visible: ArtifactMap = plan.joinInputs ? outcome.outputs : { ...plan.artifacts, ...outcome.outputs };
    let next: PlannedTask[];
    try {
      next = this.walker.next({ taskId: plan.taskId, step: plan.step, stack: plan.stack, loops: plan.loops, visible });
    } catch (error) {
      if (!(error instanceof TransitionError)) throw error;
      // The step ran but its transition is impossible: no retry would help.
      task.attempt = task.options.retry?.times ?? 0;
      this.fail(task, { ok: false, error: { type: error.name, message: error.message, kind: 'user' }, startedAt: outcome.startedAt, endedAt: outcome.endedAt, stats: outcome.stats });
      return;
    }
    if (!originPathspec && !task.uncacheable) {
      task.attempts.push({ attempt: task.attempt, status: 'done', startedAt: outcome.startedAt, endedAt: outcome.endedAt, workerId: task.workerId, error: null, stats: outcome.stats ?? null });
    }
    const reads = outcome.reads ?? { params: [], artifacts: {} };
    this.fullKeys.set(plan.taskId, fullKey(task.key, reads.params, this.deps.run.params));
    const artifacts = Object.entries(outcome.outputs).map(([name, v]) => ({ name, digest: v.digest, codec: v.codec, bytes: v.bytes, type: v.type, ...(v.inline ? { inline: v.inline } : {}) }));
    const record = { ...this.record(task, 'done', null, outcome.endedAt, outcome.stats ?? null), reads, originPathspec };
    this.queue({ op: 'task', write: { task: record, artifacts } });
    // The task row already says it finished: an event per task would be one more insert per task.
    // The log keeps what the row doesn't say: where a reused result came from.
    if (originPathspec) this.event('task-done', { step: plan.step, taskId: plan.taskId, origin: originPathspec, how: task.attempts[0]?.status });
    if (plan.step === 'end') this.endDone = true;
    this.deps.observer.taskFinished?.({
      step: plan.step,
      taskId: plan.taskId,
      ok: true,
      durationMs: outcome.endedAt - outcome.startedAt,
      ...(originPathspec ? { reused: task.attempts[0]?.status as 'cloned' | 'cached', origin: originPathspec } : {}),
    });
    this.schedule(next);
  }

  private fail(task: LiveTask, outcome: Extract<TaskOutcome, { ok: false }>): void {
    const { plan, options } = task;
    const retryable = mayRetry(options.retry, task.attempt, outcome.error.kind, outcome.retryable ?? true);
    const attempt: AttemptRecord = {
      attempt: task.attempt,
      status: 'failed',
      startedAt: outcome.startedAt,
      endedAt: outcome.endedAt,
      workerId: task.workerId,
      error: outcome.error,
      stats: outcome.stats ?? null,
    };
    if (retryable && !this.stopping) {
      const delay = retryDelayMs(options.retry!, task.attempt + 1);
      task.attempts.push({ ...attempt, retryDelayMs: delay });
      task.attempt++;
      this.queue({ op: 'task', write: { task: this.record(task, 'pending', outcome.error, outcome.endedAt, outcome.stats ?? null) } });
      this.event('task-retry', { step: plan.step, taskId: plan.taskId, attempt: task.attempt, delayMs: delay, error: outcome.error.message });
      this.deps.observer.taskRetry?.({ step: plan.step, taskId: plan.taskId, attempt: task.attempt, delayMs: delay, error: outcome.error });
      this.inFlight++;
      const timer = setTimeout(() => {
        this.inFlight--;
        this.ready.push(task);
        this.pump();
      }, delay);
      timer.unref?.();
      return;
    }
    task.attempts.push(attempt);
    if (options.catch && !this.stopping) {
      // Retries are exhausted: the error becomes an artifact and the flow goes on.
      const stored = storeValue(this.deps.blobs, { type: outcome.error.type, message: outcome.error.message, stack: outcome.error.stack ?? null, kind: outcome.error.kind });
      this.event('task-caught', { step: plan.step, taskId: plan.taskId, as: options.catch.as, error: outcome.error.message });
      this.succeedCaught(task, outcome, stored);
      return;
    }
    this.queue({ op: 'task', write: { task: this.record(task, 'failed', outcome.error, outcome.endedAt, outcome.stats ?? null) } });
    this.event('task-failed', { step: plan.step, taskId: plan.taskId, error: outcome.error.message });
    const report = this.failureReport(task, outcome.error);
    const tolerant = this.interrupted ? undefined : [...plan.stack].reverse().find((f) => f.kind === 'foreach' && this.deps.options.get(f.step)?.onFailure === 'continue');
    if (tolerant) {
      this.deadLetters.push(report);
      this.event('dead-letter', { step: plan.step, taskId: plan.taskId, foreach: tolerant.step, index: tolerant.index, error: outcome.error.message });
      this.deps.observer.taskFinished?.({ step: plan.step, taskId: plan.taskId, ok: false, durationMs: outcome.endedAt - outcome.startedAt, failure: report, tolerated: true });
      this.schedule(this.walker.failed({ taskId: plan.taskId, step: plan.step, stack: plan.stack, loops: plan.loops }, tolerant, outcome.error));
      return;
    }
    this.failures.push(report);
    this.deps.observer.taskFinished?.({ step: plan.step, taskId: plan.taskId, ok: false, durationMs: outcome.endedAt - outcome.startedAt, failure: report });
    // Fail fast: start nothing new (batched tasks not yet begun included); tasks already running finish and are recorded.
    this.stopping = true;
    this.deps.executor.cancelPending?.();
  }

  private succeedCaught(task: LiveTask, outcome: Extract<TaskOutcome, { ok: false }>, stored: StoredValue): void {
    const as = task.options.catch!.as;
    const caught = { ...outcome, ok: true as const, outputs: { [as]: { ...stored, type: 'caught error' } } };
    // Not reusable from the cache, and its attempt history ends with the failure that was caught.
    task.uncacheable = true;
    this.succeed(task, caught);
  }

  private failureReport(task: LiveTask, error: ErrorRecord): TaskFailureReport {
    return failureReport(this.deps.run, this.deps.logs, task, error);
  }

  private record(task: LiveTask, status: TaskRecord['status'], error: ErrorRecord | null, endedAt: number | null = null, stats: TaskStats | null = null): TaskRecord {
    return taskRecord(this.deps.run, task, status, error, endedAt, stats);
  }

  private event(kind: string, payload: Record<string, unknown>): void {
    this.queue({ op: 'event', runId: this.deps.run.runId, time: Date.now(), kind, payload });
  }

  private queue(op: WriteOp): void {
    this.writes.push(op);
  }
}
