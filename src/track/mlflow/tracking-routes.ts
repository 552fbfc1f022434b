/**
 * MLflow tracking endpoints: experiments (= Sluice flows), runs, logging, metric history, search.
 * Experiment id "0" (MLflow's default experiment) is the flow `Default`, created on first use.
 */
import type { Hono } from 'hono';
import { hostname } from 'node:os';
import { newRunId } from '../../store/ids.js';
import { EXPERIMENT_FILTER, parseFilter, parseOrderBy } from '../../store/tracking/filter.js';
import type { MetricPoint, RunView } from '../../store/tracking/types.js';
import type { MetadataStore, RunRecord } from '../../store/types.js';
import { compact, double, experimentJson, RUN_NAME_TAG, runInfoJson, runJson, sluiceStatus } from './convert.js';
import { MlflowError } from './errors.js';
import { matches } from './evaluate.js';
import { keyValues, optionalInt, optionalObjects, optionalString, optionalStrings, requiredDouble, requiredInt, requiredString, type Params } from './request.js';
import { route, type MlflowDeps } from './routes.js';

const FLOW_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const DEFAULT_EXPERIMENT = 'Default';
const LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000 };

const experimentOf = (id: string): string => (id === '0' ? DEFAULT_EXPERIMENT : id);

async function findFlow(meta: MetadataStore, name: string): Promise<{ name: string; createdAt: number } | undefined> {
  return (await meta.listFlows()).find((f) => f.name === name);
}

async function requireRun(meta: MetadataStore, params: Params): Promise<RunRecord> {
  const runId = optionalString(params, 'run_id') ?? optionalString(params, 'run_uuid');
  if (!runId) throw new MlflowError('INVALID_PARAMETER_VALUE', "Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.");
  const run = await meta.getRun(runId);
  if (!run) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `Run with id=${runId} not found`);
  return run;
}

/** Logging to a deleted run is refused, as in MLflow. Also refreshes the heartbeat so crash detection leaves API runs alone. */
async function activeRun(meta: MetadataStore, params: Params): Promise<RunRecord> {
  const run = await requireRun(meta, params);
  const data = (await meta.tracking.getRunData([run.runId])).get(run.runId);
  if (data?.deletedAt) throw new MlflowError('INVALID_PARAMETER_VALUE', `The run ${run.runId} must be in the 'active' state. Current state is deleted.`);
  if (run.status === 'running') await meta.write([{ op: 'run', runId: run.runId, patch: { heartbeatAt: Date.now() } }]);
  return run;
}

async function runResponse(meta: MetadataStore, run: RunRecord): Promise<Record<string, unknown>> {
  const fresh = (await meta.getRun(run.runId)) ?? run;
  return runJson(fresh, (await meta.tracking.getRunData([run.runId])).get(run.runId));
}

function metricPoint(item: Params, where: string): MetricPoint {
  const key = requiredString(item, 'key');
  try {
    return { key, value: requiredDouble(item, 'value'), timestamp: requiredInt(item, 'timestamp'), step: optionalInt(item, 'step') ?? 0 };
  } catch (error) {
    if (error instanceof MlflowError) throw new MlflowError(error.code, `${where}: ${error.message}`);
    throw error;
  }
}

const VIEWS: Readonly<Record<string, RunView>> = { ACTIVE_ONLY: 'active', DELETED_ONLY: 'deleted', ALL: 'all' };

