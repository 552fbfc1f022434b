/**
 * The model registry: models (search, cursor pages), one model with its versions (lineage to
 * the run that made each, metrics, gate verdicts, aliases) and its alias history.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AliasHistoryRecord, ModelRecord, ModelVersionRecord } from '../../store/tracking/types.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, storeOf } from '../http.js';
import { countQuery } from '../params.js';
import { jsonNumber } from '../preview.js';
import { finite } from '../views.js';
import { ErrorBody } from '../schemas.js';
import { ModelDetail, ModelPage, type AliasEventT, type ModelT, type ModelVersionT } from '../schemas-tracking.js';

const json = <T>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const errors = { 400: json(ErrorBody, 'Bad request'), 401: json(ErrorBody, 'Token missing or wrong'), 404: json(ErrorBody, 'Not found') };

const modelsRoute = createRoute({
  method: 'get',
  path: '/api/models',
  summary: 'Registered models (filter: `name LIKE \'churn%\'`, `tags.team = \'x\'`, with and/or)',
  request: {
    query: z.object({
      filter: z.string().max(2000).optional(),
      pageToken: z.string().max(2000).optional(),
      limit: countQuery('limit', 1000),
    }),
  },
  responses: { 200: json(ModelPage, 'A page of models'), ...errors },
});

const modelRoute = createRoute({
  method: 'get',
  path: '/api/models/{name}',
  summary: 'One model: its versions (newest first) with lineage, metrics and gate verdicts, and its alias history',
  request: { params: z.object({ name: z.string().min(1).max(500).openapi({ param: { name: 'name', in: 'path' }, example: 'churn' }) }) },
  responses: { 200: json(ModelDetail, 'The model'), ...errors },
});

function modelView(m: ModelRecord): ModelT {
  return {
    name: m.name,
    description: m.description,
    tags: { ...m.tags },
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    createdBy: m.createdBy,
    lastVersion: m.lastVersion,
    aliases: { ...m.aliases },
  };
}

/** `Flow/RunId/step/taskId` → its parts. */
function lineageOf(v: ModelVersionRecord): { flow: string; runId: string; step: string | null; taskId: number | null } | null {
  const parts = (v.pathspec ?? '').split('/');
  if (parts.length >= 2 && parts[0] && parts[1]) {
    const taskId = parts[3] !== undefined && /^\d+$/.test(parts[3]) ? Number(parts[3]) : null;
    return { flow: parts[0], runId: parts[1], step: parts[2] ?? null, taskId };
  }
  return null;
}

function versionView(v: ModelVersionRecord, status: string | null, flowOfRun: string | null): ModelVersionT {
  const fromPath = lineageOf(v);
  const lineage = fromPath
    ? { ...fromPath, status }
    : v.runId !== null && flowOfRun !== null
      ? { flow: flowOfRun, runId: v.runId, step: null, taskId: null, status }
      : null;
  return {
    name: v.name,
    version: v.version,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    createdBy: v.createdBy,
    description: v.description,
    tags: { ...v.tags },
    source: v.source,
    runId: v.runId,
    pathspec: v.pathspec,
    lineage,
    artifactType: v.artifact?.type ?? null,
    artifactBytes: v.artifact?.bytes ?? null,
    codeDigest: v.codeDigest,
    inputs: { ...v.inputs },
    metrics: Object.fromEntries(Object.entries(v.metrics).map(([k, x]) => [k, jsonNumber(x)])),
    signature: v.signature ?? null,
    gate: finite(v.gate ?? null),
    aliases: [...v.aliases],
    stage: v.stage,
  };
}

function aliasView(h: AliasHistoryRecord): AliasEventT {
  return { id: h.id, alias: h.alias, fromVersion: h.fromVersion, toVersion: h.toVersion, action: h.action, actor: h.actor, reason: h.reason, time: h.time };
}

export function registerModelRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(modelsRoute, async (c) => {
    const { filter, pageToken, limit } = c.req.valid('query');
    const store = deps.access.get();
    if (!store) return c.json({ models: [], nextPageToken: null }, 200);
    const page = await store.meta.tracking.searchModels({ filter, pageToken, limit: limit || 100 });
    return c.json({ models: page.items.map(modelView), nextPageToken: page.nextPageToken }, 200);
  });

  app.openapi(modelRoute, async (c) => {
    const { name } = c.req.valid('param');
    const meta = storeOf(deps.access).meta;
    const model = await meta.tracking.getModel(name);
    if (!model) throw new ApiError(404, 'not-found', `no registered model '${name}'`);
    const versions = await meta.tracking.listModelVersions(name);
    const runs = new Map<string, { status: string; flow: string } | null>();
    for (const v of versions) {
      if (v.runId !== null && !runs.has(v.runId)) {
        const run = await meta.getRun(v.runId);
        runs.set(v.runId, run ? { status: run.status, flow: run.flow } : null);
      }
    }
    const history = await meta.tracking.aliasHistory(name);
    return c.json(
      {
        model: modelView(model),
        versions: versions.map((v) => {
          const run = v.runId === null ? null : (runs.get(v.runId) ?? null);
          return versionView(v, run?.status ?? null, run?.flow ?? null);
        }),
        aliasHistory: history.map(aliasView),
      },
      200,
    );
  });
}
