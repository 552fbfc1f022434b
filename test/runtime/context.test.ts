import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildContext } from '../../src/runtime/context.js';
import type { RunInfo } from '../../src/runtime/protocol.js';
import { openBlobStore } from '../../src/store/home.js';
import type { ArtifactStore } from '../../src/store/types.js';
import { clearPackCache, loadItemPointers, storeItems, storeValue } from '../../src/store/values.js';
import { tempHome } from '../helpers/run.js';

const run: RunInfo = { flow: 'F', runId: 'r1', user: 'u', tags: [], originRunId: null, home: '', flowFile: '', params: { k: 1 } };

function spy(blobs: ArtifactStore): { store: ArtifactStore; reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    store: { ...blobs, kind: blobs.kind, put: (d) => blobs.put(d), has: (d) => blobs.has(d), delete: (d) => blobs.delete(d), list: () => blobs.list(), get: (d) => (reads.push(d), blobs.get(d)) },
  };
}

describe('step context', () => {
  test('a split task loads only its own item, never the list', () => {
    const home = tempHome();
    const blobs = openBlobStore(home.home);
    const list = Array.from({ length: 10 }, (_, i) => ({ id: i, payload: 'x'.repeat(1000 + i) }));
    const manifest = storeItems(blobs, list);
    const pointers = loadItemPointers(blobs, manifest);
    clearPackCache();
    const { store, reads } = spy(blobs);
    const { ctx } = buildContext(
      run,
      {
        step: 'each',
        taskId: 5,
        attempt: 0,
        artifacts: { things: manifest, other: storeValue(blobs, 'unused') },
        stack: [{ splitStep: 'start', splitTaskId: 1, kind: 'foreach', step: 'each', index: 3, count: 10, item: pointers[3] }],
      },
      store,
      false,
    );
    assert.deepEqual(reads, [], 'nothing is read before the step asks');
    assert.deepEqual(ctx.item, list[3]);
    assert.equal(ctx.index, 3);
    // Small items are packed: the task reads its item's pack (once per process), not the manifest.
    assert.deepEqual(reads, [pointers[3]!.pack ?? pointers[3]!.digest]);
    // The whole list is still available on request, assembled from the items.
    assert.deepEqual(ctx.things, list);
    home.cleanup();
  });

  test('reading a missing artifact names the step and what is visible; reserved names are refused', () => {
    const home = tempHome();
    const blobs = openBlobStore(home.home);
    const { ctx } = buildContext(run, { step: 'train', taskId: 2, attempt: 0, artifacts: { data: storeValue(blobs, [1]) }, stack: [] }, blobs, false);
    assert.throws(() => ctx.model, /step 'train' reads artifact 'model', but no upstream step set it \(visible here: data\)/);
    assert.throws(() => ((ctx as Record<string, unknown>).params = 1), /cannot assign 'params'/);
    assert.throws(() => (ctx.set as (n: string, v: unknown) => void)('item', 1), /the name is reserved/);
    assert.deepEqual(ctx.data, [1]);
    home.cleanup();
  });
});
