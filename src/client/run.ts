/**
 * A run: its record (status, params, tags, timings), its steps and tasks, and `data()` — the
 * end task's artifacts.
 */
import type { RunRecord, RunStatus } from '../store/types.js';
import { ClientError } from './errors.js';
import { checkStep, findTask, stepsOf } from './lookup.js';
import { formatPathspec } from './pathspec.js';
import type { Session } from './session.js';
import { StepHandle } from './step.js';
import { checkTagChange } from './tags.js';
import { pageTasks, TaskHandle } from './task.js';

/** When a run was created and ended (ms since the epoch). */
export interface RunTimings {
  readonly createdAt: number;
  readonly endedAt: number | null;
  /** endedAt − createdAt, once the run has ended. */
  readonly durationMs: number | null;
  /** Last heartbeat of the run's coordinator. */
  readonly heartbeatAt: number;
}

export class RunHandle {
  /** The stored record this handle was built from (a snapshot; see {@link refresh}). */
  readonly record: RunRecord;
  /** `Flow/RunId` */
  readonly pathspec: string;

  constructor(
    private readonly session: Session,
    record: RunRecord,
  ) {
    this.record = record;
    this.pathspec = formatPathspec(record.flow, record.runId);
  }

  get flow(): string {
    return this.record.flow;
  }
  get id(): string {
    return this.record.runId;
  }
  get status(): RunStatus {
    return this.record.status;
  }
  get successful(): boolean {
    return this.record.status === 'succeeded';
  }
  get finished(): boolean {
    return this.record.status !== 'running';
  }
  get params(): Readonly<Record<string, unknown>> {
    return this.record.params;
  }
  /** User tags (mutable with {@link addTags} / {@link removeTags}). */
  get tags(): readonly string[] {
    return this.record.tags;
  }
  /** Tags Sluice set at creation (`user:…`, `runtime:…`); immutable. */
  get systemTags(): readonly string[] {
    return this.record.systemTags;
  }
  get user(): string {
    return this.record.user;
  }
  get flowFile(): string {
    return this.record.flowFile;
  }
  get codeDigest(): string {
    return this.record.codeDigest;
  }
  get originRunId(): string | null {
    return this.record.originRunId;
  }
  /** Failure summary of a failed or crashed run. */
  get error(): string | null {
    return this.record.error;
  }
  get timings(): RunTimings {
    const { createdAt, endedAt } = this.record;
    return { createdAt, endedAt, durationMs: endedAt === null ? null : endedAt - createdAt, heartbeatAt: this.record.coordinator.heartbeatAt };
  }

  /** The steps that have tasks, in the order their first task was created. */
  async steps(): Promise<StepHandle[]> {
    const counts = await this.session.meta.countTasks(this.id);
    return (await stepsOf(this.session, this.id)).map((name) => new StepHandle(this.session, this.flow, this.id, name, counts[name]!));
  }

  /** One step; throws naming the steps that ran. */
  async step(name: string): Promise<StepHandle> {
    await checkStep(this.session, this.record, name);
    const counts = await this.session.meta.countTasks(this.id);
    return new StepHandle(this.session, this.flow, this.id, name, counts[name]!);
  }

  /** Every task of the run in id order (optionally one step's), paged under the hood. */
  tasks(options: { readonly step?: string } = {}): AsyncIterable<TaskHandle> {
    return pageTasks(this.session, this.id, options.step);
  }

  /** One task by id; throws giving the run's task id range. */
  async task(taskId: number): Promise<TaskHandle> {
    return new TaskHandle(this.session, await findTask(this.session, this.record, taskId));
  }

  /** The end step's task, or undefined when the run never reached it. */
  async endTask(): Promise<TaskHandle | undefined> {
    const [end] = await this.session.meta.listTasks(this.id, { step: 'end', limit: 1 });
    return end && new TaskHandle(this.session, end);
  }

  /** The end task's artifacts (lazy values); throws when the run has no finished end task. */
  async data(): Promise<Readonly<Record<string, unknown>>> {
    const end = await this.endTask();
    if (!end || end.status !== 'done') {
      const state = end ? `its end task is ${end.status}` : 'it has no end task';
      throw new ClientError(`run ${this.pathspec} has no end artifacts: ${state} (run status ${this.status}); read a task's artifacts instead`);
    }
    return end.data();
  }

  /** Adds user tags; returns the refreshed run. Empty, over-long and system tags are refused. */
  async addTags(tags: readonly string[]): Promise<RunHandle> {
    const clean = checkTagChange(this.record, tags, 'add');
    await this.session.writable((meta) => meta.addTags(this.id, clean));
    return this.refresh();
  }

  /** Removes user tags (absent ones are ignored); returns the refreshed run. System tags are refused. */
  async removeTags(tags: readonly string[]): Promise<RunHandle> {
    const clean = checkTagChange(this.record, tags, 'remove');
    await this.session.writable((meta) => meta.removeTags(this.id, clean));
    return this.refresh();
  }

  /** A fresh handle with the run's current record. */
  async refresh(): Promise<RunHandle> {
    const record = await this.session.meta.getRun(this.id);
    if (!record) throw new ClientError(`run ${this.pathspec} no longer exists`);
    return new RunHandle(this.session, record);
  }

  /** Plain data for JSON output. */
  toJSON(): Record<string, unknown> {
    return {
      pathspec: this.pathspec,
      flow: this.flow,
      runId: this.id,
      status: this.status,
      user: this.user,
      ...this.timings,
      params: this.params,
      tags: this.tags,
      systemTags: this.systemTags,
      flowFile: this.flowFile,
      codeDigest: this.codeDigest,
      originRunId: this.originRunId,
      error: this.error,
    };
  }
}
