/**
 * Tracked metrics and params of runs: a run's metric summaries, one metric's history (thinned
 * for charts when long), and several runs side by side for comparison.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { MetricPointRecord, MetricSummary as MetricSummaryRecord } from '../../store/tracking/types.js';
import type { RunRecord } from '../../store/types.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, findRun, storeOf } from '../http.js';
import { countQuery, FLOW_NAME, RUN_ID, RunParams } from '../params.js';
import { jsonNumber } from '../preview.js';
import { ErrorBody } from '../schemas.js';
import { Compare, MetricHistory, RunMetrics, type MetricSummaryT } from '../schemas-tracking.js';
import { runSummary } from '../views.js';

const json = <T>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const errors = { 400: json(ErrorBody, 'Bad request'), 401: json(ErrorBody, 'Token missing or wrong'), 404: json(ErrorBody, 'Not found') };

const HISTORY_PAGE = 50_000;
const DEFAULT_MAX_POINTS = 4000;
const MAX_COMPARE = 20;

const runMetricsRoute = createRoute({
  method: 'get',
  path: '/api/runs/{flow}/{runId}/metrics',
  summary: "A run's metric summaries (latest value, min, max, count), logged params and key/value tags",
  request: { params: RunParams },
  responses: { 200: json(RunMetrics, 'Tracked data of the run'), ...errors },
});

const historyRoute = createRoute({
  method: 'get',
  path: '/api/runs/{flow}/{runId}/metric-history',
  summary: "One metric's history in step order (thinned to at most `max` points for charts)",
  request: {
    params: RunParams,
    query: z.object({
      key: z.string().min(1).max(500),
      task: countQuery('task'),
      max: countQuery('max', 1_000_000),
    }),
  },
  responses: { 200: json(MetricHistory, 'The history'), ...errors },
});

const compareRoute = createRoute({
  method: 'get',
  path: '/api/compare',
  summary: 'Several runs side by side: status, params and metric summaries',
  request: {
    query: z.object({
      run: z.union([z.string(), z.array(z.string())]).openapi({ description: 'a run as Flow/RunId (repeat, up to 20)' }),
    }),
  },
  responses: { 200: json(Compare, 'The runs'), ...errors },
});

export function summaryView(m: MetricSummaryRecord): MetricSummaryT {
  return { key: m.key, value: jsonNumber(m.value), step: m.step, timestamp: m.timestamp, taskId: m.taskId, min: jsonNumber(m.min), max: jsonNumber(m.max), count: m.count };
}

/**
 * Keeps at most about `max` points: the series is cut into buckets, and each bucket keeps its
 * first point and its lowest and highest values (so spikes survive thinning), in order.
 */
export function thin(points: readonly MetricPointRecord[], max: number): MetricPointRecord[] {
  if (points.length <= max) return [...points];
  const buckets = Math.max(1, Math.floor(max / 3));
  const size = points.length / buckets;
  const out: MetricPointRecord[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.min(points.length, Math.floor((b + 1) * size));
    let lo = start;
    let hi = start;
    for (let i = start; i < end; i++) {
      const v = points[i]!.value;
      if (v < points[lo]!.value || Number.isNaN(points[lo]!.value)) lo = i;
      if (v > points[hi]!.value || Number.isNaN(points[hi]!.value)) hi = i;
    }
    for (const i of [...new Set([start, lo, hi])].sort((a, c) => a - c)) out.push(points[i]!);
  }
  const last = points[points.length - 1]!;
  if (out[out.length - 1] !== last) out.push(last);
  return out;
}

async function runByPathspec(deps: ApiDeps, pathspec: string): Promise<RunRecord> {
  const [flow, runId, ...rest] = pathspec.split('/');
  if (flow === undefined || runId === undefined || rest.length > 0 || !FLOW_NAME.test(flow) || !RUN_ID.test(runId)) {
    throw new ApiError(400, 'bad-request', `run '${pathspec}' is not a run pathspec: expected Flow/RunId`);
  }
  return findRun(deps.access, flow, runId);
}

export function registerMetricRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(runMetricsRoute, async (c) => {
    const { flow, runId } = c.req.valid('param');
    const run = await findRun(deps.access, flow, runId);
    const tracking = storeOf(deps.access).meta.tracking;
    const [metrics, params, tags] = await Promise.all([tracking.getMetricSummaries(run.runId), tracking.getParams(run.runId), tracking.getRunTags(run.runId)]);
    return c.json(
      {
        metrics: metrics.map(summaryView),
        params: params.map((p) => ({ key: p.key, text: p.text, type: p.type, source: p.source, taskId: p.taskId, loggedAt: p.loggedAt })),
        tags,
      },
      200,
    );
  });

  app.openapi(historyRoute, async (c) => {
    const { flow, runId } = c.req.valid('param');
    const { key, task, max } = c.req.valid('query');
    const run = await findRun(deps.access, flow, runId);
    const tracking = storeOf(deps.access).meta.tracking;
    const points: MetricPointRecord[] = [];
    for (let offset = 0; ; offset += HISTORY_PAGE) {
      const page = await tracking.getMetricHistory(run.runId, key, { taskId: task, offset, limit: HISTORY_PAGE });
      points.push(...page);
      if (page.length < HISTORY_PAGE) break;
    }
    if (points.length === 0) {
      const keys = await tracking.getMetricKeys(run.runId);
      throw new ApiError(404, 'not-found', `run ${run.flow}/${run.runId} has no metric '${key}'${task !== undefined ? ` from task ${task}` : ''}; metrics: ${keys.join(', ') || 'none'}`);
    }
    const shown = thin(points, max || DEFAULT_MAX_POINTS);
    return c.json(
      {
        key,
        step: shown.map((p) => p.step),
        value: shown.map((p) => jsonNumber(p.value)),
        timestamp: shown.map((p) => p.timestamp),
        taskId: shown.map((p) => p.taskId),
        total: points.length,
        downsampled: shown.length < points.length,
      },
      200,
    );
  });

  app.openapi(compareRoute, async (c) => {
    const { run } = c.req.valid('query');
    const specs = [...new Set(Array.isArray(run) ? run : [run])];
    if (specs.length > MAX_COMPARE) throw new ApiError(400, 'bad-request', `compare takes at most ${MAX_COMPARE} runs, got ${specs.length}`);
    const runs = await Promise.all(specs.map((spec) => runByPathspec(deps, spec)));
    const data = await storeOf(deps.access).meta.tracking.getRunData(runs.map((r) => r.runId));
    return c.json(
      {
        runs: runs.map((r) => {
          const d = data.get(r.runId);
          return {
            ...runSummary(r),
            trackedParams: Object.fromEntries((d?.params ?? []).map((p) => [p.key, p.text])),
            metrics: Object.fromEntries((d?.metrics ?? []).map((m) => [m.key, summaryView(m)])),
          };
        }),
      },
      200,
    );
  });
}
