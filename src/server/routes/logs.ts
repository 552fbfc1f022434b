/**
 * Task logs: a window of stdout/stderr (from an offset, or the tail), and a live tail as
 * server-sent events that ends once the attempt has finished and everything was sent.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { RunRecord, TaskRecord } from '../../store/types.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, findRun, findTask, storeOf } from '../http.js';
import { readLogWindow } from '../logs.js';
import { countQuery, TaskParams } from '../params.js';
import { ErrorBody, LogChunk } from '../schemas.js';
import { pollingStream } from '../sse.js';

const json = <T>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const errors = { 400: json(ErrorBody, 'Bad request'), 401: json(ErrorBody, 'Token missing or wrong'), 404: json(ErrorBody, 'Not found') };

const DEFAULT_LIMIT = 1024 * 1024;
const MAX_LIMIT = 8 * 1024 * 1024;
/** A live tail sends at most this much per event. */
const LIVE_CHUNK = 256 * 1024;
/** Live tails look at the file at least this often (a stat and a read; cheap). */
const LOG_POLL_MS = 100;
/** How often a live tail re-reads the task's status (ms). */
const STATUS_MS = 1000;

const LogParams = TaskParams.extend({
  stream: z.enum(['stdout', 'stderr']).openapi({ param: { name: 'stream', in: 'path' } }),
});

const logRoute = createRoute({
  method: 'get',
  path: '/api/runs/{flow}/{runId}/tasks/{taskId}/logs/{stream}',
  summary: "A window of a task attempt's stdout or stderr",
  request: {
    params: LogParams,
    query: z.object({
      attempt: countQuery('attempt'),
      offset: countQuery('offset'),
      tail: countQuery('tail', MAX_LIMIT).openapi({ description: 'the last n bytes instead of reading from offset' }),
      limit: countQuery('limit', MAX_LIMIT),
    }),
  },
  responses: { 200: json(LogChunk, 'Log text'), ...errors },
});

const liveRoute = createRoute({
  method: 'get',
  path: '/api/runs/{flow}/{runId}/tasks/{taskId}/logs/{stream}/live',
  summary: 'Live tail (server-sent events): `append` {text, offset, nextOffset}; `end` {status} once the attempt finished',
  request: { params: LogParams, query: z.object({ attempt: countQuery('attempt'), offset: countQuery('offset') }) },
  responses: { 200: { content: { 'text/event-stream': { schema: z.string() } }, description: 'Event stream' }, ...errors },
});

function checkAttempt(run: RunRecord, task: TaskRecord, attempt: number | undefined): number {
  const chosen = attempt ?? task.attempt;
  if (chosen > task.attempt) {
    const range = task.attempt === 0 ? 'only attempt 0' : `attempts 0-${task.attempt}`;
    throw new ApiError(404, 'not-found', `task ${run.flow}/${run.runId}/${task.step}/${task.taskId} has no attempt ${chosen} (it has ${range})`);
  }
  return chosen;
}

export function registerLogRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(logRoute, async (c) => {
    const { flow, runId, taskId, stream } = c.req.valid('param');
    const query = c.req.valid('query');
    const run = await findRun(deps.access, flow, runId);
    const task = await findTask(deps.access, run, taskId);
    const attempt = checkAttempt(run, task, query.attempt);
    // The file is named from the stored task record, never from the request's strings.
    const key = { flow: run.flow, runId: run.runId, step: task.step, taskId: task.taskId, attempt };
    const window = readLogWindow(storeOf(deps.access).logs, key, stream, {
      offset: query.offset,
      tail: query.tail,
      limit: query.limit || DEFAULT_LIMIT,
    });
    return c.json({ stream, attempt, ...window }, 200);
  });

  app.openapi(liveRoute, async (c) => {
    const { flow, runId, taskId, stream } = c.req.valid('param');
    const query = c.req.valid('query');
    const run = await findRun(deps.access, flow, runId);
    let task = await findTask(deps.access, run, taskId);
    const attempt = checkAttempt(run, task, query.attempt);
    const store = storeOf(deps.access);
    const key = { flow: run.flow, runId: run.runId, step: task.step, taskId: task.taskId, attempt };
    let offset = query.offset ?? 0;
    let checked = 0;
    return pollingStream(c, Math.min(deps.pollMs, LOG_POLL_MS), async (send) => {
      // Status first, then read: a finished attempt's log is complete once it is marked finished.
      if (Date.now() - checked >= STATUS_MS) {
        task = (await store.meta.getTask(run.runId, taskId)) ?? task;
        checked = Date.now();
      }
      const finished = task.attempt > attempt || task.status === 'done' || task.status === 'failed';
      for (;;) {
        const window = readLogWindow(store.logs, key, stream, { offset, limit: LIVE_CHUNK });
        if (window.text !== '') await send('append', { text: window.text, offset: window.offset, nextOffset: window.nextOffset });
        offset = window.nextOffset;
        if (!window.more) break;
      }
      if (finished) {
        await send('end', { status: task.status, attempt: task.attempt, nextOffset: offset });
        return 'end';
      }
      return 'continue';
    });
  });
}
