/** Metrics, comparison, run search and the model registry over real HTTP, after real tracked runs. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunFlowResult } from '../../src/index.js';
import { tempHome } from '../helpers/run.js';
import { runInto, serve, type TestServer } from './serve-helper.js';

const home = tempHome('sluice-track-api-');
let server: TestServer;
let good: RunFlowResult;
let bad: RunFlowResult;

before(async () => {
  good = await runInto(home.home, 'ui-track.ts');
  // A worse run: its model fails the gate, so its promotion is refused.
  bad = await runInto(home.home, 'ui-track.ts', { params: { offset: -0.5 } });
  assert.equal(good.status, 'succeeded');
  assert.equal(bad.status, 'succeeded');
  server = await serve({ home: home.home, uiDir: null });
});
after(async () => {
  await server?.close();
  home.cleanup();
});

// loss at epoch e for rate r is (1 - 2r)^(e+1): rate 0.1 → 0.8^(e+1), rate 0.01 → 0.98^(e+1).
const loss = (rate: number, epoch: number) => (1 - 2 * rate) ** (epoch + 1);

describe('run metrics', () => {
  test('summaries, params (flow and logged) and key/value tags', async () => {
    const { status, body } = await server.json(`/api/runs/UiTrack/${good.runId}/metrics`);
    assert.equal(status, 200);
    const lossSummary = body.metrics.find((m: any) => m.key === 'loss');
    assert.equal(lossSummary.count, 40);
    assert.equal(lossSummary.step, 19);
    assert.ok(Math.abs(lossSummary.min - loss(0.1, 19)) < 1e-12);
    assert.ok(Math.abs(lossSummary.max - loss(0.01, 0)) < 1e-12);
    const auc = body.metrics.find((m: any) => m.key === 'auc');
    assert.ok(Math.abs(auc.value - 0.8) < 1e-12);
    const params = Object.fromEntries(body.params.map((p: any) => [p.key, [p.text, p.source]]));
    assert.deepEqual(params, { epochs: ['20', 'flow'], offset: ['0', 'flow'], optimizer: ['sgd', 'logged'] });
    assert.equal(body.tags.team, '<b>ml</b>');
  });

  test("one metric's history in step order, per task, and thinned with its extremes kept", async () => {
    const base = `/api/runs/UiTrack/${good.runId}/metric-history?key=loss`;
    const all = (await server.json(base)).body;
    assert.equal(all.total, 40);
    assert.equal(all.downsampled, false);
    assert.deepEqual(all.step, Array.from({ length: 40 }, (_, i) => Math.floor(i / 2)));
    const tasks = [...new Set(all.taskId)] as number[];
    assert.equal(tasks.length, 2);
    const one = (await server.json(`${base}&task=${tasks[0]}`)).body;
    assert.equal(one.total, 20);
    assert.deepEqual(one.step, Array.from({ length: 20 }, (_, i) => i));
    const values = one.value as number[];
    const rate = Math.abs(values[0]! - 0.8) < 1e-12 ? 0.1 : 0.01;
    values.forEach((v, e) => assert.ok(Math.abs(v - loss(rate, e)) < 1e-12, `epoch ${e}`));

    const thin = (await server.json(`${base}&max=9`)).body;
    assert.equal(thin.downsampled, true);
    assert.ok(thin.value.length <= 12, `${thin.value.length} points`);
    assert.ok(thin.value.includes(Math.min(...all.value)), 'the lowest value survives');
    assert.ok(thin.value.includes(Math.max(...all.value)), 'the highest value survives');
    assert.equal(thin.step.at(-1), 19, 'the last point survives');
  });

  test('an unknown metric is a 404 listing the metrics the run has', async () => {
    const { status, body } = await server.json(`/api/runs/UiTrack/${good.runId}/metric-history?key=accuracy`);
    assert.equal(status, 404);
    assert.match(body.message, /has no metric 'accuracy'; metrics: auc, loss$/);
  });
});

describe('compare and search', () => {
  test('runs side by side with their params and latest metrics', async () => {
    const { body } = await server.json(`/api/compare?run=UiTrack/${good.runId}&run=UiTrack/${bad.runId}`);
    assert.deepEqual(
      body.runs.map((r: any) => [r.runId, r.trackedParams.offset, Math.round(r.metrics.auc.value * 100) / 100]),
      [
        [good.runId, '0', 0.8],
        [bad.runId, '-0.5', 0.3],
      ],
    );
    const bad400 = await server.json('/api/compare?run=not-a-pathspec');
    assert.equal(bad400.status, 400);
    assert.match(bad400.body.message, /expected Flow\/RunId/);
  });

  test('the runs list accepts the MLflow-style filter syntax', async () => {
    const ids = async (q: string) => (await server.json(`/api/runs?q=${encodeURIComponent(q)}`)).body.runs.map((r: any) => r.runId);
    assert.deepEqual(await ids('metrics.auc > 0.75'), [good.runId]);
    assert.deepEqual(await ids("metrics.auc < 0.5 or params.offset = '0'"), [bad.runId, good.runId]);
    assert.deepEqual(await ids("tags.team = '<b>ml</b>' and metrics.auc < 0.5"), [bad.runId]);
    const broken = await server.json(`/api/runs?q=${encodeURIComponent('metrics.auc >> 1')}`);
    assert.equal(broken.status, 400);
    assert.match(broken.body.message, />/);
  });
});

describe('model registry', () => {
  test('models with their aliases', async () => {
    const { body } = await server.json('/api/models');
    assert.deepEqual(
      body.models.map((m: any) => [m.name, m.lastVersion, m.aliases]),
      [['ui-model', 2, { production: 1 }]],
    );
  });

  test('versions with lineage to their runs, metrics and gate verdicts; the alias history', async () => {
    const { status, body } = await server.json('/api/models/ui-model');
    assert.equal(status, 200);
    const [v2, v1] = body.versions;
    assert.equal(v1.version, 1);
    assert.equal(v1.lineage.runId, good.runId);
    assert.equal(v1.lineage.flow, 'UiTrack');
    assert.equal(v1.lineage.step, 'pick');
    assert.equal(v1.lineage.status, 'succeeded');
    assert.equal(v1.gate.passed, true);
    assert.deepEqual(v1.aliases, ['production']);
    assert.equal(v2.lineage.runId, bad.runId);
    assert.equal(v2.gate.passed, false);
    assert.equal(v2.description, 'a <i>tiny</i> model');
    assert.match(v2.gate.reasons[0], /auc = 0\.3 is below the minimum 0\.75/);
    assert.deepEqual(
      body.aliasHistory.map((h: any) => [h.alias, h.action, h.fromVersion, h.toVersion]),
      [
        ['production', 'set', null, 1],
        ['production', 'refused', 1, 2],
      ],
    );
    assert.equal(body.aliasHistory[0].reason, 'best of the sweep');
  });

  test('an unknown model is a 404', async () => {
    const { status, body } = await server.json('/api/models/nope');
    assert.equal(status, 404);
    assert.equal(body.message, "no registered model 'nope'");
  });
});
