/** Small task outputs kept inline in the metadata store, on real runs with the pool executor. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Client } from '../../src/client/index.js';
import { collectGarbage } from '../../src/store/gc.js';
import { openStore } from '../../src/store/home.js';
import { registryGcSource } from '../../src/store/metadata/tracking/gc.js';
import type { ArtifactRecord } from '../../src/store/types.js';
import { INLINE_MAX_BYTES } from '../../src/store/values.js';
import { Registry } from '../../src/track/registry.js';
import { runFixture, tempHome, type RecordedRun } from '../helpers/run.js';

const homes: { cleanup: () => void }[] = [];
after(() => homes.forEach((h) => h.cleanup()));

function casFiles(home: string): number {
  const dir = join(home, 'cas');
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

async function artifactsOf(run: RecordedRun): Promise<(ArtifactRecord & { step: string })[]> {
  const all: (ArtifactRecord & { step: string })[] = [];
  for (const task of run.tasks) for (const a of await run.store.meta.listArtifacts(run.result.runId, task.taskId)) all.push({ ...a, step: task.step });
  return all;
}

test('small outputs are inline (no files), big ones blobs; a switch, a later step and a join read them on the pool', async () => {
  const home = tempHome('sluice-inline-');
  homes.push(home);
  const run = await runFixture('inline-outputs.ts', { home: home.home, executor: 'pool', maxWorkers: 2 });
  assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
  assert.equal(run.step('each').length, 20);

  // Downstream reads: the switch routed on the inline `route`, `prepare` decoded the inline typed
  // array, every item read `factor`, the join read the items' `y`/`w` and the inherited `label`.
  assert.deepEqual(await run.values('prepare', 'factor'), [2]);
  const [gather] = run.step('gather');
  assert.deepEqual(await run.artifact(gather!, 'ys'), Array.from({ length: 20 }, (_, i) => i * 2));
  assert.deepEqual(await run.artifact(gather!, 'ws'), Array.from({ length: 20 }, (_, i) => i * 0.5));
  assert.deepEqual(await run.values('end', 'summary'), ['tiny:380:3000']);

  const artifacts = await artifactsOf(run);
  const blobs = artifacts.filter((a) => a.inline === undefined);
  assert.deepEqual(blobs.map((a) => a.name).sort(), ['big', 'items']);
  assert.ok(blobs.every((a) => a.bytes > INLINE_MAX_BYTES || a.codec === 'sluice.items'));
  const inline = artifacts.filter((a) => a.inline !== undefined);
  assert.equal(inline.length, artifacts.length - 2);
  for (const a of inline) {
    assert.ok(a.bytes <= INLINE_MAX_BYTES);
    assert.equal(a.inline!.byteLength, a.bytes);
    assert.equal(createHash('sha256').update(a.inline!).digest('hex'), a.digest, `${a.step}.${a.name}: digest is the sha256 of its bytes`);
    assert.equal(run.store.blobs.has(a.digest), false, `${a.step}.${a.name} has no blob`);
  }
  // The only files: the big array, the item manifest and the one pack of the 20 small items.
  assert.equal(casFiles(home.home), 3);

  // Task stats count inline bytes: each item wrote its two small outputs and read what it used.
  for (const task of run.step('each')) {
    const own = inline.filter((a) => a.taskId === task.taskId).reduce((n, a) => n + a.bytes, 0);
    assert.equal(task.stats?.bytesWritten, own, `task ${task.taskId} bytes written`);
    assert.ok((task.stats?.bytesRead ?? 0) > 0);
  }

  // The client reads inline artifacts (own and inherited) like blobs.
  const client = new Client({ home: home.home });
  try {
    const latest = await (await client.flow('InlineOutputs')).latestSuccessfulRun();
    const data = (await latest!.data()) as { summary: string; model: unknown };
    assert.equal(data.summary, 'tiny:380:3000');
    const task = await client.task(`InlineOutputs/${run.result.runId}/prepare/${run.step('prepare')[0]!.taskId}`);
    assert.deepEqual(await task.artifact('weights'), Float64Array.from([0.5, 0.25, 2]));
    assert.ok((await task.artifactInfo('weights')).inline, 'inherited inline artifact carries its bytes');
  } finally {
    await client.close();
  }
  await run.close();
});

test('a small model artifact registered from a task loads by alias; gc keeps it and reports nothing missing', async () => {
  const home = tempHome('sluice-inline-');
  homes.push(home);
  const run = await runFixture('inline-outputs.ts', { home: home.home, executor: 'pool', maxWorkers: 2, params: { values: { n: 3 } } });
  assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
  const end = run.step('end')[0]!;
  const model = (await run.store.meta.listArtifacts(run.result.runId, end.taskId)).find((a) => a.name === 'model')!;
  assert.ok(model.inline, 'the model is small enough to be inline');
  await run.close();

  const registry = new Registry(home.home);
  try {
    const version = await registry.register(`InlineOutputs/${run.result.runId}/end`, { artifact: 'model', name: 'tiny' });
    assert.equal(version.artifact?.digest, model.digest, 'same identity as the inline artifact');
    await registry.setAlias('tiny', 'production', version.version);
    assert.deepEqual(await registry.load('models:/tiny@production'), { slope: 2, intercept: 0.5 });
  } finally {
    await registry.close();
  }

  // Registering wrote the model out as a blob (a version keeps only a pointer); the registry keeps it.
  const report = collectGarbage({ home: home.home, sources: [registryGcSource(home.home)] });
  assert.deepEqual([report.blobs.missing, report.blobs.truncated, report.blobs.deleted, report.blobs.sparedInFlight], [[], [], 0, 0]);
  const store = openStore(home.home);
  assert.ok(store.blobs.has(model.digest));
  await store.close();
});
