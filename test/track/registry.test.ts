import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LinearRegression } from '../../src/ml/index.js';
import { Registry, loadModel } from '../../src/track/index.js';
import { runFixture, tempHome, type RecordedRun } from '../helpers/run.js';

const home = tempHome('sluice-track-registry-');
const runs: RecordedRun[] = [];
after(async () => {
  for (const run of runs) await run.close();
  home.cleanup();
});

const outputs = async (run: RecordedRun, step: string): Promise<Record<string, unknown>> => {
  const [task] = run.step(step);
  const names = (await run.store.meta.listArtifacts(run.result.runId, task!.taskId)).map((a) => a.name);
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await run.artifact(task!, n)] as const)));
};

void describe('registering models from flows', () => {
  before(async () => {
    for (const quality of [0.95, 0.9, 0.96]) {
      const run = await runFixture('track-register.ts', { home: home.home, params: { values: { quality } } });
      assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
      runs.push(run);
    }
  });

  void it('assigns versions 1, 2, 3; the second is gated against the first and not promoted; the third is', async () => {
    const results = await Promise.all(runs.map((run) => outputs(run, 'train')));
    assert.deepEqual(
      results.map((r) => [r.version, r.passed, r.promotion]),
      [
        [1, true, 'set'],
        [2, false, 'refused'],
        [3, true, 'set'],
      ],
    );
    assert.deepEqual(results[1]!.reasons, ["quality = 0.9 regresses from 0.95 (version 1, alias 'production') by more than 0.01"]);
    const checks = await Promise.all(runs.map((run) => outputs(run, 'check')));
    assert.deepEqual(checks.map((c) => c.predicted), [[7], [7], [7]]);
  });

  void it('records lineage: run, task pathspec, code digest, input digests, metrics, signature, example', async () => {
    const registry = new Registry(home.home);
    try {
      const v1 = await registry.get('models:/lin/1');
      const first = runs[0]!;
      const train = first.step('train')[0]!;
      const startTask = first.step('start')[0]!;
      const startArtifacts = Object.fromEntries((await first.store.meta.listArtifacts(first.result.runId, startTask.taskId)).map((a) => [a.name, a.digest]));
      const runRecord = await first.store.meta.getRun(first.result.runId);
      assert.equal(v1.runId, first.result.runId);
      assert.equal(v1.pathspec, `TrackRegister/${first.result.runId}/train/${train.taskId}`);
      assert.equal(v1.source, `sluice:${v1.pathspec}#lin`);
      assert.equal(v1.codeDigest, runRecord!.codeDigest);
      assert.deepEqual(v1.inputs, { x: startArtifacts.x, y: startArtifacts.y });
      assert.deepEqual(v1.metrics, { quality: 0.95 });
      assert.deepEqual(v1.signature, { inputs: [{ name: 'x0', type: 'float64' }] });
      assert.deepEqual(await registry.loadExample('models:/lin/1'), [[0.5], [1.5]]);
      assert.equal(v1.artifact?.codec, 'ml.LinearRegression');
      assert.deepEqual([v1.description, v1.tags], ['y = 2x + 1', { kind: 'linear' }]);
      assert.equal(v1.createdBy, runRecord!.user);
      const model = await registry.load('models:/lin@production');
      assert.ok(model instanceof LinearRegression);
      assert.deepEqual(Array.from(model.predict([[10]])).map((v) => Math.round(v * 1e9) / 1e9), [21]);
      assert.equal((await registry.get('models:/lin@production')).version, 3);
      assert.equal((await registry.get('models:/lin/latest')).version, 3);
      assert.deepEqual((await registry.versions('lin-unawaited')).map((v) => v.version), [3, 2, 1], 'registrations nobody awaited are committed too');
      assert.ok((await loadModel('models:/lin/2', { home: home.home })) instanceof LinearRegression);
    } finally {
      await registry.close();
    }
  });

  void it('keeps the alias history, including refusals and in-flow promotions', async () => {
    const registry = new Registry(home.home);
    try {
      const history = await registry.aliasHistory('lin', 'production');
      assert.deepEqual(
        history.map((h) => [h.action, h.fromVersion, h.toVersion]),
        [
          ['set', null, 1],
          ['refused', 1, 2],
          ['set', 1, 3],
        ],
      );
      assert.match(history[1]!.reason, /registered by TrackRegister\/\w+\/train\/\d+; refused: its gate failed: quality = 0\.9 regresses/);
      const staging = await registry.aliasHistory('lin', 'staging');
      assert.deepEqual(staging.map((h) => [h.fromVersion, h.toVersion, h.reason]), [[null, 1, 'smoke test'], [1, 2, 'smoke test'], [2, 3, 'smoke test']]);
      const ends = await Promise.all(runs.map((run) => outputs(run, 'end')));
      assert.deepEqual(ends.map((e) => [e.stagingFrom, e.stagingTo]), [[null, 1], [1, 2], [2, 3]]);
      const stages = Object.fromEntries((await registry.versions('lin')).map((v) => [v.version, v.stage]));
      assert.deepEqual(stages, { 1: 'Archived', 2: 'Archived', 3: 'Production' });
    } finally {
      await registry.close();
    }
  });

  void it('registers after the fact from a task artifact, gates, promotes with requireGate, refuses deleting aliased versions', async () => {
    const registry = new Registry({ home: home.home, actor: 'ops' });
    try {
      const second = runs[1]!;
      const version = await registry.register(`TrackRegister/${second.result.runId}/train`, { artifact: 'model', name: 'lin-copy', example: 'version' });
      assert.equal(version.version, 1);
      assert.deepEqual(version.metrics, {});
      assert.equal(version.signature, null, 'a plain number example has no recognisable signature');
      assert.equal(await registry.loadExample('models:/lin-copy/1'), 2);
      assert.deepEqual(version.inputs, second.step('train')[0]!.reads?.artifacts ?? {});
      await assert.rejects(registry.promote('lin-copy', 1, 'production'), /was not moved to version 1: refused: it has no gate verdict/);
      const verdict = await registry.gate('models:/lin-copy/1', { thresholds: { quality: { min: 0.5 } } });
      assert.equal(verdict.passed, false);
      assert.deepEqual(verdict.reasons, ["metric 'quality' is missing from the candidate (threshold min 0.5)"]);
      const withMetrics = await registry.register(`TrackRegister/${second.result.runId}/train`, { artifact: 'model', name: 'lin-copy', metrics: { quality: 0.7 } });
      assert.equal((await registry.gate(`models:/lin-copy/${withMetrics.version}`, { thresholds: { quality: { min: 0.5 } } })).passed, true);
      const moved = await registry.promote('lin-copy', 2, 'production', { reason: 'manual' });
      assert.deepEqual([moved.actor, moved.reason, moved.toVersion], ['ops', 'manual', 2]);
      await assert.rejects(registry.deleteVersion('lin-copy', 2), /alias 'production' points at/);
      await registry.deleteVersion('lin-copy', 1);
      await assert.rejects(registry.get('models:/lin-copy/1'), /model 'lin-copy' has no version 1/);
      await assert.rejects(registry.get('models:/lin-copy@champion'), /model 'lin-copy' has no alias 'champion' .*aliases: production/);
      await assert.rejects(registry.get('models:/nope/1'), /registered model 'nope' does not exist/);
      await assert.rejects(registry.register(`TrackRegister/${second.result.runId}/train`, { artifact: 'nothing', name: 'x' }), /has no artifact 'nothing' \(it has: .*model/);
    } finally {
      await registry.close();
    }
  });
});
