import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cachedFacts, mapPool, measureMachine } from '../../../src/runtime/planner/index.js';
import { clearFactsMemo, factsFile, machineKey } from '../../../src/runtime/planner/machine.js';

const home = mkdtempSync(join(tmpdir(), 'sluice-machine-'));
after(async () => {
  await mapPool().shutdown();
  rmSync(home, { recursive: true, force: true });
});

test('measuring the machine starts a worker per core, times them busy together, and caches the facts', async () => {
  await mapPool().shutdown();
  clearFactsMemo();
  const facts = await measureMachine(home, 2);
  assert.equal(facts.version, 2);
  assert.ok(facts.workerStartMs > 0 && facts.roundTripMs > 0 && facts.pipelinedMs > 0, JSON.stringify(facts));
  // Two threads spun alone, then together: each keeps between half and all of its solo speed.
  assert.ok(facts.threadEfficiency >= 0.5 && facts.threadEfficiency <= 1, `efficiency ${facts.threadEfficiency}`);
  assert.equal(mapPool().idle(), 2, 'both probe workers stay warm in the pool');
  const stored = JSON.parse(readFileSync(factsFile(home), 'utf8')) as typeof facts;
  assert.equal(stored.threadEfficiency, facts.threadEfficiency);
  clearFactsMemo();
  assert.deepEqual(cachedFacts(home, 2), facts, 'read back from the store home');
});

test('facts cached by an older runtime (no thread efficiency) are measured again', () => {
  const old = mkdtempSync(join(tmpdir(), 'sluice-machine-old-'));
  try {
    mkdirSync(join(old, 'planner'), { recursive: true });
    const v1 = { version: 1, key: machineKey(2), measuredAt: Date.now(), workerStartMs: 50, roundTripMs: 0.1, pipelinedMs: 0.01, workerBytes: 1 << 24 };
    writeFileSync(factsFile(old), JSON.stringify(v1));
    clearFactsMemo();
    assert.equal(cachedFacts(old, 2), undefined);
  } finally {
    rmSync(old, { recursive: true, force: true });
  }
});
