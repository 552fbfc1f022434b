/**
 * Live feeds (server-sent events): one run's state (status and task counts per step) whenever it
 * changes, and a signal when the list of runs changes. Both poll the store, which the run's
 * coordinator writes in batched transactions (WAL: readers never block it).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';
import { findRun, storeOf } from '../http.js';
import { RunParams } from '../params.js';
import { ErrorBody } from '../schemas.js';
import { pollingStream } from '../sse.js';
import { runSummary, totalCounts } from '../views.js';

const json = <T>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const events = (description: string) => ({ content: { 'text/event-stream': { schema: z.string() } }, description });

const runLiveRoute = createRoute({
  method: 'get',
  path: '/api/runs/{flow}/{runId}/live',
  summary: "Live run state (server-sent events): `state` RunLive whenever status or task counts change; `end` once the run finished",
  request: { params: RunParams },
  responses: { 200: events('Event stream'), 401: json(ErrorBody, 'Token missing or wrong'), 404: json(ErrorBody, 'Not found') },
});

const runsLiveRoute = createRoute({
  method: 'get',
  path: '/api/live/runs',
  summary: 'Live runs list (server-sent events): `changed` whenever a run starts, finishes or progresses',
  responses: { 200: events('Event stream'), 401: json(ErrorBody, 'Token missing or wrong') },
});

/** Recent runs watched for the runs-list signal. */
const WATCHED_RUNS = 100;

export function registerLiveRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(runLiveRoute, async (c) => {
    const { flow, runId } = c.req.valid('param');
    await findRun(deps.access, flow, runId);
    const meta = storeOf(deps.access).meta;
    let last = '';
    return pollingStream(c, deps.pollMs, async (send) => {
      const run = await meta.getRun(runId);
      if (!run) return 'end';
      const counts = await meta.countTasks(runId);
      const state = { run: runSummary(run, run.status === 'running' ? totalCounts(counts) : null), counts };
      // Heartbeats alone are not a change worth sending.
      const signature = JSON.stringify({ ...state, run: { ...state.run, heartbeatAt: 0 } });
      if (signature !== last) {
        last = signature;
        await send('state', state);
      }
      if (run.status !== 'running') {
        await send('end', { status: run.status });
        return 'end';
      }
      return 'continue';
    });
  });

  app.openapi(runsLiveRoute, async (c) => {
    let last: string | undefined;
    return pollingStream(c, Math.max(deps.pollMs, 500), async (send) => {
      const store = deps.access.get();
      if (!store) return 'continue';
      const runs = await store.meta.listRuns({ limit: WATCHED_RUNS });
      const parts: string[] = [];
      for (const run of runs) {
        parts.push(`${run.runId}:${run.status}:${run.endedAt ?? ''}:${run.tags.join(',')}`);
        if (run.status === 'running') {
          const t = totalCounts(await store.meta.countTasks(run.runId));
          parts.push(`${t.pending}/${t.running}/${t.done}/${t.failed}`);
        }
      }
      const signature = parts.join('|');
      if (last !== undefined && signature !== last) await send('changed', { at: Date.now() });
      if (last === undefined) await send('ready', { runs: runs.length });
      last = signature;
      return 'continue';
    });
  });
}
