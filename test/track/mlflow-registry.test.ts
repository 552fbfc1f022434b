/** Contract tests of the MLflow model registry endpoints over real HTTP, including error codes and statuses. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Registry } from '../../src/track/index.js';
import { tempHome } from '../helpers/run.js';
import { startMlflow, type MlflowServer } from './mlflow-helpers.js';

const home = tempHome('sluice-mlflow-registry-');
let api: MlflowServer;
let runId: string;

before(async () => {
  api = await startMlflow(home.home);
  await api.call('POST', '/experiments/create', { name: 'reg' });
  runId = (await api.call('POST', '/runs/create', { experiment_id: 'reg' })).body.run.info.run_id;
  await api.call('POST', '/runs/log-metric', { run_id: runId, key: 'auc', value: 0.87, timestamp: 1, step: 0 });
});
after(async () => {
  await api.close();
  home.cleanup();
});

const expectError = (response: { status: number; body: any }, status: number, code: string, message?: RegExp): void => {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(response.body.error_code, code);
  if (message) assert.match(response.body.message, message);
};

void describe('MLflow REST API: model registry', () => {
  void it('registered models: create, get, update, search, delete; duplicates and unknown names', async () => {
    const created = await api.call('POST', '/registered-models/create', { name: 'churn', description: 'churn model', tags: [{ key: 'team', value: 'growth' }] });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.deepEqual(
      [created.body.registered_model.name, created.body.registered_model.description, created.body.registered_model.tags, created.body.registered_model.latest_versions, created.body.registered_model.aliases],
      ['churn', 'churn model', [{ key: 'team', value: 'growth' }], [], []],
    );
    expectError(await api.call('POST', '/registered-models/create', { name: 'churn' }), 400, 'RESOURCE_ALREADY_EXISTS', /Registered Model \(name=churn\) already exists/);
    expectError(await api.call('POST', '/registered-models/create', { name: 'bad name' }), 400, 'INVALID_PARAMETER_VALUE', /model name "bad name" is not valid/);
    expectError(await api.call('GET', '/registered-models/get', { name: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST', /Registered Model with name=nope not found/);
    const updated = await api.call('PATCH', '/registered-models/update', { name: 'churn', description: 'predicts churn' });
    assert.equal(updated.body.registered_model.description, 'predicts churn');
    await api.call('POST', '/registered-models/create', { name: 'fraud' });
    const search = await api.call('GET', '/registered-models/search', { filter: "name LIKE 'ch%'" });
    assert.deepEqual(search.body.registered_models.map((m: { name: string }) => m.name), ['churn']);
    const page = await api.call('GET', '/registered-models/search', { max_results: 1 });
    assert.deepEqual(page.body.registered_models.map((m: { name: string }) => m.name), ['churn']);
    const next = await api.call('GET', '/registered-models/search', { max_results: 1, page_token: page.body.next_page_token });
    assert.deepEqual([next.body.registered_models.map((m: { name: string }) => m.name), next.body.next_page_token], [['fraud'], undefined]);
    expectError(await api.call('GET', '/registered-models/search', { filter: 'name ~ 1' }), 400, 'INVALID_PARAMETER_VALUE', /column 6: unexpected character '~'/);
    assert.deepEqual(await api.call('DELETE', '/registered-models/delete', { name: 'fraud' }), { status: 200, body: {} });
    expectError(await api.call('DELETE', '/registered-models/delete', { name: 'fraud' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  void it('model versions: create (with the run metrics as lineage), get, update, search, stages, delete; errors', async () => {
    const v1 = await api.call('POST', '/model-versions/create', { name: 'churn', source: 's3://bucket/model', run_id: runId, description: 'first', tags: [{ key: 'k', value: 'v' }] });
    assert.equal(v1.status, 200, JSON.stringify(v1.body));
    assert.deepEqual(
      { ...v1.body.model_version, creation_timestamp: 0, last_updated_timestamp: 0 },
      {
        name: 'churn',
        version: '1',
        creation_timestamp: 0,
        last_updated_timestamp: 0,
        user_id: 'api-tester',
        current_stage: 'None',
        description: 'first',
        source: 's3://bucket/model',
        run_id: runId,
        status: 'READY',
        tags: [{ key: 'k', value: 'v' }],
        aliases: [],
      },
    );
    const v2 = await api.call('POST', '/model-versions/create', { name: 'churn', source: 's3://bucket/model2' });
    assert.equal(v2.body.model_version.version, '2');
    expectError(await api.call('POST', '/model-versions/create', { name: 'ghost', source: 'x' }), 404, 'RESOURCE_DOES_NOT_EXIST', /Registered Model with name=ghost not found/);
    expectError(await api.call('POST', '/model-versions/create', { name: 'churn', source: 'x', run_id: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST', /Run with id=nope not found/);
    expectError(await api.call('POST', '/model-versions/create', { name: 'churn' }), 400, 'INVALID_PARAMETER_VALUE', /'source'/);
    assert.equal((await api.call('GET', '/model-versions/get', { name: 'churn', version: '1' })).body.model_version.source, 's3://bucket/model');
    expectError(await api.call('GET', '/model-versions/get', { name: 'churn', version: '9' }), 404, 'RESOURCE_DOES_NOT_EXIST', /Model Version \(name=churn, version=9\) not found/);
    expectError(await api.call('GET', '/model-versions/get', { name: 'churn', version: 'one' }), 400, 'INVALID_PARAMETER_VALUE', /'version'/);
    const updated = await api.call('PATCH', '/model-versions/update', { name: 'churn', version: '2', description: 'second' });
    assert.equal(updated.body.model_version.description, 'second');
    const found = await api.call('GET', '/model-versions/search', { filter: `name = 'churn' and run_id = '${runId}'` });
    assert.deepEqual(found.body.model_versions.map((v: { version: string }) => v.version), ['1']);
    const registry = new Registry(home.home);
    assert.deepEqual((await registry.get('models:/churn/1')).metrics, { auc: 0.87 }, "the run's metrics at registration are kept");
    await registry.close();

    const staged = await api.call('POST', '/model-versions/transition-stage', { name: 'churn', version: '1', stage: 'Production', archive_existing_versions: false });
    assert.deepEqual([staged.body.model_version.current_stage, staged.body.model_version.aliases], ['Production', ['production']]);
    await api.call('POST', '/model-versions/transition-stage', { name: 'churn', version: '2', stage: 'staging' });
    const latest = await api.call('POST', '/registered-models/get-latest-versions', { name: 'churn', stages: ['Production'] });
    assert.deepEqual(latest.body.model_versions.map((v: { version: string; current_stage: string }) => [v.version, v.current_stage]), [['1', 'Production']]);
    expectError(await api.call('POST', '/model-versions/transition-stage', { name: 'churn', version: '1', stage: 'Live' }), 400, 'INVALID_PARAMETER_VALUE', /Invalid Model Version stage: Live/);
    const archived = await api.call('POST', '/model-versions/transition-stage', { name: 'churn', version: '2', stage: 'Archived' });
    assert.deepEqual([archived.body.model_version.current_stage, archived.body.model_version.aliases], ['Archived', []]);

    expectError(await api.call('DELETE', '/model-versions/delete', { name: 'churn', version: '1' }), 400, 'INVALID_PARAMETER_VALUE', /alias 'production' points at/);
    assert.deepEqual(await api.call('DELETE', '/model-versions/delete', { name: 'churn', version: '2' }), { status: 200, body: {} });
    expectError(await api.call('DELETE', '/model-versions/delete', { name: 'churn', version: '2' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  void it('aliases: set, get, delete with history kept; a missing alias is INVALID_PARAMETER_VALUE as in MLflow', async () => {
    await api.call('POST', '/model-versions/create', { name: 'churn', source: 's3://bucket/model3' });
    assert.deepEqual(await api.call('POST', '/registered-models/alias', { name: 'churn', alias: 'champion', version: '3' }), { status: 200, body: {} });
    const got = await api.call('GET', '/registered-models/alias', { name: 'churn', alias: 'champion' });
    assert.deepEqual([got.body.model_version.version, got.body.model_version.aliases], ['3', ['champion']]);
    const model = await api.call('GET', '/registered-models/get', { name: 'churn' });
    assert.deepEqual(model.body.registered_model.aliases, [{ alias: 'champion', version: '3' }, { alias: 'production', version: '1' }]);
    expectError(await api.call('POST', '/registered-models/alias', { name: 'churn', alias: 'champion', version: '9' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectError(await api.call('POST', '/registered-models/alias', { name: 'churn', alias: 'v3', version: '3' }), 400, 'INVALID_PARAMETER_VALUE', /looks like a version reference/);
    assert.deepEqual(await api.call('DELETE', '/registered-models/alias', { name: 'churn', alias: 'champion' }), { status: 200, body: {} });
    expectError(await api.call('GET', '/registered-models/alias', { name: 'churn', alias: 'champion' }), 400, 'INVALID_PARAMETER_VALUE', /Registered model alias champion not found/);
    expectError(await api.call('DELETE', '/registered-models/alias', { name: 'churn', alias: 'champion' }), 400, 'INVALID_PARAMETER_VALUE', /has no alias 'champion'/);
    expectError(await api.call('GET', '/registered-models/alias', { name: 'ghost', alias: 'x' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    const registry = new Registry(home.home);
    const history = await registry.aliasHistory('churn', 'champion');
    assert.deepEqual(history.map((h) => [h.action, h.fromVersion, h.toVersion, h.actor]), [['set', null, 3, 'api-tester'], ['delete', 3, null, 'api-tester']]);
    await registry.close();
    expectError(await api.call('DELETE', '/registered-models/delete', { name: 'churn' }), 400, 'INVALID_PARAMETER_VALUE', /still has aliases \(production → version 1\)/);
  });
});
