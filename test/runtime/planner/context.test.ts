import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { MapRecord } from '../../../src/runtime/planner/context.js';
import { runFlow } from '../../../src/index.js';
import { openStore } from '../../../src/store/home.js';
import { loadValue } from '../../../src/store/values.js';
import { tempHome } from '../../helpers/run.js';

test('ctx.map inside a step (pool executor) returns results in order and records its plan with the task', async () => {
  const { home, cleanup } = tempHome();
  try {
    const result = await runFlow({ file: join(import.meta.dirname, 'fixtures', 'map-flow.ts'), home, maxWorkers: 2, env: {} });
    assert.equal(result.status, 'succeeded', JSON.stringify(result.failures));
    const store = openStore(home);
    try {
      const tasks = await store.meta.listTasks(result.runId);
      const compute = tasks.find((t) => t.step === 'compute')!;
      const artifact = (await store.meta.listArtifacts(result.runId, compute.taskId)).find((a) => a.name === 'cubes')!;
      assert.deepEqual(loadValue(store.blobs, artifact), Array.from({ length: 30 }, (_, i) => i ** 3));
      const planned = tasks.find((t) => t.step === 'planned')!;
      const sum = (await store.meta.listArtifacts(result.runId, planned.taskId)).find((a) => a.name === 'sum')!;
      assert.equal(loadValue(store.blobs, sum), 189_225);

      const events = (await store.meta.listEvents({ runId: result.runId })).filter((e) => e.kind === 'planner.map');
      assert.equal(events.length, 2);
      const [forced, chosen] = events.map((e) => e.payload as unknown as MapRecord);
      assert.equal(forced!.step, 'compute');
      assert.equal(forced!.taskId, compute.taskId);
      assert.equal(forced!.plan.mode, 'parallel');
      assert.equal(forced!.plan.workers, 2);
      assert.equal(forced!.plan.items, 30);
      assert.ok(forced!.plan.realised && forced!.plan.realised.workerItems + forced!.plan.realised.mainItems === 30);
      // 30 cubes are microseconds of work: the planner keeps them in the task's own thread.
      assert.equal(chosen!.step, 'planned');
      assert.equal(chosen!.plan.mode, 'serial');
    } finally {
      await store.close();
    }
  } finally {
    cleanup();
  }
});
