/** Loads what a profile needs from a metadata store: the run, its tasks and events, and earlier runs of its flow. */
import type { EventRecord, MetadataStore, RunRecord, TaskRecord } from '../../store/types.js';
import { usableCores } from '../planner/cgroup.js';
import { profileRun } from './profile.js';
import type { RunProfile } from './types.js';

const PAGE = 10_000;

async function allTasks(meta: MetadataStore, runId: string): Promise<TaskRecord[]> {
  const out: TaskRecord[] = [];
  for (let after = 0; ; ) {
    const page = await meta.listTasks(runId, { after, limit: PAGE });
    out.push(...page);
    if (page.length < PAGE) return out;
    after = page[page.length - 1]!.taskId;
  }
}

export interface LoadProfileOptions {
  /** Pool size, when known better than the records tell. */
  readonly workers?: number;
  /** Cores of the machine the run used (default: this machine's). */
  readonly cores?: number;
  /** Earlier successful runs of the flow used for predictions (default 5; 0 for none). */
  readonly history?: number;
}

/** Profiles a run by id (the caller resolves pathspecs like `Flow/latest`). */
export async function loadRunProfile(meta: MetadataStore, run: RunRecord, options: LoadProfileOptions = {}): Promise<RunProfile> {
  const tasks = await allTasks(meta, run.runId);
  const events: EventRecord[] = [];
  for (let afterSeq = 0; ; ) {
    const page = await meta.listEvents({ runId: run.runId, afterSeq, limit: PAGE });
    events.push(...page.filter((e) => e.kind === 'planner.map' || e.kind === 'run-started' || e.kind === 'batch-plan' || e.kind === 'task-batch'));
    if (page.length < PAGE) break;
    afterSeq = page[page.length - 1]!.seq;
  }
  const limit = options.history ?? 5;
  const earlier = limit > 0 ? await meta.listRuns({ flow: run.flow, status: 'succeeded', before: run.runId, limit }) : [];
  const past = await Promise.all(earlier.map(async (r) => ({ run: r, tasks: await allTasks(meta, r.runId) })));
  return profileRun({ run, tasks, events, past, workers: options.workers, cores: options.cores ?? usableCores().usable });
}
