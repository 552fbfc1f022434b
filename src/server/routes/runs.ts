/**
 * Runs: the list (filters, search, cursor pages), one run with its graph and per-step
 * aggregates, and its timeline. A run's tasks are aggregated here, never shipped in bulk.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { RunRecord, RunStatus as RunStatusT } from '../../store/types.js';
import { buildTimeline, summarizeSteps } from '../aggregate.js';
import { loadRunProfile } from '../../runtime/profile/load.js';
import type { ApiDeps } from '../deps.js';
import { findRun, storeOf } from '../http.js';
import { countQuery, FLOW_NAME, RunParams } from '../params.js';
import { ErrorBody, Flows, RunDetail, RunPage, RunStatus, RunSteps, ServerInfo, Timeline } from '../schemas.js';
import { isFilterQuery, queryTerms, runMatches } from '../search.js';
import { finite, graphOf, runSummary, totalCounts } from '../views.js';

const json = <T>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const errors = { 400: json(ErrorBody, 'Bad request'), 401: json(ErrorBody, 'Token missing or wrong'), 404: json(ErrorBody, 'Not found') };

const DEFAULT_PAGE = 50;
/** A search looks at no more than this many runs per request (the cursor continues from there). */
const MAX_SCAN = 5000;

const infoRoute = createRoute({
  method: 'get',
  path: '/api/info',
  summary: 'What this server serves',
  responses: { 200: json(ServerInfo, 'Server info'), 401: errors[401] },
});

const flowsRoute = createRoute({
  method: 'get',
  path: '/api/flows',
  summary: 'Flows that have runs',
  responses: { 200: json(Flows, 'Flows by name'), 401: errors[401] },
});

const runsRoute = createRoute({
  method: 'get',
  path: '/api/runs',
  summary: 'Runs, newest first (cursor pages)',
  request: {
    query: z.object({
      flow: z.string().regex(FLOW_NAME).optional().openapi({ description: 'only runs of this flow' }),
      status: RunStatus.optional(),
      tag: z
        .union([z.string(), z.array(z.string())])
        .optional()
        .openapi({ description: 'only runs carrying this tag (repeat: all must match)' }),
      q: z
        .string()
        .max(2000)
        .optional()
        .openapi({
          description:
            "search: MLflow filter syntax with and/or/parentheses (`metrics.auc > 0.8 and params.model = 'rf'`), or plain terms matching flow, run id, user, status, tag or param=value (all must match)",
        }),
      before: z.string().max(2000).optional().openapi({ description: 'cursor: the nextCursor of the previous page' }),
      limit: countQuery('limit', 500),
    }),
  },
  responses: { 200: json(RunPage, 'A page of runs'), 400: errors[400], 401: errors[401] },
});

const runRoute = createRoute({
  method: 'get',
  path: '/api/runs/{flow}/{runId}',
  summary: 'One run: record, graph and task counts per step (cheap whatever the number of tasks)',
  request: { params: RunParams },
  responses: { 200: json(RunDetail, 'The run'), ...errors },
});

const stepsRoute = createRoute({
  method: 'get',
  path: '/api/runs/{flow}/{runId}/steps',
  summary: 'Per-step profile of a run: task counts, durations, retries and resource use',
  request: { params: RunParams },
  responses: { 200: json(RunSteps, 'The steps'), ...errors },
});

const profileRoute = createRoute({
  method: 'get',
  path: '/api/runs/{flow}/{runId}/profile',
  summary: "The run's profile (as `sluice profile`): per-step totals, critical path by step, parallel efficiency, bottleneck, suggestions, resource predictions",
  request: { params: RunParams },
  responses: { 200: json(z.record(z.string(), z.unknown()).openapi('RunProfile'), 'The profile'), ...errors },
});

const timelineRoute = createRoute({
  method: 'get',
  path: '/api/runs/{flow}/{runId}/timeline',
  summary: "The run's Gantt timeline with its critical path (steps with many tasks as concurrency profiles)",
  request: {
    params: RunParams,
    query: z.object({ maxBars: countQuery('maxBars', 2000), buckets: countQuery('buckets', 2000) }),
  },
  responses: { 200: json(Timeline, 'The timeline'), ...errors },
});

async function progressOf(deps: ApiDeps, run: RunRecord) {
  if (run.status !== 'running') return null;
  return totalCounts(await deps.access.get()!.meta.countTasks(run.runId));
}

