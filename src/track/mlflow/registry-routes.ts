/**
 * MLflow model registry endpoints: registered models, model versions, aliases, and the legacy
 * stage transition (a view over the `production` and `staging` aliases).
 */
import type { Hono } from 'hono';
import type { ModelStage, ModelVersionRecord } from '../../store/tracking/types.js';
import type { MetadataStore } from '../../store/types.js';
import { compact, modelJson, versionJson } from './convert.js';
import { MlflowError } from './errors.js';
import { keyValues, optionalInt, optionalString, optionalStrings, requiredString, type Params } from './request.js';
import { route, type MlflowDeps } from './routes.js';

const STAGES: Readonly<Record<string, ModelStage>> = { none: 'None', staging: 'Staging', production: 'Production', archived: 'Archived' };

async function requireModel(meta: MetadataStore, name: string) {
  const model = await meta.tracking.getModel(name);
  if (!model) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `Registered Model with name=${name} not found`);
  return model;
}

function versionParam(params: Params): number {
  const raw = params.version;
  if (raw === undefined || raw === null || raw === '') throw new MlflowError('INVALID_PARAMETER_VALUE', "Missing value for required parameter 'version'. See the API docs for more information about request parameters.");
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid value ${JSON.stringify(raw)} for parameter 'version' supplied: expected a positive integer (as a string or number).`);
  return n;
}

async function requireVersion(meta: MetadataStore, name: string, version: number): Promise<ModelVersionRecord> {
  await requireModel(meta, name);
  const found = await meta.tracking.getModelVersion(name, version);
  if (!found) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `Model Version (name=${name}, version=${version}) not found`);
  return found;
}

const tagsOf = (params: Params): Record<string, string> => Object.fromEntries(keyValues(params, 'tags').map((t) => [t.key, t.value]));

export function registryRoutes(app: Hono, deps: MlflowDeps): void {
  const meta = (): MetadataStore => deps.store().meta;
  const modelResponse = async (name: string): Promise<Record<string, unknown>> => {
    const model = await requireModel(meta(), name);
    return modelJson(model, await meta().tracking.listModelVersions(name));
  };

  route(app, ['POST'], '/registered-models/create', deps, async (params) => {
    const name = requiredString(params, 'name');
    if (await meta().tracking.getModel(name)) throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Registered Model (name=${name}) already exists.`);
    await meta().tracking.createModel({ name, description: optionalString(params, 'description'), tags: tagsOf(params), createdAt: Date.now(), createdBy: deps.actor });
    return { registered_model: await modelResponse(name) };
  });

  route(app, ['GET'], '/registered-models/get', deps, async (params) => ({ registered_model: await modelResponse(requiredString(params, 'name')) }));

  route(app, ['PATCH'], '/registered-models/update', deps, async (params) => {
    const name = requiredString(params, 'name');
    await requireModel(meta(), name);
    await meta().tracking.updateModel(name, { description: optionalString(params, 'description'), time: Date.now() });
    return { registered_model: await modelResponse(name) };
  });

  route(app, ['DELETE'], '/registered-models/delete', deps, async (params) => {
    const name = requiredString(params, 'name');
    await requireModel(meta(), name);
    await meta().tracking.deleteModel(name);
    return {};
  });

  route(app, ['GET', 'POST'], '/registered-models/search', deps, async (params) => {
    const page = await meta().tracking.searchModels({ filter: optionalString(params, 'filter'), limit: optionalInt(params, 'max_results'), pageToken: optionalString(params, 'page_token') });
    const models = await Promise.all(page.items.map((m) => modelResponse(m.name)));
    return compact({ registered_models: models, next_page_token: page.nextPageToken ?? undefined });
  });

  route(app, ['GET', 'POST'], '/registered-models/get-latest-versions', deps, async (params) => {
    const name = requiredString(params, 'name');
    const wanted = (optionalStrings(params, 'stages') ?? []).map((s) => {
      const stage = STAGES[s.toLowerCase()];
      if (!stage) throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid Model Version stage: ${s}. Value must be one of None, Staging, Production, Archived.`);
      return stage;
    });
    const model = await modelResponse(name);
    const latest = model.latest_versions as { current_stage: ModelStage }[];
    return { model_versions: wanted.length === 0 ? latest : latest.filter((v) => wanted.includes(v.current_stage)) };
  });

  route(app, ['POST'], '/model-versions/create', deps, async (params) => {
    const name = requiredString(params, 'name');
    const source = requiredString(params, 'source');
    await requireModel(meta(), name);
    const runId = optionalString(params, 'run_id') || null;
    if (runId && !(await meta().getRun(runId))) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `Run with id=${runId} not found`);
    const metrics = runId ? Object.fromEntries((await meta().tracking.getMetricSummaries(runId)).map((m) => [m.key, m.value])) : {};
    const version = await meta().tracking.createModelVersion({
      name,
      source,
      runId,
      metrics,
      description: optionalString(params, 'description'),
      tags: tagsOf(params),
      createdAt: Date.now(),
      createdBy: deps.actor,
    });
    return { model_version: versionJson(version) };
  });

  route(app, ['GET'], '/model-versions/get', deps, async (params) => {
    const name = requiredString(params, 'name');
    return { model_version: versionJson(await requireVersion(meta(), name, versionParam(params))) };
  });

  route(app, ['PATCH'], '/model-versions/update', deps, async (params) => {
    const name = requiredString(params, 'name');
    const version = versionParam(params);
    await requireVersion(meta(), name, version);
    const updated = await meta().tracking.updateModelVersion(name, version, { description: optionalString(params, 'description'), time: Date.now() });
    return { model_version: versionJson(updated) };
  });

  route(app, ['DELETE'], '/model-versions/delete', deps, async (params) => {
    const name = requiredString(params, 'name');
    const version = versionParam(params);
    await requireVersion(meta(), name, version);
    await meta().tracking.deleteModelVersion(name, version);
    return {};
  });

  route(app, ['GET', 'POST'], '/model-versions/search', deps, async (params) => {
    const page = await meta().tracking.searchModelVersions({ filter: optionalString(params, 'filter'), limit: optionalInt(params, 'max_results'), pageToken: optionalString(params, 'page_token') });
    return compact({ model_versions: page.items.map(versionJson), next_page_token: page.nextPageToken ?? undefined });
  });

  // Stages are a view over aliases: Production and Staging set the alias of that name; Archived and None take the version out of both.
  route(app, ['POST'], '/model-versions/transition-stage', deps, async (params) => {
    const name = requiredString(params, 'name');
    const version = versionParam(params);
    const stageText = requiredString(params, 'stage');
    const stage = STAGES[stageText.toLowerCase()];
    if (!stage) throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid Model Version stage: ${stageText}. Value must be one of None, Staging, Production, Archived.`);
    const current = await requireVersion(meta(), name, version);
    const time = Date.now();
    const reason = `transition-stage to ${stage}`;
    if (stage === 'Production' || stage === 'Staging') {
      await meta().tracking.changeAlias({ name, alias: stage.toLowerCase(), version, actor: deps.actor, reason, time });
    } else {
      for (const alias of current.aliases.filter((a) => a === 'production' || a === 'staging')) {
        await meta().tracking.changeAlias({ name, alias, actor: deps.actor, reason, time });
      }
    }
    return { model_version: versionJson((await meta().tracking.getModelVersion(name, version))!) };
  });

  route(app, ['POST'], '/registered-models/alias', deps, async (params) => {
    const name = requiredString(params, 'name');
    const alias = requiredString(params, 'alias');
    const version = versionParam(params);
    await requireVersion(meta(), name, version);
    await meta().tracking.changeAlias({ name, alias, version, actor: deps.actor, reason: 'MLflow API', time: Date.now() });
    return {};
  });

  route(app, ['DELETE'], '/registered-models/alias', deps, async (params) => {
    const name = requiredString(params, 'name');
    const alias = requiredString(params, 'alias');
    await requireModel(meta(), name);
    await meta().tracking.changeAlias({ name, alias, actor: deps.actor, reason: 'MLflow API', time: Date.now() });
    return {};
  });

  route(app, ['GET'], '/registered-models/alias', deps, async (params) => {
    const name = requiredString(params, 'name');
    const alias = requiredString(params, 'alias');
    await requireModel(meta(), name);
    const version = await meta().tracking.getAlias(name, alias);
    if (version === undefined) throw new MlflowError('INVALID_PARAMETER_VALUE', `Registered model alias ${alias} not found.`);
    return { model_version: versionJson((await meta().tracking.getModelVersion(name, version))!) };
  });
}
