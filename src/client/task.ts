/**
 * A task of a run: its status, timings, lineage, foreach position, artifacts (lazy) and logs.
 */
import type { ErrorRecord, FrameRecord, LogStream, TaskRecord, TaskStatus } from '../store/types.js';
import { loadValue } from '../store/values.js';
import { lazyRecord, loadArtifact, visibleArtifacts, type ArtifactInfo } from './artifacts.js';
import { ClientError } from './errors.js';
import { formatPathspec } from './pathspec.js';
import type { Session } from './session.js';

/** When a task was queued, started and ended (ms since the epoch). */
export interface TaskTimings {
  readonly queuedAt: number;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  /** endedAt − startedAt, once both are known. */
  readonly durationMs: number | null;
  /** startedAt − queuedAt: time spent waiting for a worker. */
  readonly waitMs: number | null;
}

/** One level of a task's split context: a foreach item or a static branch. */
export class SplitFrame {
  /** `foreach` for a foreach item, `branch` for a static branch. */
  readonly kind: 'foreach' | 'branch';
  /** The foreach step, or the branch's first step. */
  readonly step: string;
  /** The step whose transition opened the split, and its task. */
  readonly splitStep: string;
  readonly splitTaskId: number;
  /** Position in split order (foreach index, or the branch's position). */
  readonly index: number;
  /** Number of items or branches. */
  readonly count: number;
  private loaded = false;
  private value: unknown;

  constructor(
    private readonly session: Session,
    private readonly frame: FrameRecord,
  ) {
    this.kind = frame.kind;
    this.step = frame.step;
    this.splitStep = frame.splitStep;
    this.splitTaskId = frame.splitTaskId;
    this.index = frame.index;
    this.count = frame.count;
  }

  /** The foreach item (loaded alone, on first access); undefined for branch frames. */
  get item(): unknown {
    if (!this.loaded) {
      this.value = this.frame.item ? loadValue(this.session.blobs, this.frame.item) : undefined;
      this.loaded = true;
    }
    return this.value;
  }

  /** Plain data for output; the item (loaded) only when `withItem`. */
  toData(withItem = false): Record<string, unknown> {
    const base = { kind: this.kind, step: this.step, splitStep: this.splitStep, splitTaskId: this.splitTaskId, index: this.index, count: this.count };
    return withItem && this.kind === 'foreach' ? { ...base, item: this.item } : base;
  }

  /** JSON form, without the item (JSON.stringify must not load values). */
  toJSON(): Record<string, unknown> {
    return this.toData(false);
  }
}

/** Which attempt's log to read; the latest attempt by default. */
export interface LogOptions {
  readonly attempt?: number;
}

export class TaskHandle {
  /** The stored record this handle was built from (a snapshot; see {@link refresh}). */
  readonly record: TaskRecord;
  /** `Flow/RunId/Step/TaskId` */
  readonly pathspec: string;
  /** Every split level around the task, outermost first (foreach items and static branches). */
  readonly splitStack: readonly SplitFrame[];
  /** Foreach levels only, outermost first: index, count and (lazy) item of each. */
  readonly foreachStack: readonly SplitFrame[];
  private visible: Promise<Map<string, ArtifactInfo>> | undefined;

  constructor(
    private readonly session: Session,
    record: TaskRecord,
  ) {
    this.record = record;
    this.pathspec = formatPathspec(record.flow, record.runId, record.step, record.taskId);
    this.splitStack = record.foreachStack.map((frame) => new SplitFrame(session, frame));
    this.foreachStack = this.splitStack.filter((frame) => frame.kind === 'foreach');
  }

  get flow(): string {
    return this.record.flow;
  }
  get runId(): string {
    return this.record.runId;
  }
  /** `Flow/RunId` of the task's run. */
  get runPathspec(): string {
    return formatPathspec(this.record.flow, this.record.runId);
  }
  get step(): string {
    return this.record.step;
  }
  /** Task id, unique within the run. */
  get id(): number {
    return this.record.taskId;
  }
  get status(): TaskStatus {
    return this.record.status;
  }
  /** Latest attempt number (0-based). */
  get attempt(): number {
    return this.record.attempt;
  }
  /** Whether the task finished successfully. */
  get successful(): boolean {
    return this.record.status === 'done';
  }
  get finished(): boolean {
    return this.record.status === 'done' || this.record.status === 'failed';
  }
  get workerId(): string | null {
    return this.record.workerId;
  }
  get error(): ErrorRecord | null {
    return this.record.error;
  }
  /** Pathspec of the task this one was cloned from (resume, cache), if any. */
  get originPathspec(): string | null {
    return this.record.originPathspec;
  }
  /** Ids of the parent tasks; for a join, in split order. */
  get parentIds(): readonly number[] {
    return this.record.parentTaskIds;
  }
  /** The innermost foreach index, or undefined outside any foreach. */
  get index(): number | undefined {
    return this.foreachStack[this.foreachStack.length - 1]?.index;
  }
  get timings(): TaskTimings {
    const { queuedAt, startedAt, endedAt } = this.record;
    return {
      queuedAt,
      startedAt,
      endedAt,
      durationMs: startedAt !== null && endedAt !== null ? endedAt - startedAt : null,
      waitMs: startedAt !== null ? startedAt - queuedAt : null,
    };
  }

