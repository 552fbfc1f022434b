/**
 * Tasks: cursor pages of a run's tasks (by step and status), one task in detail (foreach stack,
 * timings, error, resource use, visible artifacts), and artifact previews.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { ArtifactInfo } from '../../client/artifacts.js';
import type { BlobPointer, FrameRecord, TaskRecord } from '../../store/types.js';
import { ITEMS_CODEC, loadItemPointers, loadValue } from '../../store/values.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, findRun, findTask, storeOf } from '../http.js';
import { countQuery, RunParams, TaskParams } from '../params.js';
import { previewValue, type Preview } from '../preview.js';
import { ArtifactPreview, ErrorBody, TaskDetail, TaskPage, TaskStatus, type FrameT } from '../schemas.js';
import { taskSummary } from '../views.js';

const json = <T>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const errors = { 400: json(ErrorBody, 'Bad request'), 401: json(ErrorBody, 'Token missing or wrong'), 404: json(ErrorBody, 'Not found') };

const DEFAULT_PAGE = 100;
const SCAN_PAGE = 1000;
/** Values larger than this are described, not decoded. */
const MAX_DECODE_BYTES = 64 * 1024 * 1024;
/** Foreach items up to this size are previewed inline in the task detail. */
const INLINE_ITEM_BYTES = 64 * 1024;
const SHOWN_PARENTS = 100;

const tasksRoute = createRoute({
  method: 'get',
  path: '/api/runs/{flow}/{runId}/tasks',
  summary: "A page of a run's tasks in id order (optionally one step's, one status')",
  request: {
    params: RunParams,
    query: z.object({
      step: z.string().max(200).optional(),
      status: TaskStatus.optional(),
      after: countQuery('after'),
      limit: countQuery('limit', 1000),
    }),
  },
  responses: { 200: json(TaskPage, 'A page of tasks'), ...errors },
});

const taskRoute = createRoute({
  method: 'get',
  path: '/api/runs/{flow}/{runId}/tasks/{taskId}',
  summary: 'One task: record, foreach stack, error, resource use and visible artifacts',
  request: { params: TaskParams },
  responses: { 200: json(TaskDetail, 'The task'), ...errors },
});

const artifactRoute = createRoute({
  method: 'get',
  path: '/api/runs/{flow}/{runId}/tasks/{taskId}/artifacts/{name}',
  summary: 'One artifact visible to a task, with a preview of its value',
  request: {
    params: TaskParams.extend({
      name: z
        .string()
        .min(1)
        .max(200)
        .openapi({ param: { name: 'name', in: 'path' }, example: 'model' }),
    }),
  },
  responses: { 200: json(ArtifactPreview, 'The artifact and its preview'), ...errors },
});

/** Registers every model/table codec once, on the first preview (importing ml costs ~100 ms). */
let codecs: Promise<unknown> | undefined;
function loadCodecs(): Promise<unknown> {
  codecs ??= import('../../ml/index.js').catch(() => import('../../ml/data/codec.js'));
  return codecs;
}

function unavailable(reason: string): Preview {
  return { kind: 'unavailable', reason };
}

/** Decodes and previews a stored value, within limits; failures become an 'unavailable' preview. */
export function previewPointer(blobs: Parameters<typeof loadValue>[0], pointer: BlobPointer, type: string): Preview {
  try {
    if (pointer.codec === ITEMS_CODEC) {
      // A foreach list: show the first items, loading only those.
      const items = loadItemPointers(blobs, pointer);
      const shown = items.slice(0, 20).map((p) => loadValue(blobs, p));
      const preview = previewValue(shown);
      if (preview.kind === 'json') return { ...preview, type: `${type} (first ${shown.length} of ${items.length})`, truncated: items.length > shown.length };
      if (preview.kind === 'numbers') return { ...preview, type: `${type} (first ${shown.length} of ${items.length})` };
      return preview;
    }
    if (pointer.bytes > MAX_DECODE_BYTES) {
      return unavailable(`${type} is ${pointer.bytes} bytes; previews decode values up to ${MAX_DECODE_BYTES} bytes (load it with the client API)`);
    }
    return previewValue(loadValue(blobs, pointer));
  } catch (error) {
    return unavailable(`cannot decode this ${type} (codec ${pointer.codec}): ${(error as Error).message}`);
  }
}

function frameView(blobs: Parameters<typeof loadValue>[0], frame: FrameRecord): FrameT {
  const item = frame.item;
  return {
    kind: frame.kind,
    step: frame.step,
    splitStep: frame.splitStep,
    splitTaskId: frame.splitTaskId,
    index: frame.index,
    count: frame.count,
    item: item && item.bytes <= INLINE_ITEM_BYTES ? (previewPointer(blobs, item, 'item') as Record<string, unknown>) : null,
    itemBytes: item ? item.bytes : null,
  };
}

