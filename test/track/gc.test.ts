import assert from 'node:assert/strict';
import { it } from 'node:test';
import { collectGarbage } from '../../src/store/gc.js';
import { registeredRunIds, registryGcSource } from '../../src/store/metadata/tracking/gc.js';
import { openStore } from '../../src/store/home.js';
import { Registry } from '../../src/track/index.js';
import { runFixture, tempHome } from '../helpers/run.js';

void it('gc keeps registered models (and, when asked, the runs that produced them); without the registry source their blobs go', async () => {
  const home = tempHome('sluice-track-gc-');
  try {
    const run = await runFixture('track-register.ts', { home: home.home });
    assert.equal(run.result.status, 'succeeded');
    await run.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(registeredRunIds(home.home), [run.result.runId]);

    const protectedRun = collectGarbage({ home: home.home, keepLast: 0, inFlightMarginMs: 0, sources: [registryGcSource(home.home)], protectRuns: registeredRunIds(home.home) });
    assert.equal(protectedRun.runs.deleted.length, 0);

    const kept = collectGarbage({ home: home.home, keepLast: 0, inFlightMarginMs: 0, sources: [registryGcSource(home.home)] });
    assert.deepEqual(kept.runs.deleted.map((r) => r.runId), [run.result.runId]);
    const store = openStore(home.home);
    assert.equal(await store.meta.getRun(run.result.runId), undefined);
    assert.deepEqual(await store.meta.tracking.getMetricSummaries(run.result.runId), [], "the run's tracking rows went with it");
    await store.close();
    const registry = new Registry(home.home);
    assert.deepEqual(Array.from(((await registry.load('models:/lin/1')) as { predict(x: number[][]): Float64Array }).predict([[1]])).map(Math.round), [3]);
    assert.deepEqual(await registry.loadExample('models:/lin/1'), [[0.5], [1.5]]);

    collectGarbage({ home: home.home, keepLast: 0, inFlightMarginMs: 0 });
    await assert.rejects(registry.load('models:/lin/1'), /is not in the artifact store/);
    await registry.close();
  } finally {
    home.cleanup();
  }
});