export function registerRunRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(infoRoute, (c) =>
    c.json({ version: deps.version, home: deps.access.home, auth: deps.auth, tracking: true, mlflow: deps.mlflow, store: deps.access.get() !== undefined }, 200),
  );

  app.openapi(flowsRoute, async (c) => {
    const store = deps.access.get();
    const flows = store ? await store.meta.listFlows() : [];
    return c.json({ flows: flows.map((f) => ({ name: f.name, createdAt: f.createdAt })) }, 200);
  });

  app.openapi(runsRoute, async (c) => {
    const query = c.req.valid('query');
    const store = deps.access.get();
    if (!store) return c.json({ runs: [], nextCursor: null, scanned: 0 }, 200);
    const limit = query.limit || DEFAULT_PAGE;
    const tags = query.tag === undefined ? undefined : Array.isArray(query.tag) ? query.tag : [query.tag];
    const filter = { flow: query.flow, status: query.status as RunStatusT | undefined, tags };
    if (query.q !== undefined && isFilterQuery(query.q)) {
      // The tracking store's run search: one page per request, its token as the cursor.
      const page = await store.meta.tracking.searchRuns({ flows: query.flow ? [query.flow] : undefined, filter: query.q, limit, pageToken: query.before });
      const kept = page.runs.filter((r) => (filter.status === undefined || r.status === filter.status) && (tags ?? []).every((t) => r.tags.includes(t) || r.systemTags.includes(t)));
      const runs = await Promise.all(kept.map(async (run) => runSummary(run, await progressOf(deps, run))));
      return c.json({ runs, nextCursor: page.nextPageToken, scanned: page.runs.length }, 200);
    }
    const terms = queryTerms(query.q);
    const out: RunRecord[] = [];
    let before = query.before;
    let scanned = 0;
    let exhausted = false;
    while (out.length < limit && scanned < MAX_SCAN) {
      // One extra run tells whether another page exists.
      const want = terms.length === 0 ? limit - out.length + 1 : 500;
      const batch = await store.meta.listRuns({ ...filter, before, limit: want });
      let consumed = 0;
      for (const run of batch) {
        if (out.length === limit) break;
        consumed++;
        scanned++;
        before = run.runId;
        if (runMatches(run, terms)) out.push(run);
      }
      if (consumed === batch.length && batch.length < want) {
        exhausted = true;
        break;
      }
    }
    const runs = await Promise.all(out.map(async (run) => runSummary(run, await progressOf(deps, run))));
    return c.json({ runs, nextCursor: exhausted || before === undefined ? null : before, scanned }, 200);
  });

  app.openapi(runRoute, async (c) => {
    const { flow, runId } = c.req.valid('param');
    const run = await findRun(deps.access, flow, runId);
    // Counts come from one grouped query; only a run without a stored graph (recorded before
    // graphs were stored) needs its tasks read to piece one together.
    const counts = await storeOf(deps.access).meta.countTasks(run.runId);
    const graph = graphOf(run, run.graph ? [] : await deps.access.runTasks(run));
    const total = totalCounts(counts);
    const progress = run.status === 'running' ? total : null;
    return c.json(
      {
        run: { ...runSummary(run, progress), flowFile: run.flowFile, codeDigest: run.codeDigest },
        graph,
        counts,
        tasks: total.pending + total.running + total.done + total.failed,
      },
      200,
    );
  });

  app.openapi(stepsRoute, async (c) => {
    const { flow, runId } = c.req.valid('param');
    const run = await findRun(deps.access, flow, runId);
    const tasks = await deps.access.runTasks(run);
    return c.json({ steps: summarizeSteps(tasks, graphOf(run, tasks).steps.map((s) => s.name)) }, 200);
  });

  app.openapi(profileRoute, async (c) => {
    const { flow, runId } = c.req.valid('param');
    const run = await findRun(deps.access, flow, runId);
    const profile = await loadRunProfile(storeOf(deps.access).meta, run);
    return c.json(finite(profile) as Record<string, unknown>, 200);
  });

  app.openapi(timelineRoute, async (c) => {
    const { flow, runId } = c.req.valid('param');
    const { maxBars, buckets } = c.req.valid('query');
    const run = await findRun(deps.access, flow, runId);
    const tasks = await deps.access.runTasks(run);
    const order = graphOf(run, tasks).steps.map((s) => s.name);
    const now = run.status === 'running' ? Date.now() : (run.endedAt ?? Date.now());
    return c.json(buildTimeline(tasks, { order, now, maxBars: maxBars || undefined, buckets: buckets || undefined }), 200);
  });
}
