/**
 * The run coordinator: creates the run, feeds ready tasks to an executor, commits each finished
 * attempt (artifacts are already in the blob store; one metadata op marks it done), and walks the
 * graph. It is the only writer of the run's metadata and batches its writes in transactions.
 */
import type { FlowGraph } from '../flow/graph.js';
import type { ArtifactStore, ErrorRecord, FrameRecord, LogStore, MetadataStore, TaskRecord, TaskStats, WriteOp } from '../store/types.js';
import type { ArtifactMap, Executor, RunInfo, TaskOutcome, TaskRecordEvent } from './protocol.js';
import { recordsToOps } from './records.js';
import { GraphWalker, TransitionError, type PlannedTask } from './scheduler.js';
import type { RunObserver, TaskFailureReport } from './observer.js';

interface LiveTask {
  readonly plan: PlannedTask;
  readonly queuedAt: number;
  startedAt: number | null;
  workerId: string | null;
}

export interface CoordinatorDeps {
  readonly run: RunInfo;
  readonly graph: FlowGraph;
  readonly meta: MetadataStore;
  readonly blobs: ArtifactStore;
  readonly logs: LogStore;
  readonly executor: Executor;
  readonly observer: RunObserver;
}

export interface CoordinatorResult {
  readonly status: 'succeeded' | 'failed';
  readonly failures: readonly TaskFailureReport[];
  readonly tasks: number;
}

const FLUSH_INTERVAL_MS = 50;
const FLUSH_MAX_OPS = 2000;
const HEARTBEAT_MS = 5000;

export class Coordinator {
  private readonly walker: GraphWalker;
  private readonly ready: LiveTask[] = [];
  private readonly running = new Map<number, LiveTask>();
  private readonly failures: TaskFailureReport[] = [];
  private ops: WriteOp[] = [];
  private writing: Promise<void> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | undefined;
  private writeError: Error | undefined;
  private stopping = false;
  private interrupted: string | undefined;
  private endDone = false;
  private taskCount = 0;
  private finish!: () => void;

  constructor(private readonly deps: CoordinatorDeps) {
    this.walker = new GraphWalker(deps.graph, deps.blobs);
  }

