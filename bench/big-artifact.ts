/**
 * A 100 MB Float64Array artifact: stored by one step and loaded by the next.
 * Figure: time from the producing step's return to the array being loaded in the next step.
 * Baseline: writing and reading the same bytes with plain fs calls in this process.
 * Target: <= 1 s total.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/home.js';
import { report } from './lib.js';

const mb = 100;
const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-fs-'));
const bytes = new Float64Array((mb * 1024 * 1024) / 8);
const t0 = performance.now();
writeFileSync(join(dir, 'raw'), new Uint8Array(bytes.buffer));
readFileSync(join(dir, 'raw'));
const rawMs = performance.now() - t0;
rmSync(dir, { recursive: true, force: true });

const home = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
const { runFlow } = await import('../src/index.js');
const result = await runFlow({ file: join(import.meta.dirname, 'flows', 'big-artifact.ts'), home, env: {}, maxWorkers: 2, params: { values: { mb } } });
if (result.status !== 'succeeded') throw new Error(JSON.stringify(result.failures[0]));
const store = openStore(home);
const tasks = await store.meta.listTasks(result.runId);
const { loadValue } = await import('../src/store/values.js');
const value = async (step: string, name: string) => {
  const task = tasks.find((t) => t.step === step)!;
  const artifact = (await store.meta.listArtifacts(result.runId, task.taskId)).find((a) => a.name === name)!;
  return loadValue(store.blobs, artifact) as number;
};
const totalMs = (await value('use', 'loadedAt')) - (await value('make', 'returnedAt'));
await store.close();
rmSync(home, { recursive: true, force: true });
const ok = report(`${mb} MB Float64Array store + load in next step`, totalMs, 'ms', { label: 'plain fs write+read', value: rawMs }, { ok: totalMs <= 1000, text: '<= 1000 ms' });
process.exitCode = ok ? 0 : 1;
