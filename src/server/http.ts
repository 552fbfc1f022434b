/**
 * Shared pieces of the API routes: the error type every handler throws, and lookups that turn
 * "no such run/task" into 404s naming what was asked for.
 */
import type { Store } from '../store/home.js';
import type { RunRecord, TaskRecord } from '../store/types.js';
import type { StoreAccess } from './store-access.js';

/** An error the API answers with `{ error, message }` and an HTTP status. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 413 | 500 | 503,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The stores, or a 404 saying nothing has run in this home yet. */
export function storeOf(access: StoreAccess): Store {
  const store = access.get();
  if (!store) throw new ApiError(404, 'no-store', `no Sluice store at ${access.home} yet (nothing has run with this home)`);
  return store;
}

/** A run by flow and id; 404 naming both when it does not exist. */
export async function findRun(access: StoreAccess, flow: string, runId: string): Promise<RunRecord> {
  const run = await storeOf(access).meta.getRun(runId);
  if (!run || run.flow !== flow) {
    const where = run ? ` (run ${runId} belongs to flow '${run.flow}')` : '';
    throw new ApiError(404, 'not-found', `flow '${flow}' has no run '${runId}'${where}`);
  }
  return run;
}

/** A task of a run by id; 404 naming the run when it does not exist. */
export async function findTask(access: StoreAccess, run: RunRecord, taskId: number): Promise<TaskRecord> {
  const task = await storeOf(access).meta.getTask(run.runId, taskId);
  if (!task) throw new ApiError(404, 'not-found', `run ${run.flow}/${run.runId} has no task ${taskId}`);
  return task;
}
