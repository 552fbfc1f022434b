/**
 * A flow's runs: filtered by tags (all must match), status and count, newest first.
 */
import type { RunStatus } from '../store/types.js';
import { findRun } from './lookup.js';
import { RunHandle } from './run.js';
import type { Session } from './session.js';

/** Which runs to list. */
export interface RunFilter {
  /** Runs carrying every one of these tags (user or system). */
  readonly tags?: readonly string[];
  readonly status?: RunStatus;
  /** At most this many (newest first). */
  readonly limit?: number;
  /** Only runs older than this run id (a paging cursor). */
  readonly before?: string;
}

export class FlowHandle {
  constructor(
    private readonly session: Session,
    /** The flow's name; also its pathspec. */
    readonly name: string,
    /** When the flow's first run was created. */
    readonly createdAt: number,
  ) {}

  get pathspec(): string {
    return this.name;
  }

  /** The flow's runs, newest first. */
  async runs(filter: RunFilter = {}): Promise<RunHandle[]> {
    const records = await this.session.meta.listRuns({ ...filter, flow: this.name });
    return records.map((record) => new RunHandle(this.session, record));
  }

  /** The newest run (whatever its status), or undefined when the flow has none. */
  async latestRun(): Promise<RunHandle | undefined> {
    return (await this.runs({ limit: 1 }))[0];
  }

  /** The newest run that succeeded, or undefined. */
  async latestSuccessfulRun(): Promise<RunHandle | undefined> {
    return (await this.runs({ status: 'succeeded', limit: 1 }))[0];
  }

  /** One run by id (or `latest`); throws naming the flow's latest runs. */
  async run(runId: string): Promise<RunHandle> {
    return new RunHandle(this.session, await findRun(this.session, this.name, runId));
  }

  toJSON(): Record<string, unknown> {
    return { flow: this.name, createdAt: this.createdAt };
  }
}
