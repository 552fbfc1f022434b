/**
 * `runFlow`: the public entry to run a flow file locally — load, validate, resolve params,
 * create the run, execute on the pool (or inline), record the outcome.
 */
import { availableParallelism, hostname, userInfo } from 'node:os';
import { analyzeFlow } from '../flow/graph.js';
import { graphData } from '../flow/render.js';
import { resolveParams, type ParamSources } from '../flow/params.js';
import { openStore } from '../store/home.js';
import { newRunId } from '../store/ids.js';
import type { RunRecord, StoredGraph } from '../store/types.js';
import { Coordinator } from './coordinator.js';
import { InlineExecutor } from './executors/inline.js';
import { PoolExecutor } from './executors/pool.js';
import { loadFlowFile } from './loader.js';
import type { RunFinishedInfo, RunObserver, TaskFailureReport } from './observer.js';
import type { Executor, RunInfo, TaskRecordEvent } from './protocol.js';

export interface RunFlowOptions {
  /** Path of the flow file (TypeScript or JavaScript). */
  readonly file: string;
  /** Store home; defaults to SLUICE_HOME or ./.sluice. */
  readonly home?: string;
  /** Raw CLI strings and/or typed values for params; env SLUICE_PARAM_* is read from `env`. */
  readonly params?: Omit<ParamSources, 'env'>;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** User tags for the run. */
  readonly tags?: readonly string[];
  readonly executor?: 'pool' | 'inline';
  /** Pool size; defaults to the number of cores. */
  readonly maxWorkers?: number;
  readonly user?: string;
  readonly observer?: RunObserver;
  /** Aborting stops the run: running tasks are killed and the run is recorded as failed (interrupted). */
  readonly signal?: AbortSignal;
}

export interface RunFlowResult extends RunFinishedInfo {
  /** `Flow/RunId` */
  readonly pathspec: string;
}

/** Validates a user tag; returns an error message or undefined. */
export function tagProblem(tag: unknown): string | undefined {
  if (typeof tag !== 'string') return `tags must be strings, got ${typeof tag}`;
  if (tag.trim() === '') return 'tags must not be empty';
  if (tag.length > 500) return `tag is ${tag.length} characters long; the limit is 500`;
  return undefined;
}

function currentUser(env: Readonly<Record<string, string | undefined>>): string {
  if (env.SLUICE_USER) return env.SLUICE_USER;
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? 'unknown';
  }
}

/**
 * Runs a flow to completion. Invalid graphs, params and tags throw before any run is created;
 * a failing task yields a result with status 'failed' and the failure reports.
 */
export async function runFlow(options: RunFlowOptions): Promise<RunFlowResult> {
  const env = options.env ?? process.env;
  const loaded = await loadFlowFile(options.file);
  const { flow } = loaded;
  const graph = analyzeFlow(flow);
  for (const tag of options.tags ?? []) {
    const problem = tagProblem(tag);
    if (problem) throw new TypeError(`--tag ${JSON.stringify(tag)}: ${problem}`);
  }
  const params = await resolveParams(flow.name, flow.params, { ...options.params, env });
  const user = options.user ?? currentUser(env);
  const observer = options.observer ?? {};

  const store = openStore(options.home);
  const runId = newRunId();
  const createdAt = Date.now();
  const record: RunRecord = {
    flow: flow.name,
    runId,
    status: 'running',
    createdAt,
    endedAt: null,
    user,
    flowFile: loaded.file,
    codeDigest: loaded.codeDigest,
    params,
    tags: [...new Set(options.tags ?? [])],
    systemTags: [`user:${user}`, 'runtime:local'],
    originRunId: null,
    coordinator: { pid: process.pid, host: hostname(), heartbeatAt: createdAt },
    error: null,
    graph: graphData(graph, { params: flow.params, doc: flow.doc }) as unknown as StoredGraph,
  };
  const run: RunInfo = { flow: flow.name, runId, user, tags: record.tags, originRunId: null, home: store.home, flowFile: loaded.file, params };
  const workers = options.maxWorkers ?? availableParallelism();
  let executor: Executor | undefined;
  let coordinator: Coordinator | undefined;
  const onRecords = (taskId: number, attempt: number, records: readonly TaskRecordEvent[]): void =>
    coordinator?.records(taskId, attempt, records);
  try {
    await store.meta.createRun(record);
    await store.meta.write([{ op: 'event', runId, time: createdAt, kind: 'run-started', payload: { flow: flow.name } }]);
    const kind = options.executor ?? 'pool';
    executor =
      kind === 'inline'
        ? new InlineExecutor({ flow, graph, run, blobs: store.blobs, logs: store.logs, onLog: (chunk) => observer.log?.(chunk), onRecords })
        : new PoolExecutor({
            run,
            workers,
            onLog: (chunk) => observer.log?.(chunk),
            onRecords,
            onStray: (id, stream, text) => observer.stray?.(id, stream, text),
          });
    observer.runStarted?.({ flow: flow.name, runId, home: store.home, steps: graph.order, params, executor: kind, workers: kind === 'inline' ? 1 : workers });
    coordinator = new Coordinator({ run, graph, meta: store.meta, blobs: store.blobs, logs: store.logs, executor, observer });
    const onAbort = (): void => coordinator?.interrupt(String(options.signal?.reason ?? 'aborted'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    const outcome = await coordinator.run().finally(() => options.signal?.removeEventListener('abort', onAbort));
    const endedAt = Date.now();
    const error = outcome.failures.length > 0 ? summarize(outcome.failures) : null;
    await store.meta.write([
      { op: 'run', runId, patch: { status: outcome.status, endedAt, error } },
      { op: 'event', runId, time: endedAt, kind: 'run-finished', payload: { status: outcome.status } },
    ]);
    const result: RunFlowResult = {
      flow: flow.name,
      runId,
      pathspec: `${flow.name}/${runId}`,
      status: outcome.status,
      durationMs: endedAt - createdAt,
      tasks: outcome.tasks,
      failures: outcome.failures,
      home: store.home,
    };
    observer.runFinished?.(result);
    return result;
  } catch (error) {
    await store.meta
      .write([{ op: 'run', runId, patch: { status: 'failed', endedAt: Date.now(), error: (error as Error).message } }])
      .catch(() => {});
    throw error;
  } finally {
    await executor?.close();
    await store.close();
  }
}

function summarize(failures: readonly TaskFailureReport[]): string {
  const first = failures[0]!;
  const more = failures.length > 1 ? ` (and ${failures.length - 1} more failed task${failures.length > 2 ? 's' : ''})` : '';
  return `step '${first.step}' task ${first.taskId} failed: ${first.error.type}: ${first.error.message}${more}`;
}
