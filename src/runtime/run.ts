/**
 * `runFlow` and `resumeFlow`: the public entries to run a flow file locally — load, validate,
 * resolve params and options, create the run, execute on the pool (or inline), record the outcome.
 */
import { availableParallelism, hostname, totalmem, userInfo } from 'node:os';
import { analyzeFlow } from '../flow/graph.js';
import { effectiveOptions, optionProblems, parseWithOptions } from '../flow/options.js';
import { resolveParams, type ParamSources } from '../flow/params.js';
import { graphData } from '../flow/render.js';
import type { StepOptions } from '../flow/types.js';
import { openStore, type Store } from '../store/home.js';
import { newRunId } from '../store/ids.js';
import type { RunRecord, StoredGraph } from '../store/types.js';
import { impossibleRequests, type Capacity } from './admission.js';
import { stepCodeDigests } from './code-digest.js';
import { Coordinator } from './coordinator.js';
import { markCrashedRuns } from './crash.js';
import { InlineExecutor } from './executors/inline.js';
import { PoolExecutor } from './executors/pool.js';
import { loadFlowFile } from './loader.js';
import type { RunFinishedInfo, RunObserver, TaskFailureReport } from './observer.js';
import type { Executor, RunInfo, TaskRecordEvent } from './protocol.js';
import { RunSetupError } from './errors.js';
import { ResumePlan } from './resume.js';
import './planner/context.js';
import '../track/runtime.js';

export { RunSetupError } from './errors.js';

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
  /** Pool size; defaults to the number of cores (or the CPUs available to admission, if more). */
  readonly maxWorkers?: number;
  /** CPUs admission may hand out (default: max(cores, maxWorkers)). */
  readonly cpus?: number;
  /** Memory admission may hand out, MiB (default: 90% of the machine's). */
  readonly memoryMiB?: number;
  /** GPU device ids to hand out (default: none). */
  readonly gpus?: readonly string[];
  /** `--with` specs applied to every step that doesn't set the option itself. */
  readonly with?: readonly string[];
  /** Serve every step from the step cache when possible (like `cache: true` on each). */
  readonly cache?: boolean;
  readonly user?: string;
  readonly observer?: RunObserver;
  /** Aborting stops the run: running tasks are killed and the run is recorded as failed (interrupted). */
  readonly signal?: AbortSignal;
}

export interface RunFlowResult extends RunFinishedInfo {
  /** `Flow/RunId` */
  readonly pathspec: string;
  /** Failed foreach items tolerated by onFailure 'continue' (the run's dead-letter list). */
  readonly deadLetters: readonly TaskFailureReport[];
  /** Tasks cloned from the origin run (resume) or served from the step cache. */
  readonly cloned: number;
  readonly cachedHits: number;
  readonly peakConcurrency: number;
  readonly originRunId: string | null;
}

