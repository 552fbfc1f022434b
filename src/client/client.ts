/**
 * The read API over a Sluice home: flows → runs → steps → tasks → artifacts and logs,
 * addressed by pathspec (`Flow/RunId/Step/TaskId`).
 *
 * ```ts
 * const client = new Client();
 * const run = await (await client.flow('TrainFlow')).latestSuccessfulRun();
 * const { best } = await run!.data();
 * await client.close();
 * ```
 */
import { resolveHome } from '../store/home.js';
import { FlowHandle, type RunFilter } from './flow.js';
import { checkStep, findFlow, findRun, findTask } from './lookup.js';
import { parsePathspec, parsePathspecOf } from './pathspec.js';
import { RunHandle } from './run.js';
import { Session } from './session.js';
import { StepHandle } from './step.js';
import { TaskHandle } from './task.js';

export interface ClientOptions {
  /** The Sluice home; defaults to SLUICE_HOME or ./.sluice. */
  readonly home?: string;
}

/** Anything a pathspec can name. */
export type Handle = FlowHandle | RunHandle | StepHandle | TaskHandle;

export class Client {
  private readonly session: Session;

  /**
   * A client on `home` (a path, or `{ home }`; default SLUICE_HOME or ./.sluice). Opens nothing
   * yet: the store is opened read-only on the first query.
   */
  constructor(options: ClientOptions | string = {}) {
    const home = typeof options === 'string' ? options : options.home;
    this.session = new Session(home ?? resolveHome());
  }

  /** Absolute path of the home this client reads. */
  get home(): string {
    return this.session.home;
  }

  /** Every flow that has runs, by name. */
  async flows(): Promise<FlowHandle[]> {
    return (await this.session.meta.listFlows()).map((f) => new FlowHandle(this.session, f.name, f.createdAt));
  }

  /** One flow; throws naming the flows that exist. */
  async flow(name: string): Promise<FlowHandle> {
    parsePathspecOf(name, 'flow');
    const record = await findFlow(this.session, name);
    return new FlowHandle(this.session, record.name, record.createdAt);
  }

  /** Runs of every flow (or of `flow`), newest first. */
  async runs(filter: RunFilter & { readonly flow?: string } = {}): Promise<RunHandle[]> {
    if (filter.flow !== undefined) await findFlow(this.session, filter.flow);
    return (await this.session.meta.listRuns(filter)).map((record) => new RunHandle(this.session, record));
  }

  /** A run by pathspec `Flow/RunId` (`Flow/latest` for the newest). */
  async run(pathspec: string): Promise<RunHandle> {
    const spec = parsePathspecOf(pathspec, 'run');
    return new RunHandle(this.session, await findRun(this.session, spec.flow, spec.runId!, pathspec));
  }

  /** A step by pathspec `Flow/RunId/Step`. */
  async step(pathspec: string): Promise<StepHandle> {
    const spec = parsePathspecOf(pathspec, 'step');
    const run = await findRun(this.session, spec.flow, spec.runId!, pathspec);
    await checkStep(this.session, run, spec.step!, pathspec);
    const counts = await this.session.meta.countTasks(run.runId);
    return new StepHandle(this.session, run.flow, run.runId, spec.step!, counts[spec.step!]!);
  }

  /** A task by pathspec `Flow/RunId/Step/TaskId`. */
  async task(pathspec: string): Promise<TaskHandle> {
    const spec = parsePathspecOf(pathspec, 'task');
    const run = await findRun(this.session, spec.flow, spec.runId!, pathspec);
    return new TaskHandle(this.session, await findTask(this.session, run, spec.taskId!, spec.step!, pathspec));
  }

  /** Whatever the pathspec names: a flow, run, step or task. */
  async get(pathspec: string): Promise<Handle> {
    switch (parsePathspec(pathspec).kind) {
      case 'flow':
        return this.flow(pathspec);
      case 'run':
        return this.run(pathspec);
      case 'step':
        return this.step(pathspec);
      case 'task':
        return this.task(pathspec);
    }
  }

  /** Closes the store connection; handles made by this client stop working. */
  async close(): Promise<void> {
    await this.session.close();
  }
}