  /** The parent tasks; for a join, its inputs in split order. */
  async parents(): Promise<TaskHandle[]> {
    const out: TaskHandle[] = [];
    for (const id of this.record.parentTaskIds) {
      const parent = await this.session.meta.getTask(this.runId, id);
      if (parent) out.push(new TaskHandle(this.session, parent));
    }
    return out;
  }

  /** The tasks this one led to, in creation order. */
  async children(): Promise<TaskHandle[]> {
    const out: TaskHandle[] = [];
    let after = this.id;
    for (;;) {
      const page = await this.session.meta.listTasks(this.runId, { after, limit: 1000 });
      for (const task of page) if (task.parentTaskIds.includes(this.id)) out.push(new TaskHandle(this.session, task));
      if (page.length < 1000) return out;
      after = page[page.length - 1]!.taskId;
    }
  }

  private resolve(): Promise<Map<string, ArtifactInfo>> {
    this.visible ??= visibleArtifacts(this.session, this.record);
    return this.visible;
  }

  /** Every artifact visible to the task (its own and inherited ones), sorted by name; no value is loaded. */
  async artifacts(): Promise<ArtifactInfo[]> {
    return [...(await this.resolve()).values()];
  }

  /** Names of the visible artifacts, sorted. */
  async artifactNames(): Promise<string[]> {
    return [...(await this.resolve()).keys()];
  }

  /** Whether an artifact with this name is visible to the task. */
  async hasArtifact(name: string): Promise<boolean> {
    return (await this.resolve()).has(name);
  }

  /** Metadata of one visible artifact; throws naming the task and the artifacts it has. */
  async artifactInfo(name: string): Promise<ArtifactInfo> {
    const visible = await this.resolve();
    const found = visible.get(name);
    if (found) return found;
    const names = [...visible.keys()];
    const why = this.status === 'done' ? '' : ` (the task is ${this.status}: only finished tasks record outputs)`;
    throw new ClientError(`task ${this.pathspec} has no artifact '${name}'${why}; artifacts: ${names.join(', ') || 'none'}`);
  }

  /** Loads one artifact's value (own or inherited). */
  async artifact<T = unknown>(name: string): Promise<T> {
    return loadArtifact(this.session, await this.artifactInfo(name)) as T;
  }

  /** All visible artifacts as a record whose values load on first access. */
  async data(): Promise<Readonly<Record<string, unknown>>> {
    return lazyRecord(this.session, (await this.resolve()).values());
  }

  /** What the task printed to stdout (latest attempt unless `attempt` is given). */
  async stdout(options: LogOptions = {}): Promise<string> {
    return this.log('stdout', options);
  }

  /** What the task printed to stderr (latest attempt unless `attempt` is given). */
  async stderr(options: LogOptions = {}): Promise<string> {
    return this.log('stderr', options);
  }

  private async log(stream: LogStream, options: LogOptions): Promise<string> {
    const attempt = options.attempt ?? this.attempt;
    if (!Number.isInteger(attempt) || attempt < 0 || attempt > this.attempt) {
      const range = this.attempt === 0 ? 'only attempt 0' : `attempts 0-${this.attempt}`;
      throw new ClientError(`task ${this.pathspec} has no attempt ${String(attempt)} (it has ${range})`);
    }
    return this.session.logs.read({ flow: this.flow, runId: this.runId, step: this.step, taskId: this.id, attempt }, stream);
  }

  /** A fresh handle with the task's current record. */
  async refresh(): Promise<TaskHandle> {
    const record = await this.session.meta.getTask(this.runId, this.id);
    if (!record) throw new ClientError(`task ${this.pathspec} no longer exists (its run was deleted?)`);
    return new TaskHandle(this.session, record);
  }

  /** Plain data for JSON output. */
  toJSON(): Record<string, unknown> {
    return {
      pathspec: this.pathspec,
      step: this.step,
      taskId: this.id,
      status: this.status,
      attempt: this.attempt,
      workerId: this.workerId,
      parentIds: this.parentIds,
      ...this.timings,
      foreachStack: this.splitStack.map((frame) => frame.toData()),
      error: this.error,
      originPathspec: this.originPathspec,
    };
  }
}

/** Pages through a run's tasks in id order (optionally one step's), 1,000 per query. */
export async function* pageTasks(session: Session, runId: string, step?: string, pageSize = 1000): AsyncGenerator<TaskHandle> {
  let after = 0;
  for (;;) {
    const page = await session.meta.listTasks(runId, { step, after, limit: pageSize });
    for (const record of page) yield new TaskHandle(session, record);
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.taskId;
  }
}
