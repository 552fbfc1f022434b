/** Contract tests of the MLflow tracking endpoints over real HTTP, including error codes and statuses. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runFixture, tempHome } from '../helpers/run.js';
import { startMlflow, type MlflowServer } from './mlflow-helpers.js';

const home = tempHome('sluice-mlflow-');
let api: MlflowServer;
let sluiceRun: { flow: string; runId: string };

before(async () => {
  const run = await runFixture('track-basic.ts', { home: home.home });
  assert.equal(run.result.status, 'succeeded');
  sluiceRun = { flow: run.result.flow, runId: run.result.runId };
  await run.close();
  api = await startMlflow(home.home);
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

void describe('MLflow REST API: experiments', () => {
  void it('create, get, get-by-name, search (with a filter and pages); errors for duplicates, bad names and unknown ids', async () => {
    const created = await api.call('POST', '/experiments/create', { name: 'churn-exp', tags: [{ key: 'team', value: 'growth' }] });
    assert.deepEqual(created, { status: 200, body: { experiment_id: 'churn-exp' } });
    expectError(await api.call('POST', '/experiments/create', { name: 'churn-exp' }), 400, 'RESOURCE_ALREADY_EXISTS', /Experiment\(name=churn-exp\) already exists/);
    expectError(await api.call('POST', '/experiments/create', { name: '/Users/me/exp' }), 400, 'INVALID_PARAMETER_VALUE', /not a Sluice flow name/);
    expectError(await api.call('POST', '/experiments/create', {}), 400, 'INVALID_PARAMETER_VALUE', /Missing value for required parameter 'name'/);
    const got = await api.call('GET', '/experiments/get', { experiment_id: 'churn-exp' });
    assert.equal(got.status, 200);
    assert.deepEqual(
      { ...got.body.experiment, creation_time: 0, last_update_time: 0 },
      { experiment_id: 'churn-exp', name: 'churn-exp', artifact_location: 'sluice:churn-exp', lifecycle_stage: 'active', creation_time: 0, last_update_time: 0, tags: [{ key: 'team', value: 'growth' }] },
    );
    expectError(await api.call('GET', '/experiments/get', { experiment_id: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST', /No Experiment with id=nope exists/);
    expectError(await api.call('GET', '/experiments/get', {}), 400, 'INVALID_PARAMETER_VALUE', /'experiment_id'/);
    const byName = await api.call('GET', '/experiments/get-by-name', { experiment_name: 'TrackBasic' });
    assert.equal(byName.body.experiment.experiment_id, 'TrackBasic', 'a Sluice flow is an experiment');
    expectError(await api.call('GET', '/experiments/get-by-name', { experiment_name: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST', /Could not find experiment with name nope/);
    const searched = await api.call('POST', '/experiments/search', { filter: "name LIKE 'churn%' or tags.team = 'x'", max_results: 10 });
    assert.deepEqual(searched.body.experiments.map((e: { name: string }) => e.name), ['churn-exp']);
    const page1 = await api.call('GET', '/experiments/search', { max_results: 1, order_by: 'name ASC' });
    assert.deepEqual([page1.body.experiments.map((e: { name: string }) => e.name), page1.body.next_page_token], [['TrackBasic'], '1']);
    const page2 = await api.call('GET', '/experiments/search', { max_results: 1, order_by: 'name ASC', page_token: '1' });
    assert.deepEqual([page2.body.experiments.map((e: { name: string }) => e.name), page2.body.next_page_token], [['churn-exp'], undefined]);
    expectError(await api.call('POST', '/experiments/search', { filter: 'name = ' }), 400, 'INVALID_PARAMETER_VALUE', /column 8: expected a value/);
  });
});

void describe('MLflow REST API: runs', () => {
  void it('a Sluice run reads as an MLflow run: params, latest metrics (NaN and ±Infinity as strings), tags, status', async () => {
    const got = await api.call('GET', '/runs/get', { run_id: sluiceRun.runId });
    assert.equal(got.status, 200);
    const { info, data } = got.body.run;
    assert.deepEqual([info.run_id, info.experiment_id, info.status, info.lifecycle_stage], [sluiceRun.runId, 'TrackBasic', 'FINISHED', 'active']);
    assert.deepEqual(data.params.find((p: { key: string }) => p.key === 'layers'), { key: 'layers', value: '[8,4]' });
    assert.deepEqual(data.params.find((p: { key: string }) => p.key === 'lr'), { key: 'lr', value: '0.1' });
    const weird = data.metrics.find((m: { key: string }) => m.key === 'weird');
    assert.deepEqual([weird.value, weird.step], ['Infinity', 7]);
    assert.deepEqual(data.tags.find((t: { key: string }) => t.key === 'team'), { key: 'team', value: 'vision' });
    const history = await api.call('GET', '/metrics/get-history', { run_id: sluiceRun.runId, metric_key: 'weird' });
    assert.deepEqual(history.body.metrics.map((m: { value: unknown; step: number }) => [m.step, m.value]), [[0, 'NaN'], [2, '-Infinity'], [7, 'Infinity']]);
    expectError(await api.call('GET', '/runs/get', { run_id: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST', /Run with id=nope not found/);
  });

  void it('create, log (metric, param, batch, tags), update, history with pages, delete and restore; every error case', async () => {
    const created = await api.call('POST', '/runs/create', { experiment_id: 'churn-exp', user_id: 'ann', run_name: 'first', start_time: 1_700_000_000_000, tags: [{ key: 'src', value: 'script' }] });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const runId: string = created.body.run.info.run_id;
    assert.deepEqual(
      [created.body.run.info.run_name, created.body.run.info.user_id, created.body.run.info.status, created.body.run.info.start_time],
      ['first', 'ann', 'RUNNING', 1_700_000_000_000],
    );
    expectError(await api.call('POST', '/runs/create', { experiment_id: 'missing' }), 404, 'RESOURCE_DOES_NOT_EXIST', /No Experiment with id=missing exists/);
    const defaulted = await api.call('POST', '/runs/create', {});
    assert.equal(defaulted.body.run.info.experiment_id, 'Default', "experiment '0' (the default) is the flow Default");

    assert.deepEqual(await api.call('POST', '/runs/log-metric', { run_id: runId, key: 'loss', value: 0.5, timestamp: 10, step: 0 }), { status: 200, body: {} });
    await api.call('POST', '/runs/log-metric', { run_id: runId, key: 'loss', value: 'NaN', timestamp: 11, step: 1 });
    await api.call('POST', '/runs/log-metric', { run_id: runId, key: 'loss', value: 0.25, timestamp: 12, step: 2 });
    expectError(await api.call('POST', '/runs/log-metric', { run_id: runId, key: 'loss', value: 1 }), 400, 'INVALID_PARAMETER_VALUE', /'timestamp'/);
    expectError(await api.call('POST', '/runs/log-metric', { run_id: runId, key: 'loss', value: 'high', timestamp: 1 }), 400, 'INVALID_PARAMETER_VALUE', /'value'/);
    expectError(await api.call('POST', '/runs/log-metric', { run_id: 'nope', key: 'loss', value: 1, timestamp: 1 }), 404, 'RESOURCE_DOES_NOT_EXIST');

    assert.equal((await api.call('POST', '/runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' })).status, 200);
    assert.equal((await api.call('POST', '/runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' })).status, 200, 'the same value again is fine');
    expectError(await api.call('POST', '/runs/log-parameter', { run_id: runId, key: 'lr', value: '0.2' }), 400, 'INVALID_PARAMETER_VALUE', /param 'lr' of run \w+ is already "0\.1"; it cannot change to "0\.2"/);
    expectError(await api.call('POST', '/runs/log-parameter', { run_id: runId, key: 'bad!', value: '1' }), 400, 'INVALID_PARAMETER_VALUE', /param key 'bad!'/);

    const batch = await api.call('POST', '/runs/log-batch', {
      run_id: runId,
      metrics: [{ key: 'acc', value: 0.9, timestamp: 20, step: 0 }, { key: 'acc', value: 0.95, timestamp: 21, step: 1 }],
      params: [{ key: 'model', value: 'rf' }],
      tags: [{ key: 'stage', value: 'dev' }],
    });
    assert.deepEqual(batch, { status: 200, body: {} });
    const many = Array.from({ length: 1001 }, (_, i) => ({ key: 'm', value: i, timestamp: i, step: i }));
    expectError(await api.call('POST', '/runs/log-batch', { run_id: runId, metrics: many }), 400, 'INVALID_PARAMETER_VALUE', /at most 1000 metrics\. Got 1001 metrics/);
    const params = Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: '1' }));
    expectError(await api.call('POST', '/runs/log-batch', { run_id: runId, params }), 400, 'INVALID_PARAMETER_VALUE', /at most 100 params\. Got 101/);
    expectError(await api.call('POST', '/runs/log-batch', { run_id: runId, tags: params }), 400, 'INVALID_PARAMETER_VALUE', /at most 100 tags/);
    expectError(await api.call('POST', '/runs/log-batch', { run_id: runId, tags: [{ key: 'x' }] }), 400, 'INVALID_PARAMETER_VALUE', /tags\[0\]\.value/);

    assert.equal((await api.call('POST', '/runs/set-tag', { run_id: runId, key: 'note', value: 'hello' })).status, 200);
    assert.equal((await api.call('POST', '/runs/delete-tag', { run_id: runId, key: 'note' })).status, 200);
    expectError(await api.call('POST', '/runs/delete-tag', { run_id: runId, key: 'note' }), 404, 'RESOURCE_DOES_NOT_EXIST', /No tag with name: note/);

    const updated = await api.call('POST', '/runs/update', { run_id: runId, status: 'FINISHED', end_time: 1_700_000_100_000, run_name: 'renamed' });
    assert.deepEqual([updated.body.run_info.status, updated.body.run_info.end_time, updated.body.run_info.run_name], ['FINISHED', 1_700_000_100_000, 'renamed']);
    expectError(await api.call('POST', '/runs/update', { run_id: runId, status: 'DONE' }), 400, 'INVALID_PARAMETER_VALUE', /'DONE'/);

    const run = (await api.call('GET', '/runs/get', { run_id: runId })).body.run;
    assert.deepEqual(run.data.metrics.map((m: { key: string; value: unknown; step: number }) => [m.key, m.value, m.step]), [['acc', 0.95, 1], ['loss', 0.25, 2]]);
    assert.deepEqual(run.data.params, [{ key: 'lr', value: '0.1' }, { key: 'model', value: 'rf' }]);
    assert.deepEqual(run.data.tags.filter((t: { key: string }) => ['src', 'stage', 'mlflow.runName'].includes(t.key)), [
      { key: 'mlflow.runName', value: 'renamed' },
      { key: 'src', value: 'script' },
      { key: 'stage', value: 'dev' },
    ]);

    const page = await api.call('GET', '/metrics/get-history', { run_id: runId, metric_key: 'loss', max_results: 2 });
    assert.deepEqual([page.body.metrics.map((m: { value: unknown }) => m.value), page.body.next_page_token], [[0.5, 'NaN'], '2']);
    const rest = await api.call('GET', '/metrics/get-history', { run_id: runId, metric_key: 'loss', max_results: 2, page_token: '2' });
    assert.deepEqual([rest.body.metrics.map((m: { value: unknown }) => m.value), rest.body.next_page_token], [[0.25], undefined]);
    assert.deepEqual((await api.call('GET', '/metrics/get-history', { run_id: runId, metric_key: 'none' })).body, { metrics: [] });
    expectError(await api.call('GET', '/metrics/get-history', { run_id: runId }), 400, 'INVALID_PARAMETER_VALUE', /'metric_key'/);
    expectError(await api.call('GET', '/metrics/get-history', { run_id: 'nope', metric_key: 'x' }), 404, 'RESOURCE_DOES_NOT_EXIST');

    assert.equal((await api.call('POST', '/runs/delete', { run_id: runId })).status, 200);
    expectError(await api.call('POST', '/runs/log-metric', { run_id: runId, key: 'x', value: 1, timestamp: 1 }), 400, 'INVALID_PARAMETER_VALUE', /must be in the 'active' state/);
    const active = await api.call('POST', '/runs/search', { experiment_ids: ['churn-exp'] });
    assert.deepEqual(active.body.runs ?? [], []);
    const deleted = await api.call('POST', '/runs/search', { experiment_ids: ['churn-exp'], run_view_type: 'DELETED_ONLY' });
    assert.deepEqual(deleted.body.runs.map((r: { info: { run_id: string; lifecycle_stage: string } }) => [r.info.run_id, r.info.lifecycle_stage]), [[runId, 'deleted']]);
    assert.equal((await api.call('POST', '/runs/restore', { run_id: runId })).status, 200);
    expectError(await api.call('POST', '/runs/delete', { run_id: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  void it('search: MLflow filters plus or and parentheses, order_by, page tokens; bad filters point at the token', async () => {
    const ids: string[] = [];
    for (const [model, auc] of [['rf', 0.9], ['rf', 0.7], ['lr', 0.95]] as const) {
      const created = await api.call('POST', '/runs/create', { experiment_id: 'churn-exp' });
      const runId = created.body.run.info.run_id as string;
      ids.push(runId);
      await api.call('POST', '/runs/log-batch', { run_id: runId, params: [{ key: 'algo', value: model }], metrics: [{ key: 'auc', value: auc, timestamp: 1, step: 0 }] });
    }
    const search = async (body: Record<string, unknown>) => api.call('POST', '/runs/search', { experiment_ids: ['churn-exp'], ...body });
    const runIds = (response: { body: any }) => (response.body.runs ?? []).map((r: { info: { run_id: string } }) => r.info.run_id);
    assert.deepEqual(runIds(await search({ filter: "metrics.auc > 0.8 and params.algo = 'rf'" })), [ids[0]]);
    assert.deepEqual(runIds(await search({ filter: "params.algo = 'lr' or (params.algo = 'rf' and metrics.auc < 0.8)" })), [ids[2], ids[1]]);
    assert.deepEqual(runIds(await search({ filter: 'metrics.auc > 0', order_by: ['metrics.auc DESC'] })), [ids[2], ids[0], ids[1]]);
    const first = await search({ filter: 'metrics.auc > 0', order_by: ['metrics.auc ASC'], max_results: 2 });
    assert.deepEqual(runIds(first), [ids[1], ids[0]]);
    const second = await search({ filter: 'metrics.auc > 0', order_by: ['metrics.auc ASC'], max_results: 2, page_token: first.body.next_page_token });
    assert.deepEqual([runIds(second), second.body.next_page_token], [[ids[2]], undefined]);
    expectError(await search({ filter: "metrics.auc > 0.8 and params.algo == 'rf' or" }), 400, 'INVALID_PARAMETER_VALUE', /column 45: expected a name/);
    expectError(await search({ filter: "params.algo > 'a'" }), 400, 'INVALID_PARAMETER_VALUE', /column 13: params\.algo is compared as a string/);
    expectError(await search({ page_token: 'bogus' }), 400, 'INVALID_PARAMETER_VALUE', /page token/);
    expectError(await search({ run_view_type: 'SOME' }), 400, 'INVALID_PARAMETER_VALUE', /ACTIVE_ONLY, DELETED_ONLY or ALL/);
    const everything = await api.call('POST', '/runs/search', { filter: "attributes.status = 'FINISHED' and attributes.experiment_id = 'TrackBasic'" });
    assert.deepEqual(runIds(everything), [sluiceRun.runId]);
  });

  void it('answers unknown endpoints and malformed bodies in MLflow shape; the ajax-api prefix works too', async () => {
    expectError(await api.call('POST', '/runs/frobnicate', {}), 404, 'ENDPOINT_NOT_FOUND');
    const response = await fetch(`${api.url}/runs/create`, { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error_code: string }).error_code, 'BAD_REQUEST');
    const ajax = await fetch(`${api.origin}/ajax-api/2.0/mlflow/experiments/get-by-name?experiment_name=TrackBasic`);
    assert.equal(((await ajax.json()) as { experiment: { name: string } }).experiment.name, 'TrackBasic');
  });
});
