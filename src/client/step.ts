/**
 * A step of a run: its tasks, in creation order (a foreach step's tasks in split order).
 */
import type { TaskStatus } from '../store/types.js';
import { ClientError } from './errors.js';
import { formatPathspec } from './pathspec.js';
import type { Session } from './session.js';
import { pageTasks, TaskHandle } from './task.js';

export class StepHandle {
  /** `Flow/RunId/Step` */
  readonly pathspec: string;

  constructor(
    private readonly session: Session,
    readonly flow: string,
    readonly runId: string,
    readonly name: string,
    /** Tasks per status when the handle was made. */
    readonly counts: Readonly<Record<TaskStatus, number>>,
  ) {
    this.pathspec = formatPathspec(flow, runId, name);
  }

  /** Number of tasks the step has (all statuses). */
  get taskCount(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }

  /** The step's tasks in id order, paged under the hood (any number of tasks). */
  tasks(): AsyncIterable<TaskHandle> {
    return pageTasks(this.session, this.runId, this.name);
  }

  /** All the step's tasks in id order, as an array. */
  async taskList(): Promise<TaskHandle[]> {
    const out: TaskHandle[] = [];
    for await (const task of this.tasks()) out.push(task);
    return out;
  }

  /** The step's only task; throws when it has several (a foreach), naming some of them. */
  async task(): Promise<TaskHandle> {
    const first = await this.session.meta.listTasks(this.runId, { step: this.name, limit: 3 });
    if (first.length === 1) return new TaskHandle(this.session, first[0]!);
    if (first.length === 0) throw new ClientError(`step ${this.pathspec} has no tasks`);
    const examples = first.map((t) => `${this.pathspec}/${t.taskId}`).join(', ');
    throw new ClientError(`step ${this.pathspec} has ${this.taskCount} tasks; name one with a task pathspec, e.g. ${examples}`);
  }

  /** Plain data for JSON output. */
  toJSON(): Record<string, unknown> {
    return { pathspec: this.pathspec, step: this.name, tasks: this.taskCount, counts: this.counts };
  }
}
