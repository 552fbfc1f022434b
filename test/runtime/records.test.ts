import assert from 'node:assert/strict';
import { test } from 'node:test';
import { registerRecordHandler } from '../../src/runtime/records.js';
import { runFixture, tempHome } from '../helpers/run.js';

test('task records reach the coordinator in batches and become metadata writes; task stats are recorded', async () => {
  let batches = 0;
  registerRecordHandler('test.note', (source, records) => {
    batches++;
    return [
      {
        op: 'event',
        runId: source.runId,
        time: records[0]!.time,
        kind: 'test.notes',
        payload: { step: source.step, taskId: source.taskId, texts: records.map((r) => (r.data as { text: string }).text) },
      },
    ];
  });
  const home = tempHome();
  const run = await runFixture('records.ts', { home: home.home });
  assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
  const events = (await run.store.meta.listEvents({ runId: run.result.runId })).filter((e) => e.kind === 'test.notes');
  const texts = events.flatMap((e) => e.payload.texts as string[]);
  assert.equal(texts.length, 5000);
  assert.equal(texts[0], 'n0');
  assert.equal(texts[4999], 'n4999');
  assert.ok(batches >= 2 && batches <= 10, `5000 records arrived in ${batches} batches`);

  const [start] = run.step('start');
  const [end] = run.step('end');
  assert.ok(start!.stats && end!.stats, 'stats recorded');
  assert.ok(start!.stats.bytesWritten >= 800_000, `start wrote ${start!.stats.bytesWritten} bytes`);
  assert.ok(end!.stats.bytesRead >= 800_000, `end read ${end!.stats.bytesRead} bytes`);
  assert.ok(end!.stats.cpuUserMs > 0);
  assert.ok(end!.stats.peakRssBytes > 10_000_000);
  assert.ok(end!.stats.userMs > 0 && end!.stats.userMs <= end!.stats.wallMs);
  await run.close();
  home.cleanup();
});