  /** Drives the run to completion. The run record must already exist. */
  async run(): Promise<CoordinatorResult> {
    const heartbeat = setInterval(() => {
      this.queue({ op: 'run', runId: this.deps.run.runId, patch: { heartbeatAt: Date.now() } });
    }, HEARTBEAT_MS);
    heartbeat.unref();
    try {
      const done = new Promise<void>((resolve) => (this.finish = resolve));
      this.schedule([this.walker.start()]);
      this.pump();
      await done;
    } finally {
      clearInterval(heartbeat);
    }
    await this.flush();
    if (this.writeError) throw this.writeError;
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
    return { status, failures: this.failures, tasks: this.taskCount };
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

  private schedule(plans: readonly PlannedTask[]): void {
    const now = Date.now();
    for (const plan of plans) {
      const task: LiveTask = { plan, queuedAt: now, startedAt: null, workerId: null };
      this.taskCount++;
      this.ready.push(task);
      this.queue({ op: 'task', write: { task: this.record(task, 'pending', null) } });
    }
  }

  private pump(): void {
    while (!this.stopping && this.ready.length > 0 && this.deps.executor.idle() > 0) {
      const task = this.ready.shift()!;
      this.dispatch(task);
    }
    if (this.running.size === 0 && (this.ready.length === 0 || this.stopping)) this.finish();
  }

  private dispatch(task: LiveTask): void {
    const { plan } = task;
    task.startedAt = Date.now();
    this.running.set(plan.taskId, task);
    this.deps.observer.taskStarted?.({ step: plan.step, taskId: plan.taskId, stack: plan.stack });
    const submitted = this.deps.executor.submit({
      step: plan.step,
      taskId: plan.taskId,
      attempt: 0,
      artifacts: plan.artifacts,
      stack: plan.stack,
      joinInputs: plan.joinInputs,
    });
    // The running mark shares a batch with whatever else is pending; it need not be durable first.
    this.queue({ op: 'task', write: { task: this.record(task, 'running', null) } });
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

  private completed(task: LiveTask, outcome: TaskOutcome & { workerId: string }): void {
    const { plan } = task;
    this.running.delete(plan.taskId);
    task.workerId = outcome.workerId;
    task.startedAt = outcome.startedAt;
    let result: TaskOutcome =
      this.interrupted && !outcome.ok
        ? { ...outcome, error: { type: 'Interrupted', message: `the run was interrupted (${this.interrupted})`, kind: 'system' } }
        : outcome;
    let next: PlannedTask[] = [];
    if (outcome.ok) {
      const visible: ArtifactMap = plan.joinInputs ? outcome.outputs : { ...plan.artifacts, ...outcome.outputs };
      try {
        next = this.walker.next({ taskId: plan.taskId, step: plan.step, stack: plan.stack, loops: plan.loops, visible });
      } catch (error) {
        if (!(error instanceof TransitionError)) throw error;
        result = { ok: false, error: { type: error.name, message: error.message, kind: 'user' }, startedAt: outcome.startedAt, endedAt: outcome.endedAt };
      }
    }
    if (result.ok) {
      const artifacts = Object.entries(result.outputs).map(([name, v]) => ({ name, digest: v.digest, codec: v.codec, bytes: v.bytes, type: v.type }));
      this.queue({ op: 'task', write: { task: this.record(task, 'done', null, result.endedAt, result.stats), artifacts } });
      this.event('task-done', { step: plan.step, taskId: plan.taskId });
      if (plan.step === 'end') this.endDone = true;
      this.deps.observer.taskFinished?.({ step: plan.step, taskId: plan.taskId, ok: true, durationMs: result.endedAt - result.startedAt });
      this.schedule(next);
    } else {
      this.queue({ op: 'task', write: { task: this.record(task, 'failed', result.error, result.endedAt, result.stats) } });
      this.event('task-failed', { step: plan.step, taskId: plan.taskId, error: result.error.message });
      const report = this.failureReport(plan, result.error);
      this.failures.push(report);
      this.deps.observer.taskFinished?.({ step: plan.step, taskId: plan.taskId, ok: false, durationMs: result.endedAt - result.startedAt, failure: report });
      // Fail fast: start nothing new; tasks already running finish and are recorded.
      this.stopping = true;
    }
    this.pump();
  }

  private failureReport(plan: PlannedTask, error: ErrorRecord): TaskFailureReport {
    const key = { flow: this.deps.run.flow, runId: this.deps.run.runId, step: plan.step, taskId: plan.taskId, attempt: 0 };
    const tail = (stream: 'stdout' | 'stderr'): string => this.deps.logs.read(key, stream).split('\n').slice(-11).join('\n').trim();
    const logTail = [tail('stdout'), tail('stderr')].filter(Boolean).join('\n');
    const frame = [...plan.stack].reverse().find((f) => f.kind === 'foreach');
    return {
      step: plan.step,
      taskId: plan.taskId,
      pathspec: `${this.deps.run.flow}/${this.deps.run.runId}/${plan.step}/${plan.taskId}`,
      error,
      item: frame ? { step: frame.step, index: frame.index, count: frame.count } : undefined,
      logTail,
    };
  }

  private record(
    task: LiveTask,
    status: TaskRecord['status'],
    error: ErrorRecord | null,
    endedAt: number | null = null,
    stats: TaskStats | null = null,
  ): TaskRecord {
    const { plan } = task;
    return {
      flow: this.deps.run.flow,
      runId: this.deps.run.runId,
      step: plan.step,
      taskId: plan.taskId,
      status,
      attempt: 0,
      parentTaskIds: plan.parents,
      foreachStack: plan.stack as FrameRecord[],
      workerId: task.workerId,
      queuedAt: task.queuedAt,
      startedAt: status === 'pending' ? null : task.startedAt,
      endedAt,
      error,
      originPathspec: null,
      stats: stats ?? null,
    };
  }

  private event(kind: string, payload: Record<string, unknown>): void {
    this.queue({ op: 'event', runId: this.deps.run.runId, time: Date.now(), kind, payload });
  }

  private queue(op: WriteOp): void {
    this.ops.push(op);
    if (this.ops.length >= FLUSH_MAX_OPS) void this.flush();
    else if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
    }
  }

  /** Writes everything queued so far, in order, one transaction per batch. */
  flush(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    const batch = this.ops;
    this.ops = [];
    if (batch.length > 0) {
      this.writing = this.writing.then(() =>
        this.deps.meta.write(batch).catch((error: Error) => {
          // A metadata write failure is fatal: stop scheduling and surface it.
          this.writeError ??= error;
          this.stopping = true;
        }),
      );
    }
    return this.writing;
  }
}