export interface ResumeFlowOptions extends Omit<RunFlowOptions, 'file'> {
  /** The flow's name, to pick its latest failed or crashed run when `origin` is not given. */
  readonly flow?: string;
  /** Run id (or `Flow/RunId`) to resume. */
  readonly origin?: string;
  /** Re-run this step and everything after it, cloning the rest. */
  readonly from?: string;
  /** Flow file; defaults to the one the origin ran. */
  readonly file?: string;
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
 * Runs a flow to completion. Invalid graphs, options, params and tags throw before any run is
 * created; a failing task yields a result with status 'failed' and the failure reports.
 */
export function runFlow(options: RunFlowOptions): Promise<RunFlowResult> {
  return execute(options, undefined);
}

/**
 * Resumes a failed, crashed or finished run: tasks whose inputs (params they read, artifacts and
 * items they read) are unchanged are cloned — metadata only — and the rest re-run.
 */
export async function resumeFlow(options: ResumeFlowOptions): Promise<RunFlowResult> {
  const store = openStore(options.home);
  let origin: RunRecord | undefined;
  try {
    const id = options.origin?.includes('/') ? options.origin.split('/')[1] : options.origin;
    await markCrashedRuns(store.meta);
    if (id) {
      origin = await store.meta.getRun(id);
      if (!origin) throw new RunSetupError(`resume: no run '${options.origin}' in ${store.home}`);
    } else {
      if (!options.flow) throw new RunSetupError('resume: name the run to resume (--origin Flow/RunId) or the flow');
      origin = (await store.meta.listRuns({ flow: options.flow, limit: 50 })).find((r) => r.status === 'failed' || r.status === 'crashed');
      if (!origin) throw new RunSetupError(`resume: flow ${options.flow} has no failed or crashed run to resume; pass --origin to resume a specific run`);
    }
    if (origin.status === 'running') throw new RunSetupError(`resume: run ${origin.flow}/${origin.runId} is still running (coordinator pid ${origin.coordinator.pid})`);
  } finally {
    await store.close();
  }
  return execute({ ...options, file: options.file ?? origin.flowFile }, { origin, from: options.from });
}

async function execute(options: RunFlowOptions, resume: { origin: RunRecord; from: string | undefined } | undefined): Promise<RunFlowResult> {
  const env = options.env ?? process.env;
  const loaded = await loadFlowFile(options.file);
  const { flow } = loaded;
  const graph = analyzeFlow(flow);
  if (resume && resume.origin.flow !== flow.name) {
    throw new RunSetupError(`resume: run ${resume.origin.runId} belongs to flow ${resume.origin.flow}, but ${options.file} defines ${flow.name}`);
  }
  for (const tag of options.tags ?? []) {
    const problem = tagProblem(tag);
    if (problem) throw new RunSetupError(`--tag ${JSON.stringify(tag)}: ${problem}`);
  }
  const defaults = parseWithOptions(options.with ?? []);
  const stepOptions = new Map<string, StepOptions>(flow.steps.map((def) => [def.name, effectiveOptions(def, defaults)]));
  const problems = flow.steps.flatMap((def) => optionProblems(def, stepOptions.get(def.name)));
  const workers = options.maxWorkers ?? availableParallelism();
  const capacity: Capacity = {
    cpu: options.cpus ?? Math.max(availableParallelism(), workers),
    memoryMiB: options.memoryMiB ?? (totalmem() / (1024 * 1024)) * 0.9,
    gpus: options.gpus ?? [],
  };
  problems.push(...impossibleRequests(stepOptions, capacity));
  if (problems.length > 0) throw new RunSetupError(`flow ${flow.name} cannot run:\n  - ${[...new Set(problems)].join('\n  - ')}`);
  // On resume, the origin's values stand unless a param is given again.
  const params = await resolveParams(flow.name, flow.params, {
    ...options.params,
    values: { ...(resume?.origin.params ?? {}), ...(options.params?.values ?? {}) },
    env,
  });
  const user = options.user ?? currentUser(env);
  const observer = options.observer ?? {};
  const codeDigests = stepCodeDigests(loaded.file, flow.steps);

  const store = openStore(options.home);
  const runId = newRunId();
  const createdAt = Date.now();
  const originRunId = resume?.origin.runId ?? null;
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
    systemTags: [`user:${user}`, 'runtime:local', ...(originRunId ? [`origin:${originRunId}`] : [])],
    originRunId,
    coordinator: { pid: process.pid, host: hostname(), heartbeatAt: createdAt },
    error: null,
    graph: graphData(graph, { params: flow.params, doc: flow.doc }) as unknown as StoredGraph,
  };
  const run: RunInfo = { flow: flow.name, runId, user, tags: record.tags, originRunId, home: store.home, flowFile: loaded.file, params };
  let executor: Executor | undefined;
  let coordinator: Coordinator | undefined;
  const onRecords = (taskId: number, attempt: number, records: readonly TaskRecordEvent[]): void => coordinator?.records(taskId, attempt, records);
  try {
    const resumePlan = resume ? await ResumePlan.load(store.meta, resume.origin, graph, params, resume.from) : undefined;
    await store.meta.createRun(record);
    await store.meta.write([{ op: 'event', runId, time: createdAt, kind: 'run-started', payload: { flow: flow.name, originRunId } }]);
    const kind = options.executor ?? 'pool';
    const mayReuse = resumePlan !== undefined || options.cache === true || [...stepOptions.values()].some((o) => o.cache);
    // The RSS watchdog enforces declared memory; the V8 heap limit only needs raising so a step
    // allowed more than V8's default heap can actually use it.
    const declaredMiB = Math.max(0, ...[...stepOptions.values()].map((o) => o.resources?.memoryMiB ?? 0));
    const heapLimitMiB = declaredMiB > 2048 ? declaredMiB : undefined;
    executor =
      kind === 'inline'
        ? new InlineExecutor({ flow, graph, run, blobs: store.blobs, logs: store.logs, onLog: (chunk) => observer.log?.(chunk), onRecords })
        : new PoolExecutor({
            run,
            workers,
            heapLimitMiB,
            onLog: (chunk) => observer.log?.(chunk),
            onRecords,
            onStray: (id, stream, text) => observer.stray?.(id, stream, text),
          });
    // Start workers up front unless results may be reused (then they start when first needed).
    if (executor instanceof PoolExecutor && !mayReuse) executor.warm();
    observer.runStarted?.({ flow: flow.name, runId, home: store.home, steps: graph.order, params, executor: kind, workers: kind === 'inline' ? 1 : workers });
    coordinator = new Coordinator({
      run,
      graph,
      meta: store.meta,
      blobs: store.blobs,
      logs: store.logs,
      executor,
      observer,
      options: stepOptions,
      capacity,
      codeDigests,
      cached: (step) => options.cache === true || stepOptions.get(step)?.cache === true,
      resume: resumePlan,
      workers: kind === 'inline' ? 1 : workers,
    });
    const active = coordinator;
    const onAbort = (): void => active.interrupt(String(options.signal?.reason ?? 'aborted'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    const outcome = await coordinator.run().finally(() => options.signal?.removeEventListener('abort', onAbort));
    // Workers go before the run is reported finished, so nothing they print comes after it.
    const closing = executor;
    executor = undefined;
    await closing.close();
    return await finishRun(store, record, outcome, observer);
  } catch (error) {
    await store.meta.write([{ op: 'run', runId, patch: { status: 'failed', endedAt: Date.now(), error: (error as Error).message } }]).catch(() => {});
    throw error;
  } finally {
    await executor?.close();
    await store.close();
  }
}

async function finishRun(
  store: Store,
  record: RunRecord,
  outcome: Awaited<ReturnType<Coordinator['run']>>,
  observer: RunObserver,
): Promise<RunFlowResult> {
  const endedAt = Date.now();
  const error = outcome.failures.length > 0 ? summarize(outcome.failures) : null;
  await store.meta.write([
    { op: 'run', runId: record.runId, patch: { status: outcome.status, endedAt, error } },
    {
      op: 'event',
      runId: record.runId,
      time: endedAt,
      kind: 'run-finished',
      payload: { status: outcome.status, deadLetters: outcome.deadLetters.length, cloned: outcome.cloned, cachedHits: outcome.cachedHits },
    },
  ]);
  const result: RunFlowResult = {
    flow: record.flow,
    runId: record.runId,
    pathspec: `${record.flow}/${record.runId}`,
    status: outcome.status,
    durationMs: endedAt - record.createdAt,
    tasks: outcome.tasks,
    failures: outcome.failures,
    deadLetters: outcome.deadLetters,
    cloned: outcome.cloned,
    cachedHits: outcome.cachedHits,
    peakConcurrency: outcome.peakConcurrency,
    originRunId: record.originRunId,
    home: store.home,
  };
  observer.runFinished?.(result);
  return result;
}

function summarize(failures: readonly TaskFailureReport[]): string {
  const first = failures[0]!;
  const more = failures.length > 1 ? ` (and ${failures.length - 1} more failed task${failures.length > 2 ? 's' : ''})` : '';
  return `step '${first.step}' task ${first.taskId} failed: ${first.error.type}: ${first.error.message}${more}`;
}