function runView(params: Params, name: string): RunView {
  const view = optionalString(params, name) ?? 'ACTIVE_ONLY';
  const found = VIEWS[view.toUpperCase()];
  if (!found) throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid value '${view}' for parameter '${name}': expected ACTIVE_ONLY, DELETED_ONLY or ALL`);
  return found;
}

export function trackingRoutes(app: Hono, deps: MlflowDeps): void {
  const meta = (): MetadataStore => deps.store().meta;

  // ---- experiments ----
  route(app, ['POST'], '/experiments/create', deps, async (params) => {
    const name = requiredString(params, 'name');
    if (!FLOW_NAME.test(name)) {
      throw new MlflowError('INVALID_PARAMETER_VALUE', `experiment name '${name}' is not a Sluice flow name: use letters, digits, '_' and '-', starting with a letter or '_'`);
    }
    if (await findFlow(meta(), name)) throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Experiment(name=${name}) already exists.`);
    await meta().tracking.setFlowTags(name, keyValues(params, 'tags'), Date.now());
    return { experiment_id: name };
  });

  const experimentResponse = async (name: string): Promise<Record<string, unknown>> => {
    const flow = (await findFlow(meta(), name))!;
    const [latest] = await meta().listRuns({ flow: name, limit: 1 });
    return experimentJson({ ...flow, updatedAt: Math.max(flow.createdAt, latest?.createdAt ?? 0) }, await meta().tracking.getFlowTags(name));
  };

  route(app, ['GET'], '/experiments/get', deps, async (params) => {
    const id = requiredString(params, 'experiment_id');
    if (!(await findFlow(meta(), experimentOf(id)))) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${id} exists`);
    return { experiment: await experimentResponse(experimentOf(id)) };
  });

  route(app, ['GET'], '/experiments/get-by-name', deps, async (params) => {
    const name = requiredString(params, 'experiment_name');
    if (!(await findFlow(meta(), name))) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `Could not find experiment with name ${name}`);
    return { experiment: await experimentResponse(name) };
  });

  route(app, ['GET', 'POST'], '/experiments/search', deps, async (params) => {
    const limit = optionalInt(params, 'max_results') ?? 1000;
    if (limit < 1 || limit > 50_000) throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid value ${limit} for parameter 'max_results' supplied: it must be from 1 to 50000`);
    const filter = parseFilter(optionalString(params, 'filter'), EXPERIMENT_FILTER);
    const order = [...filter.orderBy, ...parseOrderBy(optionalStrings(params, 'order_by'), EXPERIMENT_FILTER)];
    const experiments = await Promise.all((await meta().listFlows()).map((f) => experimentResponse(f.name)));
    const value = (e: Record<string, unknown>, ident: { entity: string; key: string }): string | number | undefined =>
      ident.entity === 'tag'
        ? (e.tags as { key: string; value: string }[]).find((t) => t.key === ident.key)?.value
        : (e[ident.key === 'name' ? 'name' : ident.key] as string | number | undefined);
    const kept = experiments.filter((e) => !filter.where || matches(filter.where, (ident) => value(e, ident)));
    const keys = order.length > 0 ? order : [{ ident: { entity: 'attribute', key: 'creation_time' }, descending: true }];
    kept.sort((a, b) => {
      for (const key of keys) {
        const [x, y] = [value(a, key.ident), value(b, key.ident)];
        if (x === y) continue;
        if (x === undefined) return 1;
        if (y === undefined) return -1;
        return (x < y ? -1 : 1) * (key.descending ? -1 : 1);
      }
      return String(a.name) < String(b.name) ? -1 : 1;
    });
    const offset = Number(optionalString(params, 'page_token') ?? '0');
    if (!Number.isSafeInteger(offset) || offset < 0) throw new MlflowError('INVALID_PARAMETER_VALUE', 'page_token is not one this server issued');
    const page = kept.slice(offset, offset + limit);
    return compact({ experiments: page, next_page_token: offset + limit < kept.length ? String(offset + limit) : undefined });
  });

  // ---- runs ----
  route(app, ['POST'], '/runs/create', deps, async (params) => {
    const experiment = experimentOf(optionalString(params, 'experiment_id') ?? '0');
    if (!(await findFlow(meta(), experiment))) {
      if (experiment !== DEFAULT_EXPERIMENT) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${experiment} exists`);
      await meta().tracking.setFlowTags(DEFAULT_EXPERIMENT, [], Date.now());
    }
    const now = Date.now();
    const user = optionalString(params, 'user_id') || deps.actor;
    const tags = keyValues(params, 'tags');
    const runName = optionalString(params, 'run_name');
    const record: RunRecord = {
      flow: experiment,
      runId: newRunId(now),
      status: 'running',
      createdAt: optionalInt(params, 'start_time') ?? now,
      endedAt: null,
      user,
      flowFile: '',
      codeDigest: '',
      params: {},
      tags: [],
      systemTags: [`user:${user}`, 'runtime:mlflow'],
      originRunId: null,
      coordinator: { pid: process.pid, host: `mlflow-api@${hostname()}`, heartbeatAt: now },
      error: null,
      graph: null,
    };
    await meta().createRun(record);
    const allTags = runName ? [...tags.filter((t) => t.key !== RUN_NAME_TAG), { key: RUN_NAME_TAG, value: runName }] : tags;
    if (allTags.length > 0) await meta().tracking.setRunTags(record.runId, allTags);
    return { run: await runResponse(meta(), record) };
  });

  route(app, ['GET'], '/runs/get', deps, async (params) => ({ run: await runResponse(meta(), await requireRun(meta(), params)) }));

  route(app, ['POST'], '/runs/update', deps, async (params) => {
    const run = await requireRun(meta(), params);
    const statusText = optionalString(params, 'status');
    const status = statusText === undefined ? undefined : sluiceStatus(statusText);
    if (statusText !== undefined && !status) {
      throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid value '${statusText}' for parameter 'status': expected RUNNING, SCHEDULED, FINISHED, FAILED or KILLED`);
    }
    const endTime = optionalInt(params, 'end_time');
    const patch = compact({ status, endedAt: endTime ?? (status && status !== 'running' && run.endedAt === null ? Date.now() : undefined) });
    if (Object.keys(patch).length > 0) await meta().write([{ op: 'run', runId: run.runId, patch }]);
    const runName = optionalString(params, 'run_name');
    if (runName) await meta().tracking.setRunTags(run.runId, [{ key: RUN_NAME_TAG, value: runName }]);
    const fresh = (await meta().getRun(run.runId))!;
    return { run_info: runInfoJson(fresh, (await meta().tracking.getRunData([run.runId])).get(run.runId)) };
  });

  route(app, ['POST'], '/runs/delete', deps, async (params) => {
    await meta().tracking.setRunDeleted((await requireRun(meta(), params)).runId, true);
    return {};
  });

  route(app, ['POST'], '/runs/restore', deps, async (params) => {
    await meta().tracking.setRunDeleted((await requireRun(meta(), params)).runId, false);
    return {};
  });

  route(app, ['POST'], '/runs/log-metric', deps, async (params) => {
    const point = metricPoint(params, 'log-metric');
    const run = await activeRun(meta(), params);
    await meta().tracking.logMetrics(run.runId, [point]);
    return {};
  });

  route(app, ['POST'], '/runs/log-parameter', deps, async (params) => {
    const key = requiredString(params, 'key');
    const value = params.value;
    if (typeof value !== 'string') throw new MlflowError('INVALID_PARAMETER_VALUE', `Missing value for required parameter 'value' (a string) of param '${key}'.`);
    const run = await activeRun(meta(), params);
    await meta().tracking.logParams(run.runId, [{ key, value }]);
    return {};
  });

  route(app, ['POST'], '/runs/log-batch', deps, async (params) => {
    const metrics = optionalObjects(params, 'metrics');
    const logged = keyValues(params, 'params');
    const tags = keyValues(params, 'tags');
    for (const [kind, count] of [['metrics', metrics.length], ['params', logged.length], ['tags', tags.length]] as const) {
      if (count > LIMITS[kind]) {
        throw new MlflowError('INVALID_PARAMETER_VALUE', `A batch logging request can contain at most ${LIMITS[kind]} ${kind}. Got ${count} ${kind}. Please split up ${kind} across multiple requests and try again.`);
      }
    }
    const total = metrics.length + logged.length + tags.length;
    if (total > LIMITS.total) {
      throw new MlflowError('INVALID_PARAMETER_VALUE', `A batch logging request can contain at most ${LIMITS.total} total metrics, params and tags. Got ${total}.`);
    }
    const points = metrics.map((m, i) => metricPoint(m, `metrics[${i}]`));
    const run = await activeRun(meta(), params);
    if (logged.length > 0) await meta().tracking.logParams(run.runId, logged);
    if (points.length > 0) await meta().tracking.logMetrics(run.runId, points);
    if (tags.length > 0) await meta().tracking.setRunTags(run.runId, tags);
    return {};
  });

  route(app, ['POST'], '/runs/set-tag', deps, async (params) => {
    const key = requiredString(params, 'key');
    const value = params.value;
    if (typeof value !== 'string') throw new MlflowError('INVALID_PARAMETER_VALUE', `Missing value for required parameter 'value' (a string) of tag '${key}'.`);
    const run = await activeRun(meta(), params);
    await meta().tracking.setRunTags(run.runId, [{ key, value }]);
    return {};
  });

  route(app, ['POST'], '/runs/delete-tag', deps, async (params) => {
    const key = requiredString(params, 'key');
    const run = await activeRun(meta(), params);
    if (!(await meta().tracking.deleteRunTag(run.runId, key))) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `No tag with name: ${key} in run with id ${run.runId}`);
    return {};
  });

  route(app, ['POST'], '/runs/search', deps, async (params) => {
    const ids = optionalStrings(params, 'experiment_ids');
    const result = await meta().tracking.searchRuns({
      flows: ids?.map(experimentOf),
      filter: optionalString(params, 'filter'),
      orderBy: optionalStrings(params, 'order_by'),
      limit: optionalInt(params, 'max_results') ?? 1000,
      pageToken: optionalString(params, 'page_token'),
      view: runView(params, 'run_view_type'),
    });
    const data = await meta().tracking.getRunData(result.runs.map((r) => r.runId));
    return compact({ runs: result.runs.map((run) => runJson(run, data.get(run.runId))), next_page_token: result.nextPageToken ?? undefined });
  });

  route(app, ['GET'], '/metrics/get-history', deps, async (params) => {
    const key = requiredString(params, 'metric_key');
    const run = await requireRun(meta(), params);
    const limit = optionalInt(params, 'max_results') ?? 25_000;
    if (limit < 1) throw new MlflowError('INVALID_PARAMETER_VALUE', `max_results must be at least 1, got ${limit}`);
    const offset = Number(optionalString(params, 'page_token') ?? '0');
    if (!Number.isSafeInteger(offset) || offset < 0) throw new MlflowError('INVALID_PARAMETER_VALUE', 'page_token is not one this server issued');
    const points = await meta().tracking.getMetricHistory(run.runId, key, { offset, limit: limit + 1 });
    return compact({
      metrics: points.slice(0, limit).map((p) => ({ key: p.key, value: double(p.value), timestamp: p.timestamp, step: p.step })),
      next_page_token: points.length > limit ? String(offset + limit) : undefined,
    });
  });
}
