import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { runFlow } from '../../src/index.js';
import { Pipeline } from '../../src/ml/index.js';
import { Registry, Tracking } from '../../src/track/index.js';
import { tempHome } from '../helpers/run.js';

const home = tempHome('sluice-taxi-');
after(() => home.cleanup());
const FLOW = join(import.meta.dirname, '..', '..', 'examples', 'taxi-duration', 'flow.ts');
const run = (values: Record<string, unknown>) => runFlow({ file: FLOW, home: home.home, env: {}, maxWorkers: 2, params: { values: { trips: 800, maxIter: 15, ...values } } });

void it('taxi-duration: the second version is gated against the first; a weak third one is not promoted', async () => {
  const first = await run({});
  assert.equal(first.status, 'succeeded', JSON.stringify(first.failures));
  const second = await run({ seed: 8, maxRegression: 5 });
  assert.equal(second.status, 'succeeded', JSON.stringify(second.failures));
  const third = await run({ maxIter: 1, maxRegression: 0 });
  assert.equal(third.status, 'succeeded', JSON.stringify(third.failures));

  const registry = new Registry(home.home);
  const tracking = new Tracking(home.home);
  try {
    const [v3, v2, v1] = await registry.versions('taxi-duration');
    assert.deepEqual([v1!.version, v1!.gate?.passed, v1!.gate?.baseline], [1, true, null]);
    assert.deepEqual([v2!.version, v2!.gate?.passed, v2!.gate?.baseline?.version], [2, true, 1]);
    assert.deepEqual([v3!.version, v3!.gate?.passed, v3!.gate?.baseline?.version], [3, false, 2]);
    assert.equal((await registry.get('models:/taxi-duration@production')).version, 2);
    assert.deepEqual((await registry.aliasHistory('taxi-duration', 'production')).map((h) => [h.fromVersion, h.toVersion]), [[null, 1], [1, 2]]);
    assert.equal(v2!.runId, second.runId);
    assert.deepEqual(Object.keys(v2!.inputs), ['trips', 'xTrain', 'yTrain', 'xTest', 'yTest']);
    assert.deepEqual(v2!.signature?.inputs.map((c) => c.name), ['distance_km', 'log_distance', 'hour', 'weekday', 'passengers', 'rush_hour', 'weekend', 'zone', 'weather']);
    const model = await registry.load('models:/taxi-duration@production');
    assert.ok(model instanceof Pipeline);
    const example = await registry.loadExample('models:/taxi-duration/2');
    assert.equal((model.predict(example) as Float64Array).length, 5);

    const summary = await tracking.summary(`TaxiDuration/${second.runId}`);
    const metric = (key: string) => summary.metrics.find((m) => m.key === key);
    assert.equal(metric('rmse')?.value, v2!.metrics.rmse);
    assert.ok(metric('train_loss')!.count >= 2, 'the loss curve is a history');
    assert.equal(summary.params.find((p) => p.key === 'seed')?.value, 8);
    assert.equal(summary.params.find((p) => p.key === 'data_source')?.value, 'synthetic-trips-v1');
  } finally {
    await registry.close();
    await tracking.close();
  }
});