function artifactView(a: ArtifactInfo) {
  return {
    name: a.name,
    type: a.type,
    codec: a.codec,
    bytes: a.bytes,
    digest: a.digest,
    itemized: a.itemized,
    producer: a.producer,
    producerStep: a.producerStep,
    producerTaskId: a.producerTaskId,
    inherited: a.inherited,
  };
}

async function visibleArtifacts(deps: ApiDeps, task: TaskRecord): Promise<ArtifactInfo[]> {
  const handle = await deps.access.reader().task(`${task.flow}/${task.runId}/${task.step}/${task.taskId}`);
  return handle.artifacts();
}

export function registerTaskRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(tasksRoute, async (c) => {
    const { flow, runId } = c.req.valid('param');
    const { step, status, after, limit: asked } = c.req.valid('query');
    const run = await findRun(deps.access, flow, runId);
    const meta = storeOf(deps.access).meta;
    const limit = asked || DEFAULT_PAGE;
    if (status === undefined) {
      const page = await meta.listTasks(run.runId, { step, after, limit: limit + 1 });
      const shown = page.slice(0, limit);
      return c.json({ tasks: shown.map(taskSummary), nextCursor: page.length > limit ? shown[shown.length - 1]!.taskId : null }, 200);
    }
    // Status is not indexed: scan pages in id order until the page is full.
    const out: TaskRecord[] = [];
    let cursor = after;
    let exhausted = false;
    while (out.length < limit) {
      const page = await meta.listTasks(run.runId, { step, after: cursor, limit: SCAN_PAGE });
      let consumed = 0;
      for (const task of page) {
        if (out.length === limit) break;
        consumed++;
        cursor = task.taskId;
        if (task.status === status) out.push(task);
      }
      if (consumed === page.length && page.length < SCAN_PAGE) {
        exhausted = true;
        break;
      }
    }
    return c.json({ tasks: out.map(taskSummary), nextCursor: exhausted || cursor === undefined ? null : cursor }, 200);
  });

  app.openapi(taskRoute, async (c) => {
    const { flow, runId, taskId } = c.req.valid('param');
    const run = await findRun(deps.access, flow, runId);
    const task = await findTask(deps.access, run, taskId);
    const blobs = storeOf(deps.access).blobs;
    await loadCodecs();
    const artifacts = task.status === 'done' || task.parentTaskIds.length > 0 ? await visibleArtifacts(deps, task) : [];
    return c.json(
      {
        task: {
          ...taskSummary(task),
          pathspec: `${task.flow}/${task.runId}/${task.step}/${task.taskId}`,
          workerId: task.workerId,
          originPathspec: task.originPathspec,
          parentTaskIds: task.parentTaskIds.slice(0, SHOWN_PARENTS),
          parentCount: task.parentTaskIds.length,
          foreachStack: task.foreachStack.map((frame) => frameView(blobs, frame)),
          errorDetail: task.error ? { type: task.error.type, message: task.error.message, stack: task.error.stack ?? null, kind: task.error.kind } : null,
          stats: task.stats ? { ...task.stats } : null,
          attempts: (task.attempts ?? []).map((a) => ({
            attempt: a.attempt,
            status: a.status,
            startedAt: a.startedAt,
            endedAt: a.endedAt,
            workerId: a.workerId,
            error: a.error ? { type: a.error.type, message: a.error.message, stack: a.error.stack ?? null, kind: a.error.kind } : null,
            retryDelayMs: a.retryDelayMs ?? null,
          })),
        },
        artifacts: artifacts.map(artifactView),
      },
      200,
    );
  });

  app.openapi(artifactRoute, async (c) => {
    const { flow, runId, taskId, name } = c.req.valid('param');
    const run = await findRun(deps.access, flow, runId);
    const task = await findTask(deps.access, run, taskId);
    const artifacts = await visibleArtifacts(deps, task);
    const found = artifacts.find((a) => a.name === name);
    if (!found) {
      const names = artifacts.map((a) => a.name).join(', ') || 'none';
      throw new ApiError(404, 'not-found', `task ${run.flow}/${run.runId}/${task.step}/${task.taskId} has no artifact '${name}'; artifacts: ${names}`);
    }
    await loadCodecs();
    const preview = previewPointer(storeOf(deps.access).blobs, found, found.type);
    return c.json({ ...artifactView(found), preview: preview as Record<string, unknown> }, 200);
  });
}
